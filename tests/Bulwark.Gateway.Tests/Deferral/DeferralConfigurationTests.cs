using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Hosting;
using Bulwark.Gateway.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Bulwark.Gateway.Tests.Deferral;

/// <summary>Storage and deferral settings: every mistake listed with its path before anything listens; production findings.</summary>
public sealed class DeferralConfigurationTests
{
    [Fact]
    public void InvalidStorageAndDeferralSettings_AreAllListed_WithTheirPaths()
    {
        using var provider = ClosedPort.Open();
        string json = DeferralConfigs.Payments(
            provider.Address,
            deferExtra: """, "OrderingHeader": "bad header" """,
            bulwarkExtra: """
                "MaxBufferedBodyBytes": 2048,
                "Storage": { "BusyTimeout": "00:10:00", "MaxSizeBytes": 10 },
                """,
            maxAttempts: 1)
            .Replace("\"ReplayHeaders\": [ \"Accept\", \"X-Customer\" ]", "\"ReplayHeaders\": [ \"Accept\", \"Authorization\" ]", StringComparison.Ordinal)
            .Replace("\"PollInterval\": \"00:00:00.050\"", "\"PollInterval\": \"00:00:00.050\", \"LeaseDuration\": \"00:00:30\", \"AttemptTimeout\": \"00:00:40\"", StringComparison.Ordinal);

        var error = Assert.Throws<OptionsValidationException>(() => GatewayHost.Build(new GatewayHostSettings(null, json, ["http://127.0.0.1:0"])
        {
            Environment = name => DeferralConfigs.Environment.GetValueOrDefault(name),
            EnvironmentOverrides = false,
            StorePath = TestStore.NewPath(),
        }));

        var failures = error.Failures.ToArray();
        Assert.Contains(failures, f => f.StartsWith("Bulwark:Storage:BusyTimeout:", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Bulwark:Storage:MaxSizeBytes:", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Bulwark:Routes:0:Defer:MaxAttempts:", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Bulwark:Routes:0:Defer:MaxBodyBytes:", StringComparison.Ordinal) && f.Contains("2048", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Bulwark:Routes:0:Defer:ReplayHeaders:1: Authorization carries credentials", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Bulwark:Routes:0:Defer:OrderingHeader:", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Bulwark:Deliveries:LeaseDuration", StringComparison.Ordinal) && f.Contains("delivered twice", StringComparison.Ordinal));
        Assert.Equal(7, failures.Length);
    }

    [Fact]
    public void ProductionReadiness_FlagsInMemoryStore_FailOpen_UnflushedCommits_AndDeferralWithoutTtl()
    {
        using var provider = ClosedPort.Open();
        string json = DeferralConfigs.Payments(provider.Address, bulwarkExtra: """ "Storage": { "Provider": "InMemory", "OnStoreFailure": "FailOpen", "FlushEveryCommit": false }, """)
            .Replace("\"TimeToLive\": \"00:10:00\", ", string.Empty, StringComparison.Ordinal);
        var configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json))).Build();
        // Development: the in-memory store is accepted there (refused in Production, see below), and still a finding.
        var loaded = GatewayConfiguration.Load(new GatewayHostSettings(null, json, [])
        {
            Environment = name => name == "DOTNET_ENVIRONMENT" ? "Development" : DeferralConfigs.Environment.GetValueOrDefault(name),
            EnvironmentOverrides = false,
        });

        var findings = ProductionReadiness.Evaluate(loaded.Options, configuration);

        Assert.Contains(findings, f => f.Code == "in-memory-store" && f.Severity == ReadinessSeverity.Error && f.Path == "Bulwark:Storage:Provider");
        Assert.Contains(findings, f => f.Code == "store-fail-open" && f.Severity == ReadinessSeverity.Warning);
        Assert.Contains(findings, f => f.Code == "store-no-flush" && f.Severity == ReadinessSeverity.Warning);
        Assert.Contains(findings, f => f.Code == "deferral-without-ttl" && f.Path == "Bulwark:Routes:0:Defer:TimeToLive");
    }

    [Fact]
    public void InMemoryStore_InTheProductionEnvironment_IsRefusedAtStart()
    {
        using var provider = ClosedPort.Open();
        string json = DeferralConfigs.Payments(provider.Address, bulwarkExtra: """ "Storage": { "Provider": "InMemory" }, """);

        var error = Assert.Throws<OptionsValidationException>(() => GatewayConfiguration.Load(new GatewayHostSettings(null, json, [])
        {
            Environment = name => DeferralConfigs.Environment.GetValueOrDefault(name),
            EnvironmentOverrides = false,
        }));

        var failure = Assert.Single(error.Failures);
        Assert.StartsWith("Bulwark:Storage:Provider: InMemory is refused in the Production environment", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void ProductionReadiness_DefaultStore_HasNoStoreFinding()
    {
        using var provider = ClosedPort.Open();
        string json = DeferralConfigs.Payments(provider.Address);
        var configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json))).Build();
        var loaded = GatewayConfiguration.Load(new GatewayHostSettings(null, json, []) { Environment = name => DeferralConfigs.Environment.GetValueOrDefault(name), EnvironmentOverrides = false });

        var findings = ProductionReadiness.Evaluate(loaded.Options, configuration);

        Assert.DoesNotContain(findings, f => f.Code is "in-memory-store" or "store-fail-open" or "store-no-flush" or "deferral-without-ttl" or "delivery-lease-margin");
    }

    [Fact]
    public void ProductionReadiness_LeaseBarelyLongerThanTheAttempt_WarnsAboutTheMargin()
    {
        using var provider = ClosedPort.Open();

        // Valid (the lease outlasts the attempt) but 63 s leaves nothing for a 5 s wait on the store after a 60 s attempt.
        string json = DeferralConfigs.Payments(provider.Address, deliveriesExtra: """, "AttemptTimeout": "00:01:00", "LeaseDuration": "00:01:03" """);
        var configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json))).Build();
        var loaded = GatewayConfiguration.Load(new GatewayHostSettings(null, json, []) { Environment = name => DeferralConfigs.Environment.GetValueOrDefault(name), EnvironmentOverrides = false });

        var findings = ProductionReadiness.Evaluate(loaded.Options, configuration);

        var finding = Assert.Single(findings, f => f.Code == "delivery-lease-margin");
        Assert.Equal(ReadinessSeverity.Warning, finding.Severity);
        Assert.Equal("Bulwark:Deliveries:LeaseDuration", finding.Path);
        Assert.Contains("leaves 00:00:00 beyond AttemptTimeout (00:01:00)", finding.Message, StringComparison.Ordinal);
    }
}
