using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Bulwark.Gateway.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Bulwark.Gateway.Tests.Errors;

/// <summary>
/// Errors in: failed attempts and failed requests of real forwarding, and reports from services through
/// <c>POST /bulwark/errors</c>, grouped by fingerprint in <c>GET /admin/errors</c>.
/// </summary>
public class ErrorsTests
{
    private const string AdminToken = "errors-admin-token-0123456789abcdef";

    /// <summary>As <see cref="Configs.FastPipeline"/>, with a breaker that stays closed through a test's failures.</summary>
    private const string Pipeline = """
        {
          "Retry": { "MaxRetries": 2, "Backoff": "Constant", "Jitter": "None", "BaseDelay": "00:00:00", "MaxRetryAfter": "00:00:00.050" },
          "CircuitBreaker": { "Mode": "ConsecutiveFailures", "FailureThreshold": 100, "BreakDuration": "00:00:30" },
          "Timeout": { "Attempt": "00:00:05", "Total": "00:00:20" }
        }
        """;

    private static string Config(Uri primary, Uri secondary, string errors = "") =>
        Configs.TwoProviders(primary, secondary, Pipeline, bulwarkExtra: $$"""
            "Admin": { "Token": "{{AdminToken}}" },
            {{(errors.Length > 0 ? $$""" "Errors": { {{errors}} },""" : string.Empty)}}
            """);

    [Fact]
    public async Task FailingUpstreams_AttemptsAndTheRequest_AreFingerprintedWithProviderRouteAndStatus()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        primary.Behaviour = Upstream.Status(503);
        secondary.Behaviour = Upstream.Status(503);
        await using var gateway = await GatewayUnderTest.StartAsync(Config(primary.BaseAddress, secondary.BaseAddress));

        using (var response = await gateway.Client.GetAsync("/api/orders/123"))
        {
            Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        }

        using (var response = await gateway.Client.GetAsync("/api/orders/456"))
        {
            Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        }

        var errors = await ListAsync(gateway, string.Empty);
        Assert.True(errors.Count == 3, string.Join("\n", errors.Select(static e => e.ToString())));
        var attempts = errors.Single(e => e.GetProperty("type").GetString() == "TransientStatus" && e.GetProperty("provider").GetString() == "primary");
        Assert.Equal("/api/{**rest}", attempts.GetProperty("route").GetString());
        Assert.Equal(503, attempts.GetProperty("status").GetInt32());
        Assert.Equal(primary.Requests, attempts.GetProperty("count").GetInt64());
        Assert.Equal(primary.Requests, attempts.GetProperty("windows").GetProperty("1m").GetInt64());
        Assert.Equal("error", attempts.GetProperty("severity").GetString());
        Assert.Equal(primary.Requests, attempts.GetProperty("recovery").GetProperty("attempted").GetInt64());
        Assert.Equal(0, attempts.GetProperty("recovery").GetProperty("succeeded").GetInt64());

        var secondaryAttempts = errors.Single(e => e.GetProperty("type").GetString() == "TransientStatus" && e.GetProperty("provider").GetString() == "secondary");
        Assert.Equal(secondary.Requests, secondaryAttempts.GetProperty("count").GetInt64());

        // The two requests are one fingerprint: the failure problem's type and status, the provider tried last.
        var request = errors.Single(e => e.GetProperty("type").GetString() == "providers-failed");
        Assert.Equal(2, request.GetProperty("count").GetInt64());
        Assert.Equal(502, request.GetProperty("status").GetInt32());
        Assert.Equal("secondary", request.GetProperty("provider").GetString());
        Assert.Equal("/api/{**rest}", request.GetProperty("route").GetString());
        Assert.Equal("error", request.GetProperty("severity").GetString());

