using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Bulwark.Gateway.Tests.Infrastructure;

namespace Bulwark.Gateway.Tests.Usage;

/// <summary>The usage ledger in the SQLite store, through the gateway and read back by <c>GET /admin/usage</c>.</summary>
public class UsageLedgerTests
{
    private const string AdminToken = "usage-admin-token-0123456789abcdef";

    private static string Config(Uri primary, Uri secondary) => $$"""
        {
          "Bulwark": {
            "Admin": { "Token": "{{AdminToken}}" },
            "Logging": { "UserIdHeader": "X-Bulwark-User" },
            "Pipelines": { "default": {{Configs.FastPipeline}} },
            "Providers": {
              "primary":   { "BaseUrl": "{{primary.ToString().TrimEnd('/')}}", "Prices": { "gpt-4o-mini": { "Input": 0.15, "Output": 0.60, "CachedInput": 0.075 } } },
              "secondary": { "BaseUrl": "{{secondary.ToString().TrimEnd('/')}}" }
            },
            "Routes": [
              { "Path": "/v1/{**rest}", "Providers": [ "primary", "secondary" ], "Api": "OpenAI" }
            ]
          }
        }
        """;

    [Fact]
    public async Task EveryCompletedRequest_IsARow_AndTheAdminSumsEqualWhatTheProvidersReported()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        primary.Behaviour = AiWireFixtures.Json(AiWireFixtures.OpenAiChatCompletion);
        secondary.Behaviour = AiWireFixtures.Stream(AiWireFixtures.OpenAiChunks);
        await using var gateway = await GatewayUnderTest.StartAsync(Config(primary.BaseAddress, secondary.BaseAddress));

        // 6 from alice (header), 4 from bob (the body's user field), each with the same API key; then the primary
        // refuses and 3 streams are served by the secondary (no prices there: cost unknown), without a key or user.
        for (int i = 0; i < 10; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
            {
                Content = AiWireFixtures.JsonContent(i < 6 ? AiWireFixtures.ChatRequest : """{"model":"gpt-4o-mini","user":"bob","messages":[]}"""),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "sk-client-secret-1");
            if (i < 6)
            {
                request.Headers.Add("X-Bulwark-User", "alice");
            }

            using var response = await gateway.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        primary.Behaviour = Upstream.Status(503);
        for (int i = 0; i < 3; i++)
        {
            using var response = await gateway.Client.PostAsync("/v1/chat/completions", AiWireFixtures.JsonContent(AiWireFixtures.StreamingChatRequest));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await response.Content.ReadAsStringAsync();
        }

        var byProvider = await PollGroupsAsync(gateway, "provider", 13);
        var openai = byProvider.Single(g => g.GetProperty("key").GetString() == "primary");
        Assert.Equal(10, openai.GetProperty("requests").GetInt64());
        Assert.Equal(12_000, openai.GetProperty("input_tokens").GetInt64());
        Assert.Equal(2_000, openai.GetProperty("cached_input_tokens").GetInt64());
        Assert.Equal(3_000, openai.GetProperty("output_tokens").GetInt64());
        Assert.Equal(0.00345m, openai.GetProperty("cost").GetDecimal());
        var groq = byProvider.Single(g => g.GetProperty("key").GetString() == "secondary");
        Assert.Equal(3, groq.GetProperty("requests").GetInt64());
        Assert.Equal(27, groq.GetProperty("input_tokens").GetInt64());
        Assert.Equal(36, groq.GetProperty("output_tokens").GetInt64());
        Assert.Equal(3, groq.GetProperty("unpriced_requests").GetInt64());

        var byUser = await PollGroupsAsync(gateway, "user", 13);
        Assert.Equal(6, byUser.Single(g => g.GetProperty("key").GetString() == "alice").GetProperty("requests").GetInt64());
        Assert.Equal(4, byUser.Single(g => g.GetProperty("key").GetString() == "bob").GetProperty("requests").GetInt64());
        Assert.Equal(3, byUser.Single(g => g.GetProperty("key").ValueKind == JsonValueKind.Null).GetProperty("requests").GetInt64());

        var byClient = await PollGroupsAsync(gateway, "client", 13);
        var keyed = byClient.Single(g => g.GetProperty("key").ValueKind == JsonValueKind.String);
        Assert.Equal(10, keyed.GetProperty("requests").GetInt64());
        Assert.Matches("^[0-9A-F]{32}$", keyed.GetProperty("key").GetString());

        // Both providers answered with the dated model name; every request took the one route.
        var byModel = await PollGroupsAsync(gateway, "model", 13);
        Assert.Equal(13, byModel.Single(g => g.GetProperty("key").GetString() == "gpt-4o-mini-2024-07-18").GetProperty("requests").GetInt64());
        var byRoute = await PollGroupsAsync(gateway, "route", 13);
        Assert.Equal(13, byRoute.Single(g => g.GetProperty("key").GetString() == "/v1/{**rest}").GetProperty("requests").GetInt64());
    }

