using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using System.Text;
using System.Text.Json;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Hosting;
using Bulwark.Gateway.Tests.Infrastructure;
using Bulwark.Gateway.Tests.Usage;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Bulwark.Gateway.Tests.Clients;

/// <summary>Client identity: gateway-issued keys through the admin API, routes that require them, the trusted user header.</summary>
public class ClientKeysTests
{
    private const string AdminToken = "keys-admin-token-0123456789abcdef";

    private static string Config(Uri provider, string clients = "Keys", string extra = "") => $$"""
        {
          "Bulwark": {
            "Admin": { "Token": "{{AdminToken}}" },
            {{extra}}
            "Pipelines": { "default": {{Configs.FastPipeline}} },
            "Providers": {
              "primary": {
                "BaseUrl": "{{provider.ToString().TrimEnd('/')}}",
                "Headers": { "Authorization": { "Value": "Bearer provider-secret" } }
              }
            },
            "Routes": [
              { "Path": "/v1/{**rest}", "Providers": [ "primary" ], "Api": "OpenAI", "Clients": "{{clients}}", "RateLimit": { "RequestsPerMinutePerClient": 1000 } },
              { "Path": "/open/{**rest}", "Providers": [ "primary" ] }
            ]
          }
        }
        """;

    [Fact]
    public async Task IssuedKey_IsServed_NotForwarded_RecordedInTheLedger_ThenRevoked_Is401()
    {
        await using var provider = await Upstream.StartAsync();
        provider.Behaviour = AiWireFixtures.Json(AiWireFixtures.OpenAiChatCompletion);
        await using var gateway = await GatewayUnderTest.StartAsync(Config(provider.BaseAddress));

        var issued = await IssueAsync(gateway, """{"user":"alice","team":"research","tier":"pro","name":"laptop"}""");
        string key = issued.GetProperty("key").GetString()!;
        string id = issued.GetProperty("id").GetString()!;
        Assert.Matches("^bwk_[A-Za-z0-9_-]{43}$", key);
        Assert.Equal(key[..12], issued.GetProperty("prefix").GetString());

        // Served with the key as a bearer token, and as X-Api-Key; the provider sees its own credentials only.
        using (var response = await gateway.Client.SendAsync(Chat(bearer: key)))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        using (var request = Chat())
        {
            request.Headers.Add("X-Api-Key", key);
            using var response = await gateway.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        foreach (var received in provider.Snapshot())
        {
            Assert.Equal("Bearer provider-secret", received.Headers["Authorization"]);
            Assert.False(received.Headers.ContainsKey("X-Api-Key"));
            Assert.DoesNotContain(received.Headers.Values, v => v.Contains(key, StringComparison.Ordinal));
        }

        // The list shows the key's fields, never the key or its hash.
        using (var list = await gateway.Client.SendAsync(Admin(HttpMethod.Get, "/admin/keys")))
        {
            string text = await list.Content.ReadAsStringAsync();
            Assert.DoesNotContain(key, text, StringComparison.Ordinal);
            Assert.DoesNotContain(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.ASCII.GetBytes(key))), text, StringComparison.Ordinal);
            var listed = Assert.Single(JsonDocument.Parse(text).RootElement.GetProperty("keys").EnumerateArray());
            Assert.Equal(id, listed.GetProperty("id").GetString());
            Assert.Equal("alice", listed.GetProperty("user").GetString());
            Assert.Equal("research", listed.GetProperty("team").GetString());
            Assert.Equal("pro", listed.GetProperty("tier").GetString());
            Assert.Equal(JsonValueKind.Null, listed.GetProperty("revoked").ValueKind);
        }

        // The ledger's rows carry the key id and its owner.
        var byClient = await UsageLedgerTests.PollGroupsAsync(gateway, "client", 2, AdminToken);
        Assert.Equal(2, byClient.Single(g => g.GetProperty("key").GetString() == id).GetProperty("requests").GetInt64());
        var byUser = await UsageLedgerTests.PollGroupsAsync(gateway, "user", 2, AdminToken);
        Assert.Equal(2, byUser.Single(g => g.GetProperty("key").GetString() == "alice").GetProperty("requests").GetInt64());