        // Filters: by provider and by route.
        var onPrimary = await ListAsync(gateway, "?provider=primary");
        Assert.All(onPrimary, static e => Assert.Equal("primary", e.GetProperty("provider").GetString()));
        Assert.Single(onPrimary);
        Assert.Empty(await ListAsync(gateway, "?route=/nowhere"));
        Assert.Equal(3, (await ListAsync(gateway, "?severity=error&limit=10")).Count);
    }

    [Fact]
    public async Task FailedAttempt_ThatFailoverRecovered_IsAWarningCountedAsRecovered_AndTheServedRequestIsNoError()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        primary.Behaviour = Upstream.Status(503);
        await using var gateway = await GatewayUnderTest.StartAsync(Config(primary.BaseAddress, secondary.BaseAddress));

        using (var response = await gateway.Client.GetAsync("/api/orders/1"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var entry = Assert.Single(await ListAsync(gateway, string.Empty));
        Assert.Equal(("TransientStatus", "primary", 503), (entry.GetProperty("type").GetString(), entry.GetProperty("provider").GetString(), entry.GetProperty("status").GetInt32()));
        Assert.Equal("warning", entry.GetProperty("severity").GetString());
        Assert.Equal(primary.Requests, entry.GetProperty("recovery").GetProperty("succeeded").GetInt64());
        Assert.Equal("failed: transient status", entry.GetProperty("sample").GetString());
    }

    [Fact]
    public async Task RouteFallback_AnsweringForDeadProviders_IsARecoveredWarning()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        primary.Behaviour = Upstream.Status(503);
        secondary.Behaviour = Upstream.Status(503);
        string config = Configs.TwoProviders(primary.BaseAddress, secondary.BaseAddress, Pipeline,
            routeExtra: """, "Fallback": { "StatusCode": 200, "ContentType": "application/json", "Body": "{}" }""",
            bulwarkExtra: $$""" "Admin": { "Token": "{{AdminToken}}" },""");
        await using var gateway = await GatewayUnderTest.StartAsync(config);

        using (var response = await gateway.Client.GetAsync("/api/orders/1"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var errors = await ListAsync(gateway, string.Empty);
        var answer = errors.Single(e => e.GetProperty("type").GetString() == "fallback-static");
        Assert.Equal(("warning", 200, 1L, 1L), (answer.GetProperty("severity").GetString(), answer.GetProperty("status").GetInt32(), answer.GetProperty("recovery").GetProperty("attempted").GetInt64(), answer.GetProperty("recovery").GetProperty("succeeded").GetInt64()));
        Assert.All(errors.Where(static e => e.GetProperty("type").GetString() == "TransientStatus"), static e => Assert.Equal("warning", e.GetProperty("severity").GetString()));
        Assert.Equal(primary.Requests + secondary.Requests, errors.Where(static e => e.GetProperty("type").GetString() == "TransientStatus").Sum(static e => e.GetProperty("recovery").GetProperty("succeeded").GetInt64()));
    }

    [Fact]
    public async Task Post_WithAClientKey_OrTheAdminToken_Is202WithTheFingerprint_AndListed_WithoutCredentials401()
    {
        await using var primary = await Upstream.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Config(primary.BaseAddress, primary.BaseAddress));
        string key = await IssueKeyAsync(gateway);

        const string Report = """
            { "type": "PaymentDeclined", "message": "Order 1234 declined by card processor", "severity": "critical", "service": "billing",
              "route": "/checkout", "provider": "stripe", "status": 402, "attributes": { "region": "eu" },
              "recoveryAttempted": true, "recoverySucceeded": false }
            """;
        string first = await PostAsync(gateway, Report, bearer: key, HttpStatusCode.Accepted);
        string second = await PostAsync(gateway, Report.Replace("1234", "98", StringComparison.Ordinal), bearer: AdminToken, HttpStatusCode.Accepted);
        using (var request = Post("""{"type":"PaymentDeclined","message":"Order 5 declined by card processor","severity":"critical","service":"billing","route":"/checkout","provider":"stripe","status":402}"""))
        {
            request.Headers.Add("X-Api-Key", key);
            using var response = await gateway.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        Assert.Matches("^[0-9a-f]{16}$", first);
        Assert.Equal(first, second);

        var entry = Assert.Single(await ListAsync(gateway, "?service=billing&severity=critical"));
        Assert.Equal(first, entry.GetProperty("fingerprint").GetString());
        Assert.Equal(("PaymentDeclined", "billing", "stripe", "/checkout", 402), (entry.GetProperty("type").GetString(), entry.GetProperty("service").GetString(), entry.GetProperty("provider").GetString(), entry.GetProperty("route").GetString(), entry.GetProperty("status").GetInt32()));
        Assert.Equal(3, entry.GetProperty("count").GetInt64());
        Assert.Equal("Order <n> declined by card processor", entry.GetProperty("message").GetString());
        Assert.Equal("critical", entry.GetProperty("severity").GetString());
        Assert.Equal("eu", entry.GetProperty("attributes").GetProperty("region").GetString());
        Assert.Equal(2, entry.GetProperty("recovery").GetProperty("attempted").GetInt64());

        // No credentials, an unknown key, a wrong admin token: 401, nothing recorded.
        foreach (string? bearer in new[] { null, "bwk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "not-the-admin-token" })
        {
            using var request = Post(Report);
            if (bearer is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
            }

            using var response = await gateway.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("urn:bulwark:problem:unauthorized", (await Problem.ReadAsync(response)).GetProperty("type").GetString());
        }

        Assert.Equal(3, Assert.Single(await ListAsync(gateway, string.Empty)).GetProperty("count").GetInt64());

        // The admin list needs the admin token.
        using var anonymous = await gateway.Client.GetAsync("/admin/errors");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Theory]
    [InlineData("[1]", "JSON object")]
    [InlineData("{", "not valid JSON")]
    [InlineData("""{"message":"m"}""", "'type' is required")]
    [InlineData("""{"type":"","message":"m"}""", "'type' must be a string")]
    [InlineData("""{"type":7,"message":"m"}""", "'type' must be a string")]
    [InlineData("""{"type":"T"}""", "'message' is required")]
    [InlineData("""{"type":"T","message":"m","severity":"fatal"}""", "'severity' must be one of")]
    [InlineData("""{"type":"T","message":"m","severity":"2"}""", "'severity' must be one of")]
    [InlineData("""{"type":"T","message":"m","service":""}""", "'service' must be a string")]
    [InlineData("""{"type":"T","message":"m","route":["a"]}""", "'route' must be a string")]
    [InlineData("""{"type":"T","message":"m","provider":"a\u0000b"}""", "'provider' must be a string")]
    [InlineData("""{"type":"T","message":"m","status":99}""", "'status' must be an HTTP status code")]
    [InlineData("""{"type":"T","message":"m","status":"500"}""", "'status' must be an HTTP status code")]
    [InlineData("""{"type":"T","message":"m","attributes":[]}""", "'attributes' must be an object")]
    [InlineData("""{"type":"T","message":"m","attributes":{"n":1}}""", "'attributes.n' must be a string")]
    [InlineData("""{"type":"T","message":"m","recoveryAttempted":"yes"}""", "'recoveryAttempted' must be true or false")]
    [InlineData("""{"type":"T","message":"m","recoverySucceeded":true}""", "'recoverySucceeded' is true while 'recoveryAttempted' is not")]
    [InlineData("""{"type":"T","message":"m","colour":"red"}""", "'colour' is not known")]
    [InlineData("""{"type":"T","message":"m","type":"U"}""", "'type' is given more than once")]
    public async Task Post_BadBody_Is400ProblemNamingTheField_AndRecordsNothing(string body, string expected)
    {
        await using var primary = await Upstream.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Config(primary.BaseAddress, primary.BaseAddress));

        using var request = Post(body);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
        using var response = await gateway.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await Problem.ReadAsync(response);
        Assert.Equal("urn:bulwark:problem:bad-request", problem.GetProperty("type").GetString());
        Assert.Contains(expected, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty(await ListAsync(gateway, string.Empty));
    }

    [Fact]
    public async Task Post_TooManyAttributes_AndABodyOver16KiB_AreRefused()
    {
        await using var primary = await Upstream.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Config(primary.BaseAddress, primary.BaseAddress));

        string attributes = string.Join(',', Enumerable.Range(0, 17).Select(static i => $"\"a{i}\":\"v\""));
        using (var request = Post($$$"""{"type":"T","message":"m","attributes":{ {{{attributes}}} }}"""))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
            using var response = await gateway.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("'attributes' has more than 16 entries", (await Problem.ReadAsync(response)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        using (var request = Post($$"""{"type":"T","message":"{{new string('x', 17_000)}}"}"""))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
            using var response = await gateway.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
            Assert.Contains("at most 16,384 bytes", (await Problem.ReadAsync(response)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        Assert.Empty(await ListAsync(gateway, string.Empty));
    }

    [Fact]
    public async Task Post_SecretsAndEmails_AreRedactedInTheSampleAndAttributes_AsInLogs()
    {
        await using var primary = await Upstream.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Config(primary.BaseAddress, primary.BaseAddress));
        const string Jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";

        await PostAsync(gateway, $$"""
            { "type": "LoginFailed", "message": "login failed for alice.smith@example.com with token {{Jwt}}",
              "attributes": { "user": "bob@example.org", "auth": "Bearer {{Jwt}}" } }
            """, AdminToken, HttpStatusCode.Accepted);

        using var response = await AdminGetAsync(gateway, "/admin/errors");
        string text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("alice.smith@example.com", text, StringComparison.Ordinal);
        Assert.DoesNotContain("bob@example.org", text, StringComparison.Ordinal);
        Assert.DoesNotContain("SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c", text, StringComparison.Ordinal);

        var entry = Assert.Single(await ListAsync(gateway, string.Empty));
        Assert.Contains("[REDACTED:email]", entry.GetProperty("sample").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("login failed for [REDACTED:email] with token [REDACTED:", entry.GetProperty("sample").GetString(), StringComparison.Ordinal);
        Assert.Equal("[REDACTED:email]", entry.GetProperty("attributes").GetProperty("user").GetString());
        Assert.Equal("Bearer [REDACTED:jwt]", entry.GetProperty("attributes").GetProperty("auth").GetString());
    }

    [Fact]
    public async Task Intake_OverIntakeRequestsPerMinute_Is429_PerCaller_AndRefills()
    {
        await using var primary = await Upstream.StartAsync();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var gateway = await GatewayUnderTest.StartAsync(Config(primary.BaseAddress, primary.BaseAddress, "\"IntakeRequestsPerMinute\": 3"), timeProvider: time);
        string key = await IssueKeyAsync(gateway);
        const string Report = """{"type":"T","message":"m"}""";

        for (int i = 0; i < 3; i++)
        {
            await PostAsync(gateway, Report, key, HttpStatusCode.Accepted);
        }

        using (var request = Post(Report))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            using var response = await gateway.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(20), response.Headers.RetryAfter?.Delta);
            var problem = await Problem.ReadAsync(response);
            Assert.Equal("urn:bulwark:problem:rate-limited", problem.GetProperty("type").GetString());
        }

        // Another caller has its own bucket; the key's refills at 3 a minute.
        await PostAsync(gateway, Report, AdminToken, HttpStatusCode.Accepted);
        time.Advance(TimeSpan.FromSeconds(20));
        await PostAsync(gateway, Report, key, HttpStatusCode.Accepted);
        Assert.Equal(5, Assert.Single(await ListAsync(gateway, string.Empty)).GetProperty("count").GetInt64());
    }

    [Fact]
    public async Task MaxFingerprints_KeepsTheMostRecentlySeen()
    {
        await using var primary = await Upstream.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Config(primary.BaseAddress, primary.BaseAddress, "\"MaxFingerprints\": 2"));

        foreach (string type in new[] { "First", "Second", "Third" })
        {
            await PostAsync(gateway, $$"""{"type":"{{type}}","message":"m"}""", AdminToken, HttpStatusCode.Accepted);
        }

        Assert.Equal(["Second", "Third"], (await ListAsync(gateway, string.Empty)).Select(static e => e.GetProperty("type").GetString()).Order());
    }

    [Theory]
    [InlineData("?severity=fatal", "'severity'")]
    [InlineData("?severity=1", "'severity'")]
    [InlineData("?limit=0", "'limit'")]
    [InlineData("?limit=x", "'limit'")]
    public async Task AdminErrors_BadQuery_Is400NamingTheParameter(string query, string expected)
    {
        await using var primary = await Upstream.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Config(primary.BaseAddress, primary.BaseAddress));

        using var response = await AdminGetAsync(gateway, "/admin/errors" + query);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, (await Problem.ReadAsync(response)).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    private static HttpRequestMessage Post(string body) =>
        new(HttpMethod.Post, "/bulwark/errors") { Content = new StringContent(body, Encoding.UTF8, "application/json") };

    private static async Task<string> PostAsync(GatewayUnderTest gateway, string body, string bearer, HttpStatusCode expected)
    {
        using var request = Post(body);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        using var response = await gateway.Client.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{response.StatusCode}: {text}");
        using var json = JsonDocument.Parse(text);
        return json.RootElement.TryGetProperty("fingerprint", out var fingerprint) ? fingerprint.GetString()! : string.Empty;
    }

    private static async Task<HttpResponseMessage> AdminGetAsync(GatewayUnderTest gateway, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
        return await gateway.Client.SendAsync(request);
    }

    private static async Task<List<JsonElement>> ListAsync(GatewayUnderTest gateway, string query)
    {
        using var response = await AdminGetAsync(gateway, "/admin/errors" + query);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        using var json = JsonDocument.Parse(text);
        return [.. json.RootElement.GetProperty("errors").EnumerateArray().Select(static e => e.Clone())];
    }

    private static async Task<string> IssueKeyAsync(GatewayUnderTest gateway)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/admin/keys") { Content = new StringContent("""{"user":"svc","team":"billing","tier":"pro"}""", Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
        using var response = await gateway.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("key").GetString()!;
    }
}
