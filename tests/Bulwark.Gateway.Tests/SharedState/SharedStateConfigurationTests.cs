using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Hosting;
using Microsoft.Extensions.Options;

namespace Bulwark.Gateway.Tests.SharedState;

/// <summary><c>Bulwark:SharedState</c>: every mistake reported with its path, never the configuration string; and what the production check says.</summary>
public class SharedStateConfigurationTests
{
    private const string Unset = "BULWARK_TESTS_UNSET_REDIS_9A1F";

    [Fact]
    public void EveryMistake_IsListed_WithItsPath_AndNoPassword()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Load("""
            "Provider": "Redis", "Configuration": "password=hunter2-secret", "ConfigurationFromEnvironment": "REDIS",
            "KeyPrefix": "two words", "OperationTimeout": "00:01:00", "ProbeGrace": "00:06:00"
            """));

        var failures = error.Failures.Where(f => f.Contains("SharedState", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, failures.Count);
        Assert.Contains("Bulwark:SharedState:Configuration: set Configuration or ConfigurationFromEnvironment, not both.", failures);
        Assert.Contains("Bulwark:SharedState: The Redis key prefix must be 1 to 100 characters without whitespace.", failures);
        Assert.Contains("Bulwark:SharedState: The Redis operation timeout must be in [00:00:00.1000000, 00:00:30]; it is 00:01:00.", failures);
        Assert.Contains("Bulwark:SharedState:ProbeGrace: 00:06:00 is out of range; allowed 00:00:00 to 00:05:00.", failures);
        Assert.DoesNotContain(error.Failures, f => f.Contains("hunter2", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("\"Provider\": \"Redis\"", "Bulwark:SharedState:Provider: Redis needs a configuration string")]
    [InlineData("\"Provider\": \"Redis\", \"Configuration\": \"127.0.0.1:6379\", \"OnRedisFailure\": \"Maybe\"", "Bulwark:SharedState:OnRedisFailure")]
    [InlineData("\"Provider\": \"Memcached\"", "Bulwark:SharedState:Provider")]
    [InlineData($"\"Provider\": \"Redis\", \"ConfigurationFromEnvironment\": \"{Unset}\"", $"Bulwark:SharedState:ConfigurationFromEnvironment: the environment variable '{Unset}' is not set.")]
    [InlineData("\"Provider\": \"None\", \"Configuration\": \"127.0.0.1:6379\"", "Bulwark:SharedState:Configuration: a Redis configuration is given but Provider is None")]
    [InlineData("\"Provider\": \"Redis\", \"Configuration\": \"password=x\"", "Bulwark:SharedState: The Redis configuration string names no endpoint (host:port).")]
    [InlineData("\"Provider\": \"Redis\", \"Configuration\": \"127.0.0.1:6379\", \"InstanceId\": \"\"", "Bulwark:SharedState:InstanceId: must be 1 to 100 characters.")]
    [InlineData("\"Provider\": \"Redis\", \"Configuration\": \"127.0.0.1:6379\", \"BudgetsOnRedisFailure\": \"Maybe\"", "Bulwark:SharedState:BudgetsOnRedisFailure")]
    public void OneMistake_OneMessage(string section, string expected)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Load(section));

        Assert.Contains(error.Failures, f => f.StartsWith(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("00:00:59")]
    [InlineData("1.00:00:01")]
    public void BudgetHold_OutOfRange_IsRefused(string hold)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Load($"\"Provider\": \"Redis\", \"Configuration\": \"127.0.0.1:6379\", \"BudgetHold\": \"{hold}\""));

        Assert.Contains(error.Failures, f => f.StartsWith("Bulwark:SharedState:BudgetHold: ", StringComparison.Ordinal) && f.EndsWith("is out of range; allowed 00:01:00 to 1.00:00:00.", StringComparison.Ordinal));
    }

    [Fact]
    public void FromTheEnvironment_IsAccepted()
    {
        var loaded = Load("\"Provider\": \"Redis\", \"ConfigurationFromEnvironment\": \"REDIS_URL\"", new() { ["REDIS_URL"] = "127.0.0.1:6379,password=x" });

        Assert.Equal(SharedStateProvider.Redis, loaded.Options.SharedState.Provider);
    }

    [Fact]
    public void ProductionCheck_FlagsAPasswordInTheFile_AndAFleetOnSqlite()
    {
        string section = "\"Provider\": \"Redis\", \"Configuration\": \"127.0.0.1:6379,password=hunter2\"";
        var loaded = Load(section);

        var findings = ProductionReadiness.Evaluate(loaded.Options, loaded.Configuration);

        Assert.Contains(findings, f => f is { Code: "shared-state-secret-literal", Severity: ReadinessSeverity.Error, Path: "Bulwark:SharedState:Configuration" });
        Assert.Contains(findings, f => f is { Code: "shared-state-sqlite-store", Severity: ReadinessSeverity.Warning, Path: "Bulwark:Storage:Provider" });
        Assert.DoesNotContain(findings, f => f.Message.Contains("hunter2", StringComparison.Ordinal));
        Assert.DoesNotContain(ProductionReadiness.Evaluate(Load("\"Provider\": \"None\"").Options, loaded.Configuration), f => f.Code.StartsWith("shared-state", StringComparison.Ordinal));
    }

    private static LoadedGatewayConfiguration Load(string section, Dictionary<string, string>? environment = null)
    {
        string json = $$"""
            {
              "Bulwark": {
                "SharedState": { {{section}} },
                "Providers": { "p": { "BaseUrl": "http://127.0.0.1:9" } },
                "Routes": [ { "Path": "/api/{**rest}", "Providers": [ "p" ] } ]
              }
            }
            """;
        return GatewayConfiguration.Load(new GatewayHostSettings(null, json, [])
        {
            Environment = name => environment?.GetValueOrDefault(name),
            EnvironmentOverrides = false,
        });
    }
}
