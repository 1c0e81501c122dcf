using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Bulwark.Gateway.Tests.Budgets;
using Bulwark.Gateway.Tests.Deferral;
using Bulwark.Gateway.Tests.Infrastructure;
using Bulwark.Gateway.Tests.Usage;
using Microsoft.Extensions.DependencyInjection;
using PostgresCollection = Bulwark.Tests.Shared.PostgresCollection;
using PostgresServer = Bulwark.Tests.Shared.PostgresServer;

namespace Bulwark.Gateway.Tests.Storage;

/// <summary>
/// Gateways in-process on a real PostgreSQL server (<c>Storage:Provider: Postgres</c>), each test with a database of its
/// own: deferral, client keys, the usage ledger and budgets shared by the gateways pointed at it.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresStoreTests(PostgresServer server) : IAsyncLifetime
{
    private const string AdminToken = "postgres-admin-token-0123456789abcdef";
    private readonly List<GatewayUnderTest> _gateways = [];
    private string _connectionString = null!;

    public async Task InitializeAsync() => _connectionString = await server.CreateDatabaseAsync();

    public async Task DisposeAsync()
    {
        foreach (var gateway in _gateways)
        {
            await gateway.DisposeAsync();
        }
    }

    /// <summary>The storage section on this test's database, the connection string from an environment variable.</summary>
    private static string Storage(string? extra = null) =>
        $$""" "Storage": { "Provider": "Postgres", "ConnectionStringFromEnvironment": "TEST_PG", "Schema": "fleet" {{extra}} }, """;

    private Dictionary<string, string> Environment(IReadOnlyDictionary<string, string>? more = null)
    {
        var environment = new Dictionary<string, string>(more ?? new Dictionary<string, string>()) { ["TEST_PG"] = _connectionString };
        return environment;
    }

    private async Task<GatewayUnderTest> StartAsync(string json, IReadOnlyDictionary<string, string>? environment = null)
    {
        var gateway = await GatewayUnderTest.StartAsync(json, Environment(environment));
        _gateways.Add(gateway);
        return gateway;
    }

    [Fact]
    public async Task Deferral_OnPostgres_IsAcknowledged_ThenDelivered_AndReadinessNamesTheStore()
    {
        await using var provider = await Upstream.StartAsync();
        provider.Behaviour = Upstream.Status(503);
        var gateway = await StartAsync(DeferralConfigs.Payments(provider.BaseAddress, bulwarkExtra: Storage()), DeferralConfigs.Environment);

        using var request = DeferralTests.Post("/payments/charges", "order-pg-1", """{"amount":42}""");
        using var accepted = await gateway.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);

        // Acknowledged means committed in PostgreSQL.
        await using (var connection = new Npgsql.NpgsqlConnection(_connectionString))
        {
            await connection.OpenAsync();
            await using var count = new Npgsql.NpgsqlCommand("SELECT COUNT(*) FROM fleet.deliveries WHERE idempotency_key = 'order-pg-1';", connection);
            Assert.Equal(1L, await count.ExecuteScalarAsync());
        }

        provider.Behaviour = Upstream.Ok;
        await DeferralTests.PollStateAsync(gateway, accepted.Headers.Location!.ToString(), "delivered");
        Assert.Equal("""{"amount":42}""", Encoding.UTF8.GetString(provider.Snapshot()[^1].Body));

        using var ready = await gateway.Client.GetAsync(new Uri("/health/ready", UriKind.Relative));
        string body = await ready.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Contains("PostgreSQL (schema fleet)", body, StringComparison.Ordinal);
        Assert.DoesNotContain(_connectionString, body, StringComparison.Ordinal);

        using var status = await gateway.Client.SendAsync(Admin(HttpMethod.Get, "/admin/system/status", DeferralConfigs.AdminToken));
        var store = JsonDocument.Parse(await status.Content.ReadAsStringAsync()).RootElement.GetProperty("store");
        Assert.Equal("postgres", store.GetProperty("provider").GetString());
        Assert.Equal("fleet", store.GetProperty("schema").GetString());
        Assert.Equal("healthy", store.GetProperty("status").GetString());
    }

    [Fact]
    public async Task ClientKey_IssuedOnOneGateway_IsAcceptedByAnother_AndItsRevocationSeenThere()
    {
        await using var provider = await Upstream.StartAsync();
        provider.Behaviour = AiWireFixtures.Json(AiWireFixtures.OpenAiChatCompletion);
        string config = AiConfig(provider.BaseAddress, clients: "Keys", extra: "\"Clients\": { \"KeyCacheDuration\": \"00:00:00\" },");
        var one = await StartAsync(config);
        var other = await StartAsync(config);

        using var issue = Admin(HttpMethod.Post, "/admin/keys");
        issue.Content = new StringContent("""{"user":"alice","team":"research","tier":"pro"}""", Encoding.UTF8, "application/json");
        using var issued = await one.Client.SendAsync(issue);
        Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        var created = JsonDocument.Parse(await issued.Content.ReadAsStringAsync()).RootElement;
        string key = created.GetProperty("key").GetString()!;

        Assert.Equal(HttpStatusCode.OK, await ChatAsync(other, key));

        using (var revoke = await one.Client.SendAsync(Admin(HttpMethod.Delete, "/admin/keys/" + created.GetProperty("id").GetString())))
        {
            Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        }

        // Without a cache (KeyCacheDuration 0) the other gateway refuses it on the next request.
        Assert.Equal(HttpStatusCode.Unauthorized, await ChatAsync(other, key));
    }

    [Fact]
    public async Task Ledger_RowsWrittenByTwoGateways_AreSummedByEither()
    {
        await using var provider = await Upstream.StartAsync();
        provider.Behaviour = AiWireFixtures.Json(AiWireFixtures.OpenAiChatCompletion);
        string config = AiConfig(provider.BaseAddress, clients: "Anonymous");
        var one = await StartAsync(config);
        var other = await StartAsync(config);

        for (int i = 0; i < 6; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await ChatAsync(i % 3 == 0 ? other : one, bearer: null));
        }

        var byProvider = await UsageLedgerTests.PollGroupsAsync(other, "provider", 6, AdminToken);
        Assert.Equal(6, Assert.Single(byProvider).GetProperty("requests").GetInt64());
        var fromTheFirst = await UsageLedgerTests.PollGroupsAsync(one, "route", 6, AdminToken);
        Assert.Equal(6, Assert.Single(fromTheFirst).GetProperty("requests").GetInt64());
    }

    [Fact]
    public async Task Budgets_AnAdminBudgetMadeOnOneGateway_IsLoadedByTheNextToStart_WithTheFleetsSpend()
    {
        await using var provider = await Upstream.StartAsync();
        provider.Behaviour = BudgetsTests.Answer(300, 200);
        string config = BudgetsTests.Config(provider.BaseAddress, """{ "Items": { "per-user": { "Per": "User", "Period": "Month", "Tokens": 100000 } } }""")
            .Replace("\"Budgets\":", Storage() + " \"Budgets\":", StringComparison.Ordinal);
        var one = await StartAsync(config);
        var two = await StartAsync(config);
        using (var put = await one.Client.SendAsync(Admin(HttpMethod.Put, "/admin/budgets/user-cap", BudgetsTests.AdminToken, """{ "Per": "User", "Tokens": 900000 }""")))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        foreach (var gateway in new[] { one, two, two })
        {
            using var response = await gateway.Client.SendAsync(BudgetsTests.Chat("alice"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // A third gateway starts: it counts alice's spend from the rows both wrote, and loads the budget made on the first.
        await _gateways[0].DisposeAsync();
        await _gateways[1].DisposeAsync();
        _gateways.Clear();
        var third = await StartAsync(config);
        var budgets = await BudgetsTests.AdminBudgetsAsync(third);
        Assert.Contains(budgets, static b => b.GetProperty("name").GetString() == "user-cap" && b.GetProperty("spent").GetProperty("tokens").GetInt64() == 3 * 500);
        var alice = Assert.Single(budgets, static b => b.GetProperty("name").GetString() == "per-user" && b.GetProperty("subject").GetString() == "alice");
        Assert.Equal(3 * 500, alice.GetProperty("spent").GetProperty("tokens").GetInt64());
    }

    [Theory]
    [InlineData("FailOpen")]
    [InlineData("FailClosed")]
    public async Task Unreachable_AtStart_FailOpenServesAndReadinessSaysDegraded_FailClosedDoesNotStart(string mode)
    {
        await using var provider = await Upstream.StartAsync();
        using var closed = ClosedPort.Open();
        string unreachable = $"Host=127.0.0.1;Port={closed.Address.Port};Username=bulwark;Database=none";
        string config = DeferralConfigs.Payments(provider.BaseAddress, bulwarkExtra: Storage($", \"CommandTimeout\": \"00:00:01\", \"OnStoreFailure\": \"{mode}\""));
        var environment = new Dictionary<string, string>(DeferralConfigs.Environment) { ["TEST_PG"] = unreachable };

        if (mode == "FailClosed")
        {
            var error = await Assert.ThrowsAnyAsync<Exception>(() => GatewayUnderTest.StartAsync(config, environment));
            Assert.Contains("PostgreSQL store could not open", error.ToString(), StringComparison.Ordinal);
            return;
        }

        await using var gateway = await GatewayUnderTest.StartAsync(config, environment);
        using var ready = await gateway.Client.GetAsync(new Uri("/health/ready", UriKind.Relative));
        string body = await ready.Content.ReadAsStringAsync();
        Assert.Contains("Degraded", body, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Running without durable features", body, StringComparison.Ordinal);

        // Served directly; a request that would need deferring is refused, never acknowledged.
        provider.Behaviour = Upstream.Ok;
        using (var served = await gateway.Client.SendAsync(DeferralTests.Post("/payments/charges", "order-x", "{}")))
        {
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        }

        provider.Behaviour = Upstream.Status(503);
        using var refused = await gateway.Client.SendAsync(DeferralTests.Post("/payments/charges", "order-y", "{}"));
        Assert.NotEqual(HttpStatusCode.Accepted, refused.StatusCode);
    }

    [Fact]
    public async Task ServerRefusesConnections_WhileRunning_ReadinessUnhealthy_DeferralRefused_ThenReadyAgainWhenItAnswers()
    {
        await using var provider = await Upstream.StartAsync();
        provider.Behaviour = Upstream.Status(503);
        var gateway = await StartAsync(DeferralConfigs.Payments(provider.BaseAddress, bulwarkExtra: Storage(", \"CommandTimeout\": \"00:00:02\"")), DeferralConfigs.Environment);
        string database = new Npgsql.NpgsqlConnectionStringBuilder(_connectionString).Database!;

        await AdminSqlAsync($"ALTER DATABASE {database} ALLOW_CONNECTIONS false; SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database}';");
        try
        {
            using (var ready = await gateway.Client.GetAsync(new Uri("/health/ready", UriKind.Relative)))
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
                Assert.Contains("PostgreSQL store could not", await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }

            // The store alert fires Critical, labelled with the store.
            var storeSignals = gateway.Services.GetServices<Bulwark.Gateway.Alerts.IAlertSignalSource>().OfType<Bulwark.Gateway.Alerts.StoreSignals>().Single();
            var signal = Assert.Single(await storeSignals.EvaluateAsync(DateTimeOffset.UtcNow, CancellationToken.None));
            Assert.Equal((Bulwark.Gateway.Alerts.AlertSeverity.Critical, "postgres"), (signal.Severity, signal.Labels["store"]));

            var clock = System.Diagnostics.Stopwatch.StartNew();
            using var refused = await gateway.Client.SendAsync(DeferralTests.Post("/payments/charges", "order-out", "{}"));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the refusal took {clock.Elapsed}");
        }
        finally
        {
            await AdminSqlAsync($"ALTER DATABASE {database} ALLOW_CONNECTIONS true;");
        }

        await Poll.UntilAsync(
            () =>
            {
                using var ready = gateway.Client.GetAsync(new Uri("/health/ready", UriKind.Relative)).GetAwaiter().GetResult();
                return ready.StatusCode == HttpStatusCode.OK;
            },
            "readiness once PostgreSQL answers again",
            TimeSpan.FromSeconds(20));
        using var accepted = await gateway.Client.SendAsync(DeferralTests.Post("/payments/charges", "order-back", "{}"));
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
    }

    private async Task AdminSqlAsync(string sql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(server.AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static string AiConfig(Uri provider, string clients, string extra = "") => $$"""
        {
          "Bulwark": {
            "Admin": { "Token": "{{AdminToken}}" },
            {{Storage()}}
            {{extra}}
            "Pipelines": { "default": {{Configs.FastPipeline}} },
            "Providers": { "primary": { "BaseUrl": "{{provider.ToString().TrimEnd('/')}}" } },
            "Routes": [ { "Path": "/v1/{**rest}", "Providers": [ "primary" ], "Api": "OpenAI", "Clients": "{{clients}}" } ]
          }
        }
        """;

    private static async Task<HttpStatusCode> ChatAsync(GatewayUnderTest gateway, string? bearer)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = AiWireFixtures.JsonContent(AiWireFixtures.ChatRequest) };
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        using var response = await gateway.Client.SendAsync(request);
        return response.StatusCode;
    }

    private static HttpRequestMessage Admin(HttpMethod method, string path, string token = AdminToken, string? json = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (json is not null)
        {
            request.Content = AiWireFixtures.JsonContent(json);
        }

        return request;
    }
}
