using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Hosting;
using Microsoft.Extensions.Options;

namespace Bulwark.Gateway.Tests.Storage;

/// <summary>
/// <c>Bulwark:Storage</c> with <c>Provider: Postgres</c>: every mistake reported with its path and never the connection
/// string, a setting of the other store refused rather than ignored, and what the production check says.
/// </summary>
public class PostgresStorageConfigurationTests
{
    private const string Unset = "BULWARK_TESTS_UNSET_PG_7C2E";

    [Fact]
    public void EveryMistake_IsListed_WithItsPath_AndNoPassword()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Load("""
            "Provider": "Postgres", "ConnectionString": "Host=db;Password=hunter2-secret", "ConnectionStringFromEnvironment": "PG",
            "Schema": "1bad-name", "CommandTimeout": "00:10:00"
            """));

        var failures = error.Failures.Where(f => f.Contains("Storage", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, failures.Count);
        Assert.Contains("Bulwark:Storage:ConnectionString: set ConnectionString or ConnectionStringFromEnvironment, not both.", failures);
        Assert.Contains("Bulwark:Storage: The PostgreSQL schema must be 1 to 63 ASCII letters, digits or '_', not starting with a digit; it is '1bad-name'.", failures);
        Assert.Contains("Bulwark:Storage: The PostgreSQL command timeout must be in [00:00:01, 00:05:00]; it is 00:10:00.", failures);
        Assert.DoesNotContain(error.Failures, f => f.Contains("hunter2", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("\"Provider\": \"Postgres\"", "Bulwark:Storage:Provider: Postgres needs a connection string")]
    [InlineData($"\"Provider\": \"Postgres\", \"ConnectionStringFromEnvironment\": \"{Unset}\"", $"Bulwark:Storage:ConnectionStringFromEnvironment: the environment variable '{Unset}' is not set.")]
    [InlineData("\"Provider\": \"Postgres\", \"ConnectionString\": \"Hots=db\"", "Bulwark:Storage: The PostgreSQL connection string cannot be read:")]
    [InlineData("\"Provider\": \"Postgres\", \"ConnectionString\": \"Host=db\", \"Path\": \"data/x.db\"", "Bulwark:Storage:Path: applies to the SQLite store only; Provider is Postgres. Remove it.")]
    [InlineData("\"Provider\": \"Postgres\", \"ConnectionString\": \"Host=db\", \"BusyTimeout\": \"00:00:01\"", "Bulwark:Storage:BusyTimeout: applies to the SQLite store only; Provider is Postgres. Remove it.")]
    [InlineData("\"Provider\": \"Postgres\", \"ConnectionString\": \"Host=db\", \"FlushEveryCommit\": true", "Bulwark:Storage:FlushEveryCommit: applies to the SQLite store only; Provider is Postgres. Remove it.")]
    [InlineData("\"Provider\": \"Postgres\", \"ConnectionString\": \"Host=db\", \"MaxSizeBytes\": 0", "Bulwark:Storage:MaxSizeBytes: applies to the SQLite store only; Provider is Postgres. Remove it.")]
    [InlineData("\"Provider\": \"Postgres\", \"ConnectionString\": \"Host=db\", \"IntegrityCheckInterval\": \"00:01:00\"", "Bulwark:Storage:IntegrityCheckInterval: applies to the SQLite store only; Provider is Postgres. Remove it.")]
    [InlineData("\"ConnectionString\": \"Host=db\"", "Bulwark:Storage:ConnectionString: applies to the PostgreSQL store only; Provider is Sqlite.")]
    [InlineData("\"ConnectionStringFromEnvironment\": \"PG\"", "Bulwark:Storage:ConnectionStringFromEnvironment: applies to the PostgreSQL store only; Provider is Sqlite.")]
    [InlineData("\"Schema\": \"fleet\"", "Bulwark:Storage:Schema: applies to the PostgreSQL store only; Provider is Sqlite.")]
    [InlineData("\"CommandTimeout\": \"00:00:05\"", "Bulwark:Storage:CommandTimeout: applies to the PostgreSQL store only; Provider is Sqlite.")]
    public void OneMistake_OneMessage(string section, string expected)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Load(section));

        Assert.Contains(error.Failures, f => f.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void FromTheEnvironment_IsAccepted_WithItsSchemaAndTimeout()
    {
        var loaded = Load("\"Provider\": \"Postgres\", \"ConnectionStringFromEnvironment\": \"PG_URL\", \"Schema\": \"fleet\", \"CommandTimeout\": \"00:00:02\"", new() { ["PG_URL"] = "Host=db;Password=x" });

        Assert.Equal(GatewayStoreProvider.Postgres, loaded.Options.Storage.Provider);
        Assert.Equal("fleet", loaded.Options.Storage.Schema);
        Assert.Equal(TimeSpan.FromSeconds(2), loaded.Options.Storage.CommandTimeout);
    }

    [Fact]
    public void ProductionCheck_FlagsAPasswordInTheFile_NotOneFromTheEnvironment_AndNoLongerAFleetOnSqlite()
    {
        const string redis = "\"SharedState\": { \"Provider\": \"Redis\", \"Configuration\": \"127.0.0.1:6379\" },";
        var literal = Load("\"Provider\": \"Postgres\", \"ConnectionString\": \"Host=db;Username=bulwark;Password=hunter2\"", extra: redis);
        var fromEnvironment = Load("\"Provider\": \"Postgres\", \"ConnectionStringFromEnvironment\": \"PG_URL\"", new() { ["PG_URL"] = "Host=db;Password=hunter2" }, extra: redis);
        var noPassword = Load("\"Provider\": \"Postgres\", \"ConnectionString\": \"Host=db;Username=bulwark\"", extra: redis);
        var onSqlite = Load("\"Provider\": \"Sqlite\"", extra: redis);

        var findings = ProductionReadiness.Evaluate(literal.Options, literal.Configuration);

        Assert.Contains(findings, f => f is { Code: "store-secret-literal", Severity: ReadinessSeverity.Error, Path: "Bulwark:Storage:ConnectionString" });
        Assert.DoesNotContain(findings, f => f.Message.Contains("hunter2", StringComparison.Ordinal));
        Assert.DoesNotContain(ProductionReadiness.Evaluate(fromEnvironment.Options, fromEnvironment.Configuration), f => f.Code == "store-secret-literal");
        Assert.DoesNotContain(ProductionReadiness.Evaluate(noPassword.Options, noPassword.Configuration), f => f.Code == "store-secret-literal");
        Assert.All([literal, fromEnvironment, noPassword], l => Assert.DoesNotContain(ProductionReadiness.Evaluate(l.Options, l.Configuration), f => f.Code == "shared-state-sqlite-store"));
        Assert.Contains(ProductionReadiness.Evaluate(onSqlite.Options, onSqlite.Configuration), f => f.Code == "shared-state-sqlite-store");
    }

    [Fact]
    public void ProductionCheck_LeaseMargin_CountsTheCommandTimeout()
    {
        const string routes = """
            "Routes": [ { "Path": "/pay/{**rest}", "Providers": [ "p" ], "OnFailure": "Defer", "Defer": { "TimeToLive": "00:10:00" } } ],
            "Deliveries": { "LeaseDuration": "00:00:40", "AttemptTimeout": "00:00:10" },
            """;
        var tight = Load("\"Provider\": \"Postgres\", \"ConnectionString\": \"Host=db\", \"CommandTimeout\": \"00:00:30\"", extra: routes, routes: false);
        var roomy = Load("\"Provider\": \"Postgres\", \"ConnectionString\": \"Host=db\", \"CommandTimeout\": \"00:00:02\"", extra: routes, routes: false);

        var margin = Assert.Single(ProductionReadiness.Evaluate(tight.Options, tight.Configuration), f => f.Code == "delivery-lease-margin");
        Assert.Contains("the store's CommandTimeout (00:00:30)", margin.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(ProductionReadiness.Evaluate(roomy.Options, roomy.Configuration), f => f.Code == "delivery-lease-margin");
    }

    private static LoadedGatewayConfiguration Load(string section, Dictionary<string, string>? environment = null, string extra = "", bool routes = true)
    {
        string json = $$"""
            {
              "Bulwark": {
                "Storage": { {{section}} },
                {{extra}}
                "Providers": { "p": { "BaseUrl": "http://127.0.0.1:9" } }
                {{(routes ? ", \"Routes\": [ { \"Path\": \"/api/{**rest}\", \"Providers\": [ \"p\" ] } ]" : string.Empty)}}
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
