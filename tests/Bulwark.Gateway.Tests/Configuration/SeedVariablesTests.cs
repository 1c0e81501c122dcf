using System.Net;
using Bulwark.Gateway.Cli;
using Bulwark.Gateway.Hosting;
using Bulwark.Gateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Bulwark.Gateway.Tests.Configuration;

/// <summary>The seed's environment variables in the gateway: what they change, what check-config says of them, what is refused.</summary>
public sealed class SeedVariablesTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("bulwark-seed-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static string TwoPipelines(Uri primary, Uri secondary) => $$"""
        {
          "Bulwark": {
            "Pipelines": {
              "default": {{Configs.FastPipeline}},
              "uploads": {{Configs.FastPipeline}}
            },
            "Providers": {
              "primary":   { "BaseUrl": "{{primary.ToString().TrimEnd('/')}}", "Pipeline": "uploads" },
              "secondary": { "BaseUrl": "{{secondary.ToString().TrimEnd('/')}}" }
            },
            "Routes": [ { "Path": "/api/{**rest}", "Providers": [ "primary", "secondary" ] } ]
          }
        }
        """;

    [Fact]
    public async Task ResilienceEnabledFalse_NoRetriesNorBreakers_ButFailoverStill()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        primary.Behaviour = Upstream.Status(503);
        await using var gateway = await GatewayUnderTest.StartAsync(TwoPipelines(primary.BaseAddress, secondary.BaseAddress), new Dictionary<string, string> { ["RESILIENCE_ENABLED"] = "false" });

        for (int i = 0; i < 8; i++)
        {
            using var response = await gateway.Client.GetAsync("/api/orders");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // One attempt per request at the failing provider (no retry), every time (no breaker to open after five).
        Assert.Equal(8, primary.Requests);
        Assert.Equal(8, secondary.Requests);
        var options = gateway.Services.GetRequiredService<IOptions<Bulwark.Gateway.Configuration.GatewayOptions>>().Value;
        Assert.All(options.Pipelines.Values, p => Assert.Null(p.Retry));
        Assert.All(options.Pipelines.Values, p => Assert.Null(p.CircuitBreaker));
    }

    [Fact]
    public async Task PrefixedRetryVariable_ChangesOnlyItsPipeline_InTheRunningGateway()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        primary.Behaviour = Upstream.Status(503);
        await using var gateway = await GatewayUnderTest.StartAsync(
            TwoPipelines(primary.BaseAddress, secondary.BaseAddress),
            new Dictionary<string, string> { ["BULWARK_PIPELINE_UPLOADS_RETRY_MAX_ATTEMPTS"] = "1" });

        using var response = await gateway.Client.GetAsync("/api/orders");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, primary.Requests); // the uploads pipeline: 1 attempt in all; the file said 3
    }

    [Fact]
    public async Task CheckConfig_SaysWhichPipelinesEachVariableChanged_AndFlagsOneThatChangedNothing()
    {
        string path = Path.Combine(_directory, "bulwark.json");
        await File.WriteAllTextAsync(path, TwoPipelines(new Uri("http://127.0.0.1:9001"), new Uri("http://127.0.0.1:9002")));
        var environment = new Dictionary<string, string>
        {
            ["RETRY_MAX_ATTEMPTS"] = "4",
            ["BULWARK_PIPELINE_UPLOADS_RETRY_MAX_ATTEMPTS"] = "2",
            ["RESILIENCE_RETRY_ENABLED"] = "true",
        };
        using var output = new StringWriter();
        using var error = new StringWriter();

        int exit = await CheckConfigCommand.RunAsync(Settings(path, environment), production: true, output, error);

        string text = output.ToString();
        Assert.Contains("  BULWARK_PIPELINE_UPLOADS_RETRY_MAX_ATTEMPTS  changed uploads", text, StringComparison.Ordinal);
        Assert.Contains("  RETRY_MAX_ATTEMPTS  changed default", text, StringComparison.Ordinal);
        Assert.Contains("  RESILIENCE_RETRY_ENABLED  changed nothing (FINDING", text, StringComparison.Ordinal);
        Assert.Contains("The environment variable RESILIENCE_RETRY_ENABLED changed no pipeline", text, StringComparison.Ordinal);
        Assert.Equal(string.Empty, error.ToString());
        Assert.True(exit is 0 or 1);
    }

    [Fact]
    public async Task PrefixedVariableNamingNoPipeline_IsRefused()
    {
        string path = Path.Combine(_directory, "bulwark.json");
        await File.WriteAllTextAsync(path, TwoPipelines(new Uri("http://127.0.0.1:9001"), new Uri("http://127.0.0.1:9002")));
        using var output = new StringWriter();
        using var error = new StringWriter();

        int exit = await CheckConfigCommand.RunAsync(Settings(path, new Dictionary<string, string> { ["BULWARK_PIPELINE_UPLAODS_RETRY_MAX_ATTEMPTS"] = "2" }), production: false, output, error);

        Assert.Equal(1, exit);
        Assert.Contains("BULWARK_PIPELINE_UPLAODS_RETRY_MAX_ATTEMPTS (environment): names no configured pipeline and seed variable; use BULWARK_PIPELINE_{PIPELINE}_{VARIABLE}, such as BULWARK_PIPELINE_DEFAULT_RETRY_MAX_ATTEMPTS, with one of the pipelines (default, uploads)", error.ToString(), StringComparison.Ordinal);
    }

    private static GatewayHostSettings Settings(string path, Dictionary<string, string> environment) => new(path, null, ["http://127.0.0.1:0"])
    {
        Environment = name => environment.TryGetValue(name, out var value) ? value : null,
        EnvironmentNames = () => environment.Keys,
        EnvironmentOverrides = false,
    };
}
