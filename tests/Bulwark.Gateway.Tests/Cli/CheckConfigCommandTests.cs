using System.CommandLine;
using Bulwark.Gateway.Cli;
using Bulwark.Gateway.Tests.Infrastructure;

namespace Bulwark.Gateway.Tests.Cli;

public sealed class CheckConfigCommandTests : IDisposable
{
    private const string Token = "0123456789abcdef0123456789abcdef";

    private readonly string _directory = Directory.CreateTempSubdirectory("bulwark-check-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task CheckConfig_ValidConfig_Exits0_AndSummarizesRoutesProvidersAndPipelines()
    {
        string config = Write(Configs.TwoProviders(new Uri("http://127.0.0.1:9001"), new Uri("http://127.0.0.1:9002")));

        var (exit, output, error) = await RunAsync("check-config", "--config", config);

        Assert.Equal(0, exit);
        Assert.Equal(string.Empty, error);
        Assert.Contains(": valid (1 route(s), 2 provider(s), 1 pipeline(s)).", output, StringComparison.Ordinal);
        Assert.Contains("  /api/{**rest}  (any method; timeout 00:00:25)", output, StringComparison.Ordinal);
        Assert.Contains("    1. primary  http://127.0.0.1:9001  pipeline default", output, StringComparison.Ordinal);
        Assert.Contains("    2. secondary  http://127.0.0.1:9002  pipeline default", output, StringComparison.Ordinal);
        Assert.Contains("    CircuitBreaker  ConsecutiveFailures: opens on 5 consecutive failures; breaks for 00:00:30", output, StringComparison.Ordinal);
        Assert.Contains("    Timeout         attempt 00:00:05, total 00:00:20", output, StringComparison.Ordinal);
        Assert.Contains("    Bulkhead        50 concurrent, queue 50", output, StringComparison.Ordinal);
        Assert.Contains("Bodies: buffered up to 1048576 bytes, spooled for retries up to 1073741824 in the temporary directory (no cap but the disk); larger ones stream once; all at most 30000000 bytes.", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Production readiness", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckConfig_InvalidConfig_Exits1_AndPrintsEveryError()
    {
        string config = Write(InvalidConfig.Json);

        var (exit, output, error) = await RunAsync("check-config", "--config", config);

        Assert.Equal(1, exit);
        Assert.Equal(string.Empty, output);
        Assert.Contains($"the configuration has {InvalidConfig.Errors.Length} error(s)", error, StringComparison.Ordinal);
        foreach (var expected in InvalidConfig.Errors)
        {
            Assert.Contains("  - " + expected, error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task CheckConfig_AdminTokenTooShortForValidation_Exits1_WithTheAdminError()
    {
        string config = Write(Configs.TwoProviders(new Uri("http://127.0.0.1:9001"), new Uri("http://127.0.0.1:9002"), bulwarkExtra: "\"Admin\": { \"Token\": \"short\" },"));

        var (exit, _, error) = await RunAsync("check-config", "--config", config);

        Assert.Equal(1, exit);
        Assert.Contains("  - Bulwark:Admin:Token must be at least 16 characters long.", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckConfig_MalformedJson_Exits1_WithJsonMessage()
    {
        string config = Write("{ \"Bulwark\": { \"Routes\": [ }");

        var (exit, output, error) = await RunAsync("check-config", "--config", config);

        Assert.Equal(1, exit);
        Assert.Equal(string.Empty, output);
        Assert.Contains(": not valid JSON: '}' is an invalid start of a value.", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckConfig_SectionsOutsideBulwark_SaysWhereTheyBelong()
    {
        string config = Write("""{ "Providers": { "p": { "BaseUrl": "http://127.0.0.1:9" } }, "Routes": [ { "Path": "/api/{**rest}", "Providers": [ "p" ] } ] }""");

        var (exit, _, error) = await RunAsync("check-config", "--config", config);

        Assert.Equal(1, exit);
        Assert.Contains(
            "Bulwark: 'Providers', 'Routes' are at the top level of the configuration, where the gateway does not read them; put them inside \"Bulwark\": { \"Bulwark\": { \"Providers\": ... } }.",
            error,
            StringComparison.Ordinal);
        Assert.Contains("Bulwark:Routes: no route is configured", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckConfig_MissingFile_Exits1()
    {
        string config = Path.Combine(_directory, "absent.json");

        var (exit, _, error) = await RunAsync("check-config", "--config", config);

        Assert.Equal(1, exit);
        Assert.Contains($"the configuration file '{config}' does not exist.", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckConfig_Production_WithoutAdminToken_Exits1_WithThatFinding()
    {
        string config = Write(Configs.TwoProviders(new Uri("http://127.0.0.1:9001"), new Uri("http://127.0.0.1:9002")));

        var (exit, output, _) = await RunAsync("check-config", "--config", config, "--production");

        Assert.Equal(1, exit);
        Assert.Contains("Production readiness: NOT ready (1 error(s)", output, StringComparison.Ordinal);
        Assert.Contains("Errors:\n  [admin-token-missing] Bulwark:Admin:Token", output.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("Info:\n  [no-trusted-proxies] Bulwark:Logging:TrustedProxies", output.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckConfig_Production_WithLongToken_Exits0()
    {
        string config = Write(Configs.TwoProviders(new Uri("http://127.0.0.1:9001"), new Uri("http://127.0.0.1:9002"), bulwarkExtra: $"\"Admin\": {{ \"Token\": \"{Token}\" }},"));

        var (exit, output, _) = await RunAsync("check-config", "--config", config, "--production");

        Assert.Equal(0, exit);
        Assert.Contains("Production readiness: ready (0 error(s)", output, StringComparison.Ordinal);
        Assert.DoesNotContain("[admin-token", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckConfig_DeferralRoute_SummarizesDeferralAndStore_WithoutCreatingTheStore()
    {
        string store = Path.Combine(_directory, "data", "bulwark.db");
        string json = Deferral.DeferralConfigs.Payments(new Uri("http://127.0.0.1:9001"), bulwarkExtra: $$""" "Storage": { "Path": "{{store}}" }, """);
        string config = Write(json);
        Environment.SetEnvironmentVariable("PAY_TOKEN", "check-config-token");

        var (exit, output, error) = await RunAsync("check-config", "--config", config);

        Assert.Equal(0, exit);
        Assert.Equal(string.Empty, error);
        Assert.Contains("defers failures: up to 50 attempts within 00:10:00, bodies up to 4096 bytes", output, StringComparison.Ordinal);
        Assert.Contains($"Store: SQLite {store}; on failure to open: FailClosed.", output, StringComparison.Ordinal);
        Assert.False(File.Exists(store), "check-config must not create the store");
    }

    [Fact]
    public async Task CheckConfig_PostgresStore_NamesItsSchemaAndVariable_NeverTheConnectionString_AndFlagsAPasswordInTheFile()
    {
        string fromEnvironment = Write(Deferral.DeferralConfigs.Payments(new Uri("http://127.0.0.1:9001"), bulwarkExtra: """ "Storage": { "Provider": "Postgres", "ConnectionStringFromEnvironment": "PAY_TOKEN", "Schema": "fleet" }, """));
        Environment.SetEnvironmentVariable("PAY_TOKEN", "Host=127.0.0.1;Password=check-config-secret");

        var (exit, output, _) = await RunAsync("check-config", "--config", fromEnvironment);

        Assert.Equal(0, exit);
        Assert.Contains("Store: PostgreSQL, schema fleet, connection string from $PAY_TOKEN; on failure to open: FailClosed.", output, StringComparison.Ordinal);
        Assert.DoesNotContain("check-config-secret", output, StringComparison.Ordinal);

        string literal = Write(Configs.TwoProviders(new Uri("http://127.0.0.1:9001"), new Uri("http://127.0.0.1:9002"),
            bulwarkExtra: $$""" "Admin": { "Token": "{{Token}}" }, "Storage": { "Provider": "Postgres", "ConnectionString": "Host=db;Password=in-the-file" }, """));
        var (productionExit, production, _) = await RunAsync("check-config", "--config", literal, "--production");

        Assert.NotEqual(0, productionExit);
        Assert.Contains("[store-secret-literal", production, StringComparison.Ordinal);
        Assert.DoesNotContain("in-the-file", production, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/c1/{a:foo}", "the constraint 'foo' is unknown; use one of alpha, bool, datetime, decimal, double, file, float, guid, int, length, long, max, maxlength, min, minlength, nonfile, range, required.")]
    [InlineData("/c1/{a:regex(()}", "the constraint 'regex' is not available in the gateway; use one of alpha, bool, datetime, decimal, double, file, float, guid, int, length, long, max, maxlength, min, minlength, nonfile, range, required.")]
    [InlineData("/c1/{a:int(5)}", "the constraint 'int(5)' cannot be created: Could not find a constructor for constraint type 'IntRouteConstraint' with the following number of parameters: 1.")]
    [InlineData("/c1/{a:range(5,x)}", "the constraint 'range(5,x)' cannot be created: ")]
    [InlineData("/c1/{a", "There is an incomplete parameter in the route template. Check that each '{' character has a matching '}' character.")]
    [InlineData("/c1/a}", "There is an incomplete parameter in the route template. Check that each '{' character has a matching '}' character.")]
    [InlineData("/c1/{a}{b}", "A path segment cannot contain two consecutive parameters. They must be separated by a '/' or by a literal string.")]
    [InlineData("/c1/{**a}/x", "A catch-all parameter can only appear as the last segment of the route template.")]
    [InlineData("/c1/{a}/{A}", "The route parameter name 'A' appears more than one time in the route template.")]
    [InlineData("/c1//x", "The route template separator character '/' cannot appear consecutively. It must be separated by either a parameter or a literal value.")]
    public async Task CheckConfig_MalformedRouteTemplate_Exits1_NamingTheRouteAndWhy(string template, string reason)
    {
        string config = Write(Configs.TwoProviders(new Uri("http://127.0.0.1:9001"), new Uri("http://127.0.0.1:9002")).Replace(
            "{ \"Path\": \"/api/{**rest}\", \"Providers\": [ \"primary\", \"secondary\" ]  }",
            $"{{ \"Path\": \"/api/{{**rest}}\", \"Providers\": [ \"primary\" ] }}, {{ \"Path\": \"{template}\", \"Providers\": [ \"secondary\" ] }}",
            StringComparison.Ordinal));

        var (exit, output, error) = await RunAsync("check-config", "--config", config);

        Assert.Equal(1, exit);
        Assert.Equal(string.Empty, output);
        Assert.Contains("the configuration has 1 error(s)", error, StringComparison.Ordinal);
        Assert.Contains($"  - Bulwark:Routes:1:Path: '{template}' is not a valid route template: {reason}", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckConfig_TypeAndEnumErrors_AreTheOnlyErrors_NoFalseErrorFromWhatCouldNotBeRead()
    {
        string json = """
            {
              "Bulwark": {
                "Pipelines": { "default": { "Retry": { "Backoff": "Sideways" } }, "slow": "not a section" },
                "Providers": {
                  "primary": { "BaseUrl": "http://127.0.0.1:9001", "Pipeline": "slow" },
                  "secondary": "not a section"
                },
                "Routes": [
                  { "Path": "/api/{**rest}", "Providers": [ "primary", "secondary" ], "Timeout": "soon" },
                  { "Path": "/b/{**rest}", "Providers": [ "primary" ], "OnFailure": "Retry" },
                  { "Path": "/c/{**rest}", "Providers": [ "ghost" ] }
                ]
              }
            }
            """;
        string config = Write(json);

        var (exit, _, error) = await RunAsync("check-config", "--config", config);

        Assert.Equal(1, exit);
        string[] expected =
        [
            "Bulwark:Pipelines:default:Retry:Backoff: 'Sideways' is not a valid value; use one of Constant, Linear, Exponential, Fibonacci.",
            "Bulwark:Pipelines:slow: expects a section of settings, not the value 'not a section'.",
            "Bulwark:Providers:secondary: expects a section of settings, not the value 'not a section'.",
            "Bulwark:Routes:0:Timeout: 'soon' is not a duration; use [d.]hh:mm:ss[.fff], for example 00:00:02 or 00:00:00.250.",
            "Bulwark:Routes:1:OnFailure: 'Retry' is not a valid value; use one of Fail, Defer.",
            "Bulwark:Routes:2:Providers:0: no provider named 'ghost' (configured: primary, secondary).",
        ];
        Assert.Equal(expected.Select(e => "  - " + e), error.ReplaceLineEndings("\n").Split('\n').Where(l => l.StartsWith("  - ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task CheckConfig_TwentyThousandRoutes_FinishesWellWithinBound()
    {
        // Speed is measured by the benchmark; this catches a return to work that grows with the square of the routes.
        const int Routes = 20_000;
        var routes = string.Join(",\n", Enumerable.Range(0, Routes).Select(i => $$"""{ "Path": "/r{{i}}/{**rest}", "Providers": [ "primary" ], "Methods": [ "GET" ] }"""));
        string config = Write($$"""
            { "Bulwark": { "Providers": { "primary": { "BaseUrl": "http://127.0.0.1:9001" } }, "Routes": [ {{routes}} ] } }
            """);

        var (exit, output, error) = await RunAsync(TimeSpan.FromSeconds(30), "check-config", "--config", config);

        Assert.Equal(string.Empty, error);
        Assert.Equal(0, exit);
        Assert.Contains($": valid ({Routes} route(s), 1 provider(s), 1 pipeline(s)).", output, StringComparison.Ordinal);
    }

    private string Write(string json)
    {
        string path = Path.Combine(_directory, $"{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        return path;
    }

    private static Task<(int Exit, string Output, string Error)> RunAsync(params string[] args) => RunAsync(TimeSpan.FromSeconds(60), args);

    private static async Task<(int Exit, string Output, string Error)> RunAsync(TimeSpan timeout, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exit = await Poll.WithinAsync(
            // On the thread pool: the configuration is read synchronously, and the deadline must bound that too.
            Task.Run(() => GatewayCli.Create().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error })),
            "check-config to finish",
            timeout);
        return (exit, output.ToString(), error.ToString());
    }
}