    /// <summary>Rows older than <c>Storage:UsageRetention</c> are deleted when the gateway starts (and hourly after); younger ones stay.</summary>
    [Theory]
    [InlineData(null, 2)]
    [InlineData("2.00:00:00", 1)]
    public async Task RowsPastTheirRetention_AreDeletedAtStart(string? retention, int kept)
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        string store = TestStore.NewPath();
        var now = DateTimeOffset.UtcNow;
        using (var seeded = Bulwark.Storage.Sqlite.SqliteBulwarkStore.Open(new Bulwark.Storage.Sqlite.SqliteStoreOptions { Path = store }))
        {
            await seeded.AppendUsageAsync(
            [
                new(now.AddDays(-100), null, null, "/v1/{**rest}", "primary", "m", 1, 0, 1, null, 200),
                new(now.AddDays(-3), null, null, "/v1/{**rest}", "primary", "m", 1, 0, 1, null, 200),
                new(now.AddHours(-1), null, null, "/v1/{**rest}", "primary", "m", 1, 0, 1, null, 200),
            ], CancellationToken.None);
        }

        string config = Config(primary.BaseAddress, secondary.BaseAddress);
        if (retention is not null)
        {
            config = config.Replace("\"Pipelines\"", $"\"Storage\": {{ \"UsageRetention\": \"{retention}\" }}, \"Pipelines\"", StringComparison.Ordinal);
        }

        await using var gateway = await GatewayUnderTest.StartAsync(config, storePath: store);

