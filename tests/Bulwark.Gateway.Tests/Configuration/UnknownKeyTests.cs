using Bulwark.Gateway.Cli;
using Bulwark.Gateway.Hosting;
using Bulwark.Gateway.Reload;
using Bulwark.Gateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Bulwark.Gateway.Tests.Configuration;

/// <summary>
/// A key the gateway does not know would be accepted and then ignored: it is an error naming the closest known key,
/// listed with every other error; serve, check-config and a live reload all refuse it.
/// </summary>
public class UnknownKeyTests
{
    private static GatewayHostSettings Settings(string json) => new(null, json, ["http://127.0.0.1:0"]) { Environment = _ => null, EnvironmentOverrides = false };

    [Fact]
    public void Load_UnknownKeys_AreErrorsNamingTheClosestKey_ListedWithEveryOtherError()
    {
        using var primary = ClosedPort.Open();
        string json = Configs.TwoProviders(
            primary.Address,
            primary.Address,
            pipeline: """{ "Retry": { "MaxRetry": 2 } }""",
            routeExtra: """, "MaxRetrys": 3, "Timeout": "2.00:00:00" """,
            bulwarkExtra: "\"Pipelinez\": {}, \"Colour\": \"blue\", ");

        var error = Assert.Throws<OptionsValidationException>(() => GatewayConfiguration.Load(Settings(json)));

        Assert.Contains("Bulwark:Pipelinez: unknown setting; did you mean 'Pipelines'?", error.Failures);
        Assert.Contains("Bulwark:Colour: unknown setting.", error.Failures);
        Assert.Contains("Bulwark:Pipelines:default:Retry:MaxRetry: unknown setting; did you mean 'MaxRetries'?", error.Failures);
        // Nothing close enough to suggest: a route has no retry count (its pipeline has).
        Assert.Contains("Bulwark:Routes:0:MaxRetrys: unknown setting.", error.Failures);
        Assert.Contains("Bulwark:Routes:0:Timeout: 2.00:00:00 is out of range; allowed 00:00:00.001 to 1.00:00:00.", error.Failures);
        Assert.Equal(5, error.Failures.Count());
    }

    [Fact]
    public void Build_UnknownKey_ServeRefusesToStart()
    {
        using var primary = ClosedPort.Open();
        string json = Configs.TwoProviders(primary.Address, primary.Address, bulwarkExtra: "\"MaxBufferedBodyByte\": 10, ");

        var error = Assert.Throws<OptionsValidationException>(() => GatewayHost.Build(Settings(json)));

        Assert.Equal(["Bulwark:MaxBufferedBodyByte: unknown setting; did you mean 'MaxBufferedBodyBytes'?"], error.Failures);
    }

    [Fact]
    public async Task CheckConfig_UnknownKey_ExitsNonZero_NamingTheClosestKey()
    {
        using var primary = ClosedPort.Open();
        string json = Configs.TwoProviders(primary.Address, primary.Address, bulwarkExtra: "\"Shutdown\": { \"DrainDelays\": \"00:00:01\" }, ");
        var output = new StringWriter();
        var error = new StringWriter();

        int exit = await CheckConfigCommand.RunAsync(Settings(json), production: false, output, error);

        Assert.Equal(CheckConfigCommand.Invalid, exit);
        Assert.Equal(string.Empty, output.ToString());
        Assert.Contains("  - Bulwark:Shutdown:DrainDelays: unknown setting; did you mean 'DrainDelay'?", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Load_SectionsOtherComponentsRead_AreKnown_AndCheckedAgainstTheirOwnSettings()
    {
        using var primary = ClosedPort.Open();
        string valid = Configs.TwoProviders(primary.Address, primary.Address, bulwarkExtra: """
            "Telemetry": { "ServiceName": "edge", "Anomaly": { "WarmupSamples": 50 }, "ProviderHealth": { "WindowSize": 200 } },
            "Logging": { "TenantIdHeader": "X-Tenant" }, "Admin": { "Token": "0123456789abcdef0123456789abcdef" },
            "Shutdown": { "DrainDelay": "00:00:01" }, "Reload": { "Enabled": false }, "Limits": { "MaxRequestHeaderCount": 50 },
            "Storage": { "BusyTimeout": "00:00:01" }, "Deliveries": { "MaxAttempts": 5 },
            """);
        Assert.NotNull(GatewayConfiguration.Load(Settings(valid)).Options);

        string typo = Configs.TwoProviders(primary.Address, primary.Address, bulwarkExtra: "\"Telemetry\": { \"Anomaly\": { \"WarmupSample\": 50 } }, ");
        var error = Assert.Throws<OptionsValidationException>(() => GatewayConfiguration.Load(Settings(typo)));
        Assert.Equal(["Bulwark:Telemetry:Anomaly:WarmupSample: unknown setting; did you mean 'WarmupSamples'?"], error.Failures);
    }

    [Fact]
    public async Task Reload_UnknownKey_IsRejected_AndTheLastGoodConfigurationKeepsServing()
    {
        await using var upstream = await Upstream.StartAsync();
        string good = Configs.TwoProviders(upstream.BaseAddress, upstream.BaseAddress, bulwarkExtra: "\"Reload\": { \"PollInterval\": \"00:00:00.200\" }, ");
        using var file = ConfigFile.Create(good);
        await using var gateway = await GatewayUnderTest.StartFromFileAsync(file.Path);
        var status = gateway.Services.GetRequiredService<ConfigurationReloadStatus>();

        file.Replace(Configs.TwoProviders(upstream.BaseAddress, upstream.BaseAddress, routeExtra: """, "MaxAttempt": 3 """, bulwarkExtra: "\"Reload\": { \"PollInterval\": \"00:00:00.200\" }, "));

        await Poll.UntilAsync(() => status.Last is { Outcome: ConfigurationReloadOutcome.Rejected }, "the file with an unknown key to be rejected");
        Assert.Equal(["Bulwark:Routes:0:MaxAttempt: unknown setting; did you mean 'MaxAttempts'?"], status.Last!.Errors);
        using var response = await gateway.Client.GetAsync("/api/still-served");
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
    }
}
