using System.Net;
using System.Security.Claims;
using System.Text.Json;
using Bulwark.AspNetCore.Correlation;
using Bulwark.AspNetCore.Redaction;
using Bulwark.AspNetCore.Requests;
using Bulwark.Failover;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Bulwark.AspNetCore.Tests.Logging;

/// <summary>Correlation and request logging on a real Kestrel server, read back through the real JSON console formatter.</summary>
public class RequestLoggingIntegrationTests : IAsyncLifetime
{
    private const int RequestEvent = 3101;
    private const int AttemptEvent = 3102;

    private readonly FakeTimeProvider _time = new();
    private WebApplication _app = null!;
    private HttpClient _client = null!;
    private CapturingJsonLoggerProvider _logs = null!;

    /// <summary>Whether the app adds correlation and request logging as <c>UseBulwarkObservability</c> rather than as their own middlewares.</summary>
    protected virtual bool UsesObservabilityMiddleware => false;

    public async Task InitializeAsync()
    {
        (_app, _logs) = await StartAsync(["127.0.0.0/8"], _time);
        _client = new HttpClient { BaseAddress = new Uri(Address(_app)), Timeout = TimeSpan.FromSeconds(30) };
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Request_WithCorrelationHeader_IdIsEchoedLoggedAndOnEveryLine()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/orders/ORD-2026-000123");
        request.Headers.Add("X-Correlation-ID", "checkout-7f3a:42");
        request.Headers.Add("X-Tenant-ID", "acme");
        request.Headers.UserAgent.ParseAdd("bulwark-tests/1.0");
        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("checkout-7f3a:42", Assert.Single(response.Headers.GetValues("X-Correlation-ID")));
        var entry = await RequestEntryAsync("checkout-7f3a:42");
        Assert.Equal("Information", entry.GetProperty("LogLevel").GetString());
        Assert.Equal("GET", entry.GetProperty("method").GetString());
        Assert.Equal("/orders/{id}", entry.GetProperty("route").GetString());
        Assert.Equal("/orders/ORD-2026-000123", entry.GetProperty("path").GetString());
        Assert.Equal(200, entry.GetProperty("status").GetInt32());
        Assert.Equal("acme", entry.GetProperty("tenant_id").GetString());
        Assert.Equal("bulwark-tests/1.0", entry.GetProperty("user_agent").GetString());
        Assert.Equal("127.0.0.1", entry.GetProperty("client_ip").GetString());
        Assert.Equal(2, entry.GetProperty("bytes_out").GetInt64());
        Assert.False(string.IsNullOrEmpty(entry.GetProperty("request_id").GetString()));
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$", entry.GetProperty("Timestamp").GetString());
        Assert.Equal("RequestCompleted", entry.GetProperty("EventName").GetString());
        Assert.Matches(@"^GET /orders/\{id\} responded 200 in \d+(\.\d+)? ms$", entry.GetProperty("Message").GetString());
        Assert.Equal(JsonValueKind.Null, entry.GetProperty("error_type").ValueKind);

        // Each field once: no State copy, and the correlation scope does not repeat the event's own field.
        Assert.False(entry.TryGetProperty("State", out _));
        Assert.Single(entry.EnumerateObject(), p => p.Name == "correlation_id");

        // The handler's own log line carries the correlation id through the scope.
        var handlerLine = await _logs.WaitForAsync(e => e.GetProperty("Category").GetString() == "OrdersEndpoint" && Correlation(e) == "checkout-7f3a:42");
        Assert.Equal("loading order ORD-2026-000123", handlerLine.GetProperty("Message").GetString());
    }