        await Poll.UntilAsync(
            () =>
            {
                using var request = Admin($"/admin/usage?from={Uri.EscapeDataString(now.AddDays(-200).ToString("o"))}&to={Uri.EscapeDataString(now.AddDays(1).ToString("o"))}");
                using var response = gateway.Client.Send(request);
                using var json = JsonDocument.Parse(response.Content.ReadAsStream());
                return json.RootElement.GetProperty("groups").EnumerateArray().Sum(static g => g.GetProperty("requests").GetInt64()) == kept;
            },
            $"the ledger to keep {kept} row(s)");
    }

    /// <summary>A chat completion deferred while its provider was down is a ledger row once delivered, with the usage the delivery's answer reported.</summary>
    [Fact]
    public async Task DeferredRequest_Delivered_IsALedgerRowWithItsUsage()
    {
        await using var provider = await Upstream.StartAsync();
        provider.Behaviour = Upstream.Status(503);
        string config = Deferral.DeferralConfigs.Payments(provider.BaseAddress, credentials: false)
            .Replace("\"Path\": \"/payments/{**rest}\",", "\"Path\": \"/payments/{**rest}\", \"Api\": \"OpenAI\",", StringComparison.Ordinal)
            .Replace("\"BaseUrl\"", "\"Prices\": { \"gpt-4o-mini\": { \"Input\": 0.15, \"Output\": 0.60, \"CachedInput\": 0.075 } }, \"BaseUrl\"", StringComparison.Ordinal);
        await using var gateway = await GatewayUnderTest.StartAsync(config);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/payments/v1/chat/completions") { Content = AiWireFixtures.JsonContent("""{"model":"gpt-4o-mini","user":"carol","messages":[{"role":"user","content":"Hello"}]}""") };
        request.Headers.Add("Idempotency-Key", "ledger-delivery-1");
        using var accepted = await gateway.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);

        provider.Behaviour = AiWireFixtures.Json(AiWireFixtures.OpenAiChatCompletion);
        var groups = await PollGroupsAsync(gateway, "user", 1, Deferral.DeferralConfigs.AdminToken);

        var row = Assert.Single(groups);
        Assert.Equal("carol", row.GetProperty("key").GetString());
        Assert.Equal(1_200, row.GetProperty("input_tokens").GetInt64());
        Assert.Equal(200, row.GetProperty("cached_input_tokens").GetInt64());
        Assert.Equal(300, row.GetProperty("output_tokens").GetInt64());
        Assert.Equal(0.000345m, row.GetProperty("cost").GetDecimal());
    }

    [Fact]
    public async Task StoreFailing_RequestsStillServed_TheDroppedRowsAreLogged()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        primary.Behaviour = AiWireFixtures.Json(AiWireFixtures.OpenAiChatCompletion);
        string store = TestStore.NewPath();
        using var logs = new RecordingLoggerProvider();
        await using var gateway = await GatewayUnderTest.StartAsync(Config(primary.BaseAddress, secondary.BaseAddress), storePath: store, logs: logs);

        // What `rm bulwark.db*` does: the store refuses every write from then on.
        foreach (var file in new[] { store, store + "-wal", store + "-shm" })
        {
            File.Delete(file);
        }

        for (int i = 0; i < 5; i++)
        {
            using var response = await gateway.Client.PostAsync("/v1/chat/completions", AiWireFixtures.JsonContent(AiWireFixtures.ChatRequest));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("0.000345 USD", response.Headers.GetValues("X-Bulwark-Cost").Single());
        }

        await Poll.UntilAsync(() => logs.WithEventId(3420).Count > 0, "the ledger's dropped-rows warning");
        Assert.Contains("usage ledger row(s) were dropped: the store refused them", logs.WithEventId(3420)[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AdminUsage_NeedsTheToken_AndRefusesAnUnknownGrouping()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Config(primary.BaseAddress, secondary.BaseAddress));

        using var anonymous = await gateway.Client.GetAsync("/admin/usage");
        using var request = Admin("/admin/usage?groupBy=colour");
        using var unknown = await gateway.Client.SendAsync(request);
        using var badRange = Admin("/admin/usage?from=2026-12-07T00:00:00Z&to=2026-12-06T00:00:00Z");
        using var reversed = await gateway.Client.SendAsync(badRange);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, reversed.StatusCode);
    }

    private static HttpRequestMessage Admin(string path, string adminToken = AdminToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
        return request;
    }

    /// <summary>Reads the groups until they count <paramref name="requests"/> requests (the ledger writes in the background).</summary>
    /// <summary>Polls <c>GET /admin/usage</c> until its groups hold <paramref name="requests"/> requests in all, and returns them.</summary>
    internal static async Task<List<JsonElement>> PollGroupsAsync(GatewayUnderTest gateway, string groupBy, int requests, string adminToken = AdminToken)
    {
        List<JsonElement> groups = [];
        await Poll.UntilAsync(
            () =>
            {
                using var request = Admin($"/admin/usage?groupBy={groupBy}", adminToken);
                using var response = gateway.Client.Send(request);
                using var json = JsonDocument.Parse(response.Content.ReadAsStream());
                groups = [.. json.RootElement.GetProperty("groups").EnumerateArray().Select(static g => g.Clone())];
                return groups.Sum(static g => g.GetProperty("requests").GetInt64()) == requests;
            },
            $"the ledger to hold {requests} requests");
        return groups;
    }
}