        // Revoked: refused at once on this gateway, nothing sent upstream.
        using (var revoke = await gateway.Client.SendAsync(Admin(HttpMethod.Delete, "/admin/keys/" + id)))
        {
            Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
            using var revoked = JsonDocument.Parse(await revoke.Content.ReadAsStringAsync());
            Assert.Equal(JsonValueKind.String, revoked.RootElement.GetProperty("revoked").ValueKind);
        }

        int before = provider.Requests;
        using (var response = await gateway.Client.SendAsync(Chat(bearer: key)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("Bearer realm=\"bulwark\", error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString());
            var problem = await Problem.ReadAsync(response);
            Assert.Equal("urn:bulwark:problem:unauthorized", problem.GetProperty("type").GetString());
            Assert.StartsWith("The client key was revoked.", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(before, provider.Requests);
        using var again = await gateway.Client.SendAsync(Admin(HttpMethod.Delete, "/admin/keys/key_0000000000000000"));
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
    }

    [Theory]
    [InlineData(null, "This route needs a client key issued by the gateway")]
    [InlineData("sk-not-a-gateway-key", "The client key is not one the gateway issued.")]
    [InlineData("bwk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "The client key is not one the gateway issued.")]
    public async Task MissingOrUnknownKey_Is401Problem_AndNothingIsSent_WhileTheAnonymousRouteServes(string? key, string detail)
    {
        await using var provider = await Upstream.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Config(provider.BaseAddress));

        using (var response = await gateway.Client.SendAsync(Chat(bearer: key)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.StartsWith("Bearer realm=\"bulwark\"", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
            var problem = await Problem.ReadAsync(response);
            Assert.Equal(401, problem.GetProperty("status").GetInt32());
            Assert.StartsWith(detail, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(0, provider.Requests);

        // Anonymous routes are as they were: the client's own header is forwarded untouched.
        using var request = new HttpRequestMessage(HttpMethod.Get, "/open/x");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "client-own");
        using var open = await gateway.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, open.StatusCode);
        Assert.Equal(1, provider.Requests);
    }

    [Fact]
    public async Task ExpiredKey_Is401()
    {
        await using var provider = await Upstream.StartAsync();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var gateway = await GatewayUnderTest.StartAsync(Config(provider.BaseAddress), timeProvider: time);
        var issued = await IssueAsync(gateway, $$"""{"user":"bob","team":"ops","tier":"free","expires":"{{time.GetUtcNow().AddHours(1):o}}"}""");
        string key = issued.GetProperty("key").GetString()!;

        using (var response = await gateway.Client.SendAsync(Chat(bearer: key)))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        time.Advance(TimeSpan.FromHours(1));
        using var expired = await gateway.Client.SendAsync(Chat(bearer: key));
        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
        Assert.StartsWith("The client key has expired.", (await Problem.ReadAsync(expired)).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    /// <summary>
    /// Two gateways on one store file: a key revoked through one is refused by the other once its
    /// <c>KeyCacheDuration</c> has passed, not before (it still trusts what it checked); with 0, at once.
    /// </summary>
    [Theory]
    [InlineData("00:00:30")]
    [InlineData("00:00:00")]
    public async Task RevokedThroughAnotherGateway_IsRefusedWithinKeyCacheDuration(string duration)
    {
        await using var provider = await Upstream.StartAsync();
        string store = TestStore.NewPath();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        string config = Config(provider.BaseAddress, extra: $$"""
            "Clients": { "KeyCacheDuration": "{{duration}}" },
            """);
        await using var issuer = await GatewayUnderTest.StartAsync(config, storePath: store, timeProvider: time);
        await using var other = await GatewayUnderTest.StartAsync(config, storePath: store, timeProvider: time);
        Assert.Equal(TimeSpan.Parse(duration, System.Globalization.CultureInfo.InvariantCulture), other.Services.GetRequiredService<IOptions<GatewayOptions>>().Value.Clients.KeyCacheDuration);

        var issued = await IssueAsync(issuer, """{"user":"carol","team":"t","tier":"free"}""");
        string key = issued.GetProperty("key").GetString()!;
        using (var served = await other.Client.SendAsync(Chat(bearer: key)))
        {
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        }

        using (var revoke = await issuer.Client.SendAsync(Admin(HttpMethod.Delete, "/admin/keys/" + issued.GetProperty("id").GetString())))
        {
            Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        }

        using (var onIssuer = await issuer.Client.SendAsync(Chat(bearer: key)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, onIssuer.StatusCode);
        }

        using (var onOther = await other.Client.SendAsync(Chat(bearer: key)))
        {
            Assert.Equal(duration == "00:00:00" ? HttpStatusCode.Unauthorized : HttpStatusCode.OK, onOther.StatusCode);
        }

        time.Advance(TimeSpan.FromSeconds(30));
        using var later = await other.Client.SendAsync(Chat(bearer: key));
        Assert.Equal(HttpStatusCode.Unauthorized, later.StatusCode);
    }

    [Fact]
    public async Task PerClientLimits_CountAKeyById()
    {
        await using var provider = await Upstream.StartAsync();
        string config = Config(provider.BaseAddress).Replace("\"RequestsPerMinutePerClient\": 1000", "\"RequestsPerMinutePerClient\": 2", StringComparison.Ordinal);
        await using var gateway = await GatewayUnderTest.StartAsync(config);
        string first = (await IssueAsync(gateway, """{"user":"a","team":"t","tier":"free"}""")).GetProperty("key").GetString()!;
        string second = (await IssueAsync(gateway, """{"user":"b","team":"t","tier":"free"}""")).GetProperty("key").GetString()!;

        // The same key, as a bearer token and as X-Api-Key, is one client; another key is another.
        using (var a = await gateway.Client.SendAsync(Chat(bearer: first)))
        {
            Assert.Equal(HttpStatusCode.OK, a.StatusCode);
        }

        using (var request = Chat())
        {
            request.Headers.Add("X-Api-Key", first);
            using var b = await gateway.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, b.StatusCode);
        }

        using (var third = await gateway.Client.SendAsync(Chat(bearer: first)))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        }

        using var other = await gateway.Client.SendAsync(Chat(bearer: second));
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task TrustedHeader_NamesTheUser_InTheLedger_AndARequestWithoutItIs401()
    {
        await using var provider = await Upstream.StartAsync();
        provider.Behaviour = AiWireFixtures.Json(AiWireFixtures.OpenAiChatCompletion);
        await using var gateway = await GatewayUnderTest.StartAsync(Config(provider.BaseAddress, "TrustedHeader", """
            "Clients": { "UserHeader": "X-Authenticated-User" },
            """));

        using (var anonymous = await gateway.Client.SendAsync(Chat()))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            Assert.Contains("X-Authenticated-User", (await Problem.ReadAsync(anonymous)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(0, provider.Requests);
        for (int i = 0; i < 3; i++)
        {
            using var request = Chat();
            request.Headers.Add("X-Authenticated-User", "dave");
            using var response = await gateway.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var byUser = await UsageLedgerTests.PollGroupsAsync(gateway, "user", 3, AdminToken);
        Assert.Equal(3, byUser.Single(g => g.GetProperty("key").GetString() == "dave").GetProperty("requests").GetInt64());
    }

    [Theory]
    [InlineData("not json", "The body is not JSON.")]
    [InlineData("""{"team":"t","tier":"free"}""", "'user' is required.")]
    [InlineData("""{"user":"a","tier":"free"}""", "'team' is required.")]
    [InlineData("""{"user":"a","team":"t"}""", "'tier' is required.")]
    [InlineData("""{"user":"","team":"t","tier":"free"}""", "'user' must be a non-empty string")]
    [InlineData("""{"user":"a","team":7,"tier":"free"}""", "'team' must be a non-empty string")]
    [InlineData("""{"user":"a","team":"t","tier":"free","expires":"2001-01-01T00:00:00Z"}""", "'expires' must be an ISO 8601 time in the future")]
    [InlineData("""{"user":"a","team":"t","tier":"free","budget":5}""", "'budget' is not a field of a client key.")]
    public async Task IssueKey_BadBody_Is400NamingTheField(string body, string detail)
    {
        await using var provider = await Upstream.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Config(provider.BaseAddress));
        using var request = Admin(HttpMethod.Post, "/admin/keys");
        request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await gateway.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith(detail, (await Problem.ReadAsync(response)).GetProperty("detail").GetString(), StringComparison.Ordinal);

        using var withoutToken = await gateway.Client.GetAsync("/admin/keys");
        Assert.Equal(HttpStatusCode.Unauthorized, withoutToken.StatusCode);
    }

    [Theory]
    [InlineData("\"Clients\": \"TrustedHeader\"", "", "Bulwark:Routes:0:Clients: TrustedHeader needs Bulwark:Clients:UserHeader, the header that names the user.")]
    [InlineData("\"Clients\": \"Keys\"", "\"Storage\": { \"Provider\": \"InMemory\" },", "Bulwark:Routes:0:Clients: Keys needs the SQLite or PostgreSQL store, where issued keys are kept; Bulwark:Storage:Provider is InMemory.")]
    [InlineData("\"Clients\": \"Anonymous\"", "\"Clients\": { \"UserHeader\": \"X-User\" },", "Bulwark:Clients:UserHeader: set, but no route has Clients: TrustedHeader, the only one that reads it.")]
    [InlineData("\"Clients\": \"TrustedHeader\"", "\"Clients\": { \"UserHeader\": \"X User\" },", "Bulwark:Clients:UserHeader: 'X User' is not a valid header name.")]
    [InlineData("\"Clients\": \"Keys\"", "\"Clients\": { \"KeyCacheDuration\": \"00:10:01\" },", "Bulwark:Clients:KeyCacheDuration: 00:10:01 is out of range; allowed 00:00:00 (no cache) to 00:10:00.")]
    [InlineData("\"Clients\": \"Keys\"", "\"Clients\": { \"KeyCacheDuration\": \"-00:00:01\" },", "Bulwark:Clients:KeyCacheDuration: -00:00:01 is out of range; allowed 00:00:00 (no cache) to 00:10:00.")]
    public void Validation_RefusesClientSettingsThatCannotWork(string route, string section, string expected)
    {
        string json = $$"""
            {
              "Bulwark": {
                {{section}}
                "Providers": { "p": { "BaseUrl": "http://127.0.0.1:9" } },
                "Routes": [ { "Path": "/v1/{**rest}", "Providers": [ "p" ], {{route}} } ]
              }
            }
            """;
        // Development: the in-memory store is allowed there, so that only the rule under test speaks.
        var error = Assert.Throws<OptionsValidationException>(() => GatewayConfiguration.Load(new GatewayHostSettings(null, json, [])
        {
            Environment = static name => name == "DOTNET_ENVIRONMENT" ? "Development" : null,
            EnvironmentOverrides = false,
        }));
        Assert.Equal([expected], error.Failures);
    }

    /// <summary>What checking a key costs on the request path once it is held in memory (printed; bounded loosely).</summary>
    [Fact]
    public async Task KeyCheck_HeldInMemory_CostsMicroseconds()
    {
        await using var provider = await Upstream.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Config(provider.BaseAddress));
        string key = (await IssueAsync(gateway, """{"user":"a","team":"t","tier":"free"}""")).GetProperty("key").GetString()!;
        var keys = gateway.Services.GetRequiredService<Bulwark.Gateway.Clients.ClientKeys>();
        var (check, _) = await keys.CheckAsync(key, CancellationToken.None);
        Assert.Equal(Bulwark.Gateway.Clients.ClientKeyCheck.Valid, check);

        const int N = 200_000;
        for (int i = 0; i < 10_000; i++)
        {
            await keys.CheckAsync(key, CancellationToken.None);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread();
        var watch = Stopwatch.StartNew();
        for (int i = 0; i < N; i++)
        {
            await keys.CheckAsync(key, CancellationToken.None);
        }

        watch.Stop();
        double micros = watch.Elapsed.TotalMicroseconds / N;
        long bytes = (GC.GetAllocatedBytesForCurrentThread() - allocated) / N;
        Console.WriteLine($"client key check (held): {micros:F2} µs, {bytes} B per request");
        Assert.True(micros < 50, $"{micros:F2} µs per check");
    }

    internal static async Task<JsonElement> IssueAsync(GatewayUnderTest gateway, string body)
    {
        using var request = Admin(HttpMethod.Post, "/admin/keys");
        request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await gateway.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("/admin/keys/" + json.RootElement.GetProperty("id").GetString(), response.Headers.Location!.ToString());
        return json.RootElement.Clone();
    }

    private static HttpRequestMessage Chat(string? bearer = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = AiWireFixtures.JsonContent(AiWireFixtures.ChatRequest) };
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return request;
    }

    private static HttpRequestMessage Admin(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
        return request;
    }
}