    [Fact]
    public async Task Request_WithInvalidCorrelationHeaderAndTraceparent_UsesTheTraceId()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/orders/1");
        request.Headers.Add("X-Correlation-ID", "not valid!");
        request.Headers.Add("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        using var response = await _client.SendAsync(request);

        string id = Assert.Single(response.Headers.GetValues("X-Correlation-ID"));
        Assert.Equal("4bf92f3577b34da6a3ce929d0e0e4736", id);
        var entry = await RequestEntryAsync(id);
        Assert.Equal(id, Correlation(entry));

        // The trace ids are on the line whether or not the request has an activity (without one, from the correlation scope).
        Assert.Equal(("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"), (entry.GetProperty("TraceId").GetString(), entry.GetProperty("ParentId").GetString()));
        Assert.Matches("^[0-9a-f]{16}$", entry.GetProperty("SpanId").GetString());
        Assert.NotEqual("00f067aa0ba902b7", entry.GetProperty("SpanId").GetString());
    }

    [Fact]
    public async Task Request_WithItsOwnCorrelationId_IsEchoedAndKept_WhereTheHighEntropyRuleWouldTakeItForASecret()
    {
        // Taken by the high-entropy rule for a generated secret (36% of 10,000 "drain-<guid>" ids tried): an id is scanned
        // as an identifier, without that rule.
        const string id = "drain-51fa266c1a744f3388cf07efb292a19a";
        Assert.NotEqual(id, _app.Services.GetRequiredService<PiiRedactor>().Redact(id));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/orders/77");
        request.Headers.Add("X-Correlation-ID", id);
        using var response = await _client.SendAsync(request);

        Assert.Equal(id, Assert.Single(response.Headers.GetValues("X-Correlation-ID")));
        Assert.Equal("/orders/77", (await RequestEntryAsync(id)).GetProperty("path").GetString());
    }

    [Theory]
    // Within the header's alphabet, yet PII or a credential: the client's id is refused like a malformed one.
    [InlineData("4111111111111111")]
    [InlineData("sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789")]
    public async Task Request_WhoseCorrelationIdHoldsACardOrAKey_GetsAnIdOfItsOwn_AndTheValueIsOnNoLine(string given)
    {
        Assert.NotEqual(given, _app.Services.GetRequiredService<PiiRedactor>().RedactIdentifier(given));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/orders/ORD-76");
        request.Headers.Add("X-Correlation-ID", given);
        using var response = await _client.SendAsync(request);

        string id = Assert.Single(response.Headers.GetValues("X-Correlation-ID"));
        Assert.NotEqual(given, id);
        Assert.Matches("^[0-9a-f]{32}$", id);
        Assert.Equal("/orders/ORD-76", (await RequestEntryAsync(id)).GetProperty("path").GetString());

        // The handler's own line carries the id through the scope: the chosen one, not the client's.
        var handlerLine = await _logs.WaitForAsync(e => e.GetProperty("Category").GetString() == "OrdersEndpoint" && Correlation(e) == id);
        Assert.Equal("loading order ORD-76", handlerLine.GetProperty("Message").GetString());

        // The refusal is told at Debug, with the id chosen instead.
        var refused = await _logs.WaitForAsync(e => e.GetProperty("EventId").GetInt32() == 3105 && e.GetProperty("CorrelationId").GetString() == id);
        Assert.Equal("Debug", refused.GetProperty("LogLevel").GetString());
        Assert.Equal("X-Correlation-ID", refused.GetProperty("Header").GetString());
        Assert.DoesNotContain(_logs.Entries, e => e.GetRawText().Contains(given, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("4111111111111111", "[REDACTED:card]")]
    [InlineData("drain-51fa266c1a744f3388cf07efb292a19a", "drain-51fa266c1a744f3388cf07efb292a19a")]
    public async Task Request_TheTenantHeader_IsScannedAsAnIdentifier(string tenant, string logged)
    {
        Assert.NotEqual(tenant, _app.Services.GetRequiredService<PiiRedactor>().Redact(tenant));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/orders/75");
        request.Headers.Add("X-Correlation-ID", "tenant-scan");
        request.Headers.Add("X-Tenant-ID", tenant);
        using var response = await _client.SendAsync(request);

        Assert.Equal(logged, (await RequestEntryAsync("tenant-scan")).GetProperty("tenant_id").GetString());
    }

    [Fact]
    public async Task Request_ContinuingATraceWhoseIdMatchesAPattern_KeepsTheTraceIdAsCorrelationId_TheLineRedactsIt()
    {
        // A continued trace's id is the client's too: the request line scans it (this app adds a pattern a hex id can
        // match).
        const string traceId = "0123deadbeef4567890abcdef0123456";
        string redacted = _app.Services.GetRequiredService<PiiRedactor>().Redact(traceId);
        Assert.NotEqual(traceId, redacted);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/orders/78");
        request.Headers.Add("traceparent", $"00-{traceId}-00f067aa0ba902b7-01");
        using var response = await _client.SendAsync(request);

        Assert.Equal(traceId, Assert.Single(response.Headers.GetValues("X-Correlation-ID")));
        var entry = await RequestEntryAsync(redacted);
        Assert.Equal("/orders/78", entry.GetProperty("path").GetString());
    }

    [Theory]
    [InlineData(true, "deadbeef1234")]
    [InlineData(false, "[REDACTED:internal-key]")]
    public async Task Request_TheLineScansTheCorrelationIdUnlessItIsKnownClean(bool knownClean, string logged)
    {
        // An id the correlation middleware made or already scanned is not scanned again. (The endpoint puts an id a pattern
        // matches in the feature, marked as known clean or not: the middleware itself never marks such an id clean.)
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/correlation/{knownClean}");
        using var response = await _client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var entry = await RequestEntryAsync(logged);
        Assert.Equal($"/correlation/{knownClean}", entry.GetProperty("path").GetString());
    }

    [Fact]
    public async Task Request_AUserAgentSeenBefore_IsRedactedOnEveryLine()
    {
        // The second line's user agent comes from the middleware's memory of the first: redacted too.
        const string agent = "ops-bot/2.0 (contact jane.doe@example.com)";
        foreach (string id in new[] { "agent-first", "agent-again" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/orders/74");
            request.Headers.Add("X-Correlation-ID", id);
            request.Headers.TryAddWithoutValidation("User-Agent", agent);
            using var response = await _client.SendAsync(request);

            string? logged = (await RequestEntryAsync(id)).GetProperty("user_agent").GetString();
            Assert.Equal(_app.Services.GetRequiredService<PiiRedactor>().Redact(agent), logged);
            Assert.DoesNotContain("jane.doe", logged, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Request_WithEmailInPathAndTokenInQuery_BothAreRedacted()
    {
        using var response = await _client.GetAsync("/users/jane.doe@example.com/profile?access_token=abc123secret&page=2");
        string id = Assert.Single(response.Headers.GetValues("X-Correlation-ID"));

        var entry = await RequestEntryAsync(id);
        Assert.Equal("/users/{email}/profile", entry.GetProperty("route").GetString());
        Assert.Equal("/users/[REDACTED:email]/profile?access_token=[REDACTED:secret]&page=2", entry.GetProperty("path").GetString());
        Assert.DoesNotContain("jane.doe", (await RequestEntryAsync(id)).GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AiRequest_ModelTokensAndCost_AreTypedFieldsOfTheLine_AndOtherRequestsHaveNone()
    {
        using var ai = await _client.PostAsync("/v1/chat/completions", null);
        var entry = await RequestEntryAsync(Assert.Single(ai.Headers.GetValues("X-Correlation-ID")));
        using var plain = await _client.GetAsync("/orders/ORD-1");
        var other = await RequestEntryAsync(Assert.Single(plain.Headers.GetValues("X-Correlation-ID")));

        Assert.Equal("openai", entry.GetProperty("provider").GetString());
        Assert.Equal("gpt-4o-mini-2024-07-18", entry.GetProperty("model").GetString());
        Assert.Equal(1200, entry.GetProperty("input_tokens").GetInt64());
        Assert.Equal(200, entry.GetProperty("cached_input_tokens").GetInt64());
        Assert.Equal(300, entry.GetProperty("output_tokens").GetInt64());
        Assert.Equal(0.000345m, entry.GetProperty("cost").GetDecimal());
        foreach (var field in new[] { "model", "input_tokens", "cached_input_tokens", "output_tokens", "cost" })
        {
            Assert.False(other.TryGetProperty(field, out _), field);
        }
    }

    [Fact]
    public async Task Request_RouteAndProviderWithPii_RedactedOnEveryRequestNotOnlyTheFirst()
    {
        // Route, provider and breaker state are redacted once and remembered: the remembered value must be the redacted one.
        for (int i = 0; i < 3; i++)
        {
            using var response = await _client.GetAsync("/pii-names");
            string id = Assert.Single(response.Headers.GetValues("X-Correlation-ID"));

            var entry = await RequestEntryAsync(id);
                Assert.Equal("/tenants/[REDACTED:email]/{**rest}", entry.GetProperty("route").GetString());
            Assert.Equal("[REDACTED:email]", entry.GetProperty("provider").GetString());
            Assert.DoesNotContain("example.com", entry.GetRawText(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Request_EndpointThrows_LoggedAsErrorWith500AndRedactedMessage()
    {
        using var response = await _client.GetAsync("/boom");
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        string id = Assert.Single(response.Headers.GetValues("X-Correlation-ID"));

        var entry = await RequestEntryAsync(id);
        Assert.Equal("Error", entry.GetProperty("LogLevel").GetString());
        Assert.Equal(500, entry.GetProperty("status").GetInt32());
        Assert.Equal("/boom", entry.GetProperty("route").GetString());
        Assert.Equal(typeof(InvalidOperationException).FullName, entry.GetProperty("error_type").GetString());
        Assert.Equal("lookup failed for [REDACTED:email]", entry.GetProperty("error_message").GetString());
        Assert.False(entry.TryGetProperty("Exception", out _));
    }

    [Fact]
    public async Task Request_NoRouteMatches_LoggedAsWarningWithThePathAsRoute()
    {
        using var response = await _client.GetAsync("/no/such/thing");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        string id = Assert.Single(response.Headers.GetValues("X-Correlation-ID"));

        var entry = await RequestEntryAsync(id);
        Assert.Equal("Warning", entry.GetProperty("LogLevel").GetString());
        Assert.Equal(404, entry.GetProperty("status").GetInt32());
        Assert.Equal("/no/such/thing", entry.GetProperty("route").GetString());
    }

    [Fact]
    public async Task Request_SlowerThanThreshold_LoggedAsWarningWithItsDuration()
    {
        using var response = await _client.GetAsync("/slow");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        string id = Assert.Single(response.Headers.GetValues("X-Correlation-ID"));

        var entry = await RequestEntryAsync(id);
        Assert.Equal("Warning", entry.GetProperty("LogLevel").GetString());
        Assert.Equal(1500, entry.GetProperty("duration_ms").GetDouble());
    }

    [Fact]
    public async Task Request_ThroughTrustedProxy_ClientIpIsTheForwardedClient()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/orders/7");
        request.Headers.Add("X-Forwarded-For", "198.51.100.1, 203.0.113.9, 127.0.0.9");
        using var response = await _client.SendAsync(request);
        string id = Assert.Single(response.Headers.GetValues("X-Correlation-ID"));

        // 127.0.0.9 is a trusted proxy; 203.0.113.9 is the first untrusted hop from the right. 198.51.100.1 was written by the client.
        Assert.Equal("203.0.113.9", (await RequestEntryAsync(id)).GetProperty("client_ip").GetString());
    }

    [Fact]
    public async Task Request_ThroughUntrustedPeer_ForwardedForIsIgnored()
    {
        var (app, logs) = await StartAsync(["10.0.0.0/8"], _time);
        await using var _ = app;
        using var client = new HttpClient { BaseAddress = new Uri(Address(app)) };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/orders/7");
        request.Headers.Add("X-Forwarded-For", "203.0.113.9");
        using var response = await client.SendAsync(request);
        string id = Assert.Single(response.Headers.GetValues("X-Correlation-ID"));

        var entry = await logs.WaitForAsync(e => IsRequestEvent(e, id));
        Assert.Equal("127.0.0.1", entry.GetProperty("client_ip").GetString());
    }

    [Fact]
    public async Task Request_ForwardedByGateway_LogsProviderAttemptsAndBreakerWithTheSameCorrelationId()
    {
        using var content = new StreamContent(new MemoryStream(new byte[300]));
        using var response = await _client.PostAsync("/gateway", content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        string id = Assert.Single(response.Headers.GetValues("X-Correlation-ID"));
        Assert.Equal(id, await response.Content.ReadAsStringAsync());

        var entry = await RequestEntryAsync(id);
        Assert.Equal("secondary", entry.GetProperty("provider").GetString());
        Assert.Equal("Closed", entry.GetProperty("breaker_state").GetString());
        Assert.Equal(300, entry.GetProperty("bytes_in").GetInt64());
        var list = entry.GetProperty("attempts").EnumerateArray().ToArray();
        Assert.Equal(2, list.Length);
        Assert.Equal("primary", list[0].GetProperty("provider").GetString());
        Assert.Equal("failure", list[0].GetProperty("outcome").GetString());
        Assert.Equal(503, list[0].GetProperty("status").GetInt32());
        Assert.Equal(120, list[0].GetProperty("duration_ms").GetDouble());
        Assert.Equal("success", list[1].GetProperty("outcome").GetString());

        var attempt = await _logs.WaitForAsync(e => e.GetProperty("EventId").GetInt32() == AttemptEvent && e.GetProperty("correlation_id").GetString() == id);
        Assert.Equal("Debug", attempt.GetProperty("LogLevel").GetString());
        Assert.Equal("primary", attempt.GetProperty("provider").GetString());
    }

    [Fact]
    public async Task Request_ByAnAuthenticatedUser_LogsTheUserName_AndAnAnonymousOneNone()
    {
        using var mine = new HttpRequestMessage(HttpMethod.Get, "/me");
        mine.Headers.Add("X-Correlation-ID", "user-authenticated");
        using var anonymous = new HttpRequestMessage(HttpMethod.Get, "/orders/1");
        anonymous.Headers.Add("X-Correlation-ID", "user-anonymous");

        using var mineResponse = await _client.SendAsync(mine);
        using var anonymousResponse = await _client.SendAsync(anonymous);

        Assert.Equal("user-42", (await RequestEntryAsync("user-authenticated")).GetProperty("user_id").GetString());
        Assert.Equal(JsonValueKind.Null, (await RequestEntryAsync("user-anonymous")).GetProperty("user_id").ValueKind);
    }

    private async Task<(WebApplication App, CapturingJsonLoggerProvider Logs)> StartAsync(string[] trustedProxies, FakeTimeProvider time)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Logging.AddBulwarkJsonConsole();
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Services.RemoveAll<ILoggerProvider>();
        builder.Services.AddSingleton<CapturingJsonLoggerProvider>();
        builder.Services.AddSingleton<ILoggerProvider>(static sp => sp.GetRequiredService<CapturingJsonLoggerProvider>());
        builder.Services.AddBulwarkCorrelation();
        builder.Services.Configure<PiiRedactorOptions>(static options => options.Patterns["internal-key"] = "deadbeef[0-9a-f]{4}");
        builder.Services.AddBulwarkRequestLogging(options =>
        {
            options.LogQueryString = true;
            options.TimeProvider = time;
            foreach (var proxy in trustedProxies)
            {
                options.TrustedProxies.Add(proxy);
            }
        });

        var app = builder.Build();
        if (UsesObservabilityMiddleware)
        {
            app.UseBulwarkObservability();
        }
        else
        {
            app.UseBulwarkCorrelation();
            app.UseBulwarkRequestLogging();
        }

        app.UseExceptionHandler(static errors => errors.Run(static context =>
        {
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            return context.Response.WriteAsync("error");
        }));
        app.MapGet("/orders/{id}", static (string id, ILoggerFactory loggers) =>
        {
            loggers.CreateLogger("OrdersEndpoint").LogInformation("loading order {OrderId}", id);
            return "ok";
        });
        app.MapGet("/users/{email}/profile", static (string email) => "profile");
        app.MapGet("/correlation/{knownClean}", static (bool knownClean, HttpContext context) =>
        {
            var chosen = context.Features.Get<IBulwarkCorrelationFeature>()!;
            context.Features.Set<IBulwarkCorrelationFeature>(new BulwarkCorrelationFeature("deadbeef1234", chosen.TraceContext, knownClean));
            return "ok";
        });
        app.MapGet("/me", static (HttpContext context) =>
        {
            context.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "user-42")], authenticationType: "test"));
            return "me";
        });
        app.MapGet("/boom", static string () => throw new InvalidOperationException("lookup failed for jane.doe@example.com"));
        app.MapGet("/slow", () =>
        {
            time.Advance(TimeSpan.FromMilliseconds(1500));
            return "done";
        });
        app.MapPost("/v1/chat/completions", static (HttpContext context) =>
        {
            context.Features.Set(new BulwarkRequestFeature
            {
                CorrelationId = BulwarkCorrelation.Get(context),
                Route = "/v1/{**rest}",
                Provider = "openai",
                GenAiSystem = "openai",
                RequestModel = "gpt-4o-mini",
                ResponseModel = "gpt-4o-mini-2024-07-18",
                InputTokens = 1200,
                CachedInputTokens = 200,
                OutputTokens = 300,
                Cost = 0.000345m,
                CostCurrency = "USD",
            });
            return "ok";
        });
        app.MapGet("/pii-names", static (HttpContext context) =>
        {
            context.Features.Set(new BulwarkRequestFeature
            {
                CorrelationId = BulwarkCorrelation.Get(context),
                Route = "/tenants/ops@example.com/{**rest}",
                Provider = "billing@example.com",
                BreakerState = "Closed",
            });
            return "ok";
        });
        app.MapPost("/gateway", static async (HttpContext context) =>
        {
            await context.Request.Body.CopyToAsync(Stream.Null);
            context.Features.Set(new BulwarkRequestFeature
            {
                CorrelationId = BulwarkCorrelation.Get(context),
                Route = "/gateway",
                Provider = "secondary",
                BreakerState = "Closed",
                Attempts =
                [
                    new FailoverAttempt("primary", 1, FailoverAttemptKind.Failure, 503, null, TimeSpan.FromMilliseconds(120), Bulwark.Outcomes.AttemptOutcome.TransientStatus, true),
                    new FailoverAttempt("secondary", 1, FailoverAttemptKind.Success, 200, null, TimeSpan.FromMilliseconds(80), Bulwark.Outcomes.AttemptOutcome.Success, true),
                ],
            });
            return BulwarkCorrelation.Get(context);
        });

        await app.StartAsync();
        return (app, app.Services.GetRequiredService<CapturingJsonLoggerProvider>());
    }

    private static string Address(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();

    private Task<JsonElement> RequestEntryAsync(string correlationId) => _logs.WaitForAsync(e => IsRequestEvent(e, correlationId));

    private static bool IsRequestEvent(JsonElement entry, string correlationId) =>
        entry.GetProperty("EventId").GetInt32() == RequestEvent &&
        entry.GetProperty("correlation_id").GetString() == correlationId;

    // A scope's fields are top-level properties, like the event's own.
    private static string? Correlation(JsonElement entry) =>
        entry.TryGetProperty("correlation_id", out var id) ? id.GetString() : null;
}
