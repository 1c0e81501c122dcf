using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Bulwark.Gateway.Budgets;
using Bulwark.Gateway.Tokens;
using Bulwark.Gateway.Tests.Infrastructure;
using Bulwark.Gateway.Tests.Usage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Bulwark.Gateway.Tests.Budgets;

/// <summary>
/// Budgets through the gateway, against real Kestrel providers: atomic reservations under 1,000 concurrent requests,
/// the refusal a client reads, the output cap sent upstream, advisory budgets, the cheaper chain, status and admin API.
/// </summary>
public class BudgetsTests
{
    internal const string AdminToken = "budgets-admin-token-0123456789abcdef";
    private const int OutputCap = 50;
    private const string Body = """{"model":"gpt-4o-mini","max_completion_tokens":50,"messages":[{"role":"user","content":"Say hello"}]}""";

    private const string WidePipeline = """
        {
          "Retry": { "MaxRetries": 0 },
          "CircuitBreaker": { "Mode": "ConsecutiveFailures", "FailureThreshold": 100000, "BreakDuration": "00:00:30" },
          "Timeout": { "Attempt": "00:00:30", "Total": "00:00:40" },
          "Bulkhead": { "MaxConcurrency": 2000, "QueueLimit": 2000 }
        }
        """;

    internal static string Config(Uri provider, string budgets, string clients = "TrustedHeader", string routeExtra = "", string providersExtra = "", string prices = "") => $$"""
        {
          "Bulwark": {
            "Admin": { "Token": "{{AdminToken}}" },
            "Clients": { {{(clients == "TrustedHeader" ? "\"UserHeader\": \"X-User\"" : string.Empty)}} },
            "Budgets": {{budgets}},
            "Pipelines": { "default": {{WidePipeline}} },
            "Providers": {
              "primary": { "BaseUrl": "{{provider.ToString().TrimEnd('/')}}" {{prices}} }
              {{providersExtra}}
            },
            "Routes": [
              { "Path": "/v1/{**rest}", "Providers": [ "primary" ], "Api": "OpenAI", "Clients": "{{clients}}", "Timeout": "00:01:00" {{routeExtra}} }
            ]
          }
        }
        """;

    /// <summary>A provider that answers a chat completion reporting <paramref name="prompt"/> and <paramref name="completion"/> tokens.</summary>
    internal static Func<HttpContext, int, Task> Answer(long prompt, long completion) => async (context, _) =>
    {
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(
            $$$"""{"id":"chatcmpl-1","object":"chat.completion","created":1741569952,"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"message":{"role":"assistant","content":"Hello"},"finish_reason":"stop"}],"usage":{"prompt_tokens":{{{prompt}}},"completion_tokens":{{{completion}}},"total_tokens":{{{prompt + completion}}}}}""",
            context.RequestAborted);
    };

    internal static HttpRequestMessage Chat(string user, string body = Body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = AiWireFixtures.JsonContent(body) };
        request.Headers.Add("X-User", user);
        return request;
    }

    /// <summary>One estimator for every test here: its tokenizer loads once.</summary>
    private static readonly PromptTokenEstimator Estimator = new();

    /// <summary>The tokens the gateway reserves for <paramref name="body"/> (with the default image bound): its prompt bound plus the output cap.</summary>
    internal static long Reservation(string body = Body, int cap = OutputCap) =>
        Estimator.UpperBound(Encoding.UTF8.GetBytes(body), "gpt-4o-mini").Tokens + cap;

    private static async Task<(int Served, int Refused, int Other)> SendConcurrentlyAsync(GatewayUnderTest gateway, int count, Func<int, string> user)
    {
        int served = 0, refused = 0, other = 0;
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = count }) { BaseAddress = gateway.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        using var start = new SemaphoreSlim(0);
        var sends = Enumerable.Range(0, count).Select(async i =>
        {
            await start.WaitAsync();
            using var response = await client.SendAsync(Chat(user(i)));
            _ = response.StatusCode switch
            {
                HttpStatusCode.OK => Interlocked.Increment(ref served),
                HttpStatusCode.TooManyRequests => Interlocked.Increment(ref refused),
                _ => Interlocked.Increment(ref other),
            };
        }).ToList();
        start.Release(count);
        await Task.WhenAll(sends);
        return (served, refused, other);
    }

    [Fact]
    public async Task Concurrent1000_AgainstAStrictBudgetThatFits100_Serve100_AndSpendExactlyTheBudget()
    {
        await using var provider = await Upstream.StartAsync();
        long reservation = Reservation();

        // The provider reports exactly what was reserved: an honest reservation, so 100 fit and no more.
        provider.Behaviour = Answer(reservation - OutputCap, OutputCap);
        await using var gateway = await GatewayUnderTest.StartAsync(Config(provider.BaseAddress, $$"""{ "Items": { "everyone": { "Per": "Global", "Period": "Day", "Tokens": {{100 * reservation}} } } }"""));

        var (served, refused, other) = await SendConcurrentlyAsync(gateway, 1_000, static i => "user-" + (i % 7));
        Assert.Equal((100, 900, 0), (served, refused, other));
        Assert.Equal(100, provider.Requests);

        var status = await AdminBudgetsAsync(gateway);
        var everyone = Assert.Single(status);
        Assert.Equal(100 * reservation, everyone.GetProperty("spent").GetProperty("tokens").GetInt64());
        Assert.Equal(0, everyone.GetProperty("reserved").GetProperty("tokens").GetInt64());
        Assert.Equal("EXHAUSTED", everyone.GetProperty("level").GetString());
    }

    [Fact]
    public async Task ConcurrentFirstRequests_OfUnknownUsers_EachGetTheirOwnBudget_NoneOvershoots()
    {
        await using var provider = await Upstream.StartAsync();
        long reservation = Reservation();
        provider.Behaviour = Answer(reservation - OutputCap, OutputCap);
        await using var gateway = await GatewayUnderTest.StartAsync(Config(provider.BaseAddress, $$"""{ "Items": { "per-user": { "Per": "User", "Period": "Day", "Tokens": {{10 * reservation}} } } }"""));

        // Ten users nobody has seen, a hundred first requests each, all at once.
        var (served, refused, other) = await SendConcurrentlyAsync(gateway, 1_000, static i => "newcomer-" + (i % 10));
        Assert.Equal((100, 900, 0), (served, refused, other));

        var users = await AdminBudgetsAsync(gateway);
        Assert.Equal(10, users.Count);
        Assert.All(users, static u => Assert.Equal(u.GetProperty("limit").GetProperty("tokens").GetInt64(), u.GetProperty("spent").GetProperty("tokens").GetInt64()));
        var byUser = provider.Snapshot().GroupBy(static r => r.Headers["X-User"]).ToDictionary(static g => g.Key, static g => g.Count());
        Assert.Equal(10, byUser.Count);
        Assert.All(byUser.Values, static n => Assert.Equal(10, n));
    }

    [Fact]
    public async Task Refusal_Is429ProblemJson_NamingTheBudget_AndWhatIsLeft_NothingSent()
    {
        await using var provider = await Upstream.StartAsync();
        long reservation = Reservation();
        provider.Behaviour = Answer(reservation - OutputCap, OutputCap);
        await using var gateway = await GatewayUnderTest.StartAsync(Config(provider.BaseAddress, $$"""{ "TimeZone": "Asia/Kolkata", "Items": { "daily": { "Per": "User", "Period": "Day", "Tokens": {{reservation + (reservation / 2)}} } } }"""));
        using (var first = await gateway.Client.SendAsync(Chat("alice")))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        using var response = await gateway.Client.SendAsync(Chat("alice"));
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(1, provider.Requests);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("urn:bulwark:problem:budget-exceeded", problem.GetProperty("type").GetString());
        Assert.True(problem.GetProperty("retryable").GetBoolean());
        var budget = problem.GetProperty("budget");
        Assert.Equal("daily", budget.GetProperty("name").GetString());
        Assert.Equal("alice", budget.GetProperty("subject").GetString());
        Assert.Equal(reservation / 2, budget.GetProperty("remainingTokens").GetInt64());
        Assert.Equal(JsonValueKind.Null, budget.GetProperty("remainingCost").ValueKind);
        Assert.Contains("Budget 'daily' has not enough left", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // The day ends at midnight in the configured time zone (UTC+05:30): 18:30 UTC.
        var kolkata = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata"));
        var midnight = new DateTimeOffset(kolkata.Date.AddDays(1), TimeSpan.FromHours(5.5));
        Assert.Equal(midnight, DateTimeOffset.Parse(budget.GetProperty("resetsAt").GetString()!, CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Exhausted_TellsTheResetTime_AndRetryAfter_TooLarge_IsNotRetryable()
    {
        await using var provider = await Upstream.StartAsync();
        long reservation = Reservation();
        provider.Behaviour = Answer(reservation - OutputCap, OutputCap);
        await using var gateway = await GatewayUnderTest.StartAsync(Config(provider.BaseAddress, $$"""{ "Items": { "daily": { "Per": "User", "Period": "Day", "Tokens": {{reservation}} } } }"""));

        using (var first = await gateway.Client.SendAsync(Chat("alice")))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            Assert.StartsWith("EXHAUSTED; budget=daily", first.Headers.GetValues("X-Bulwark-Budget").Single(), StringComparison.Ordinal);
        }

        using var refused = await gateway.Client.SendAsync(Chat("alice"));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement;
        var midnight = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(1), TimeSpan.Zero);
        Assert.Equal(midnight, DateTimeOffset.Parse(problem.GetProperty("budget").GetProperty("resetsAt").GetString()!, CultureInfo.InvariantCulture));
        Assert.True(problem.GetProperty("retryable").GetBoolean());
        double retryAfter = int.Parse(refused.Headers.GetValues("Retry-After").Single(), CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, (midnight - DateTimeOffset.UtcNow).TotalSeconds - 5, (midnight - DateTimeOffset.UtcNow).TotalSeconds + 5);

        // Bob has his own budget; a request whose reservation exceeds the whole limit is refused for good (403).
        using (var bob = await gateway.Client.SendAsync(Chat("bob")))
        {
            Assert.Equal(HttpStatusCode.OK, bob.StatusCode);
        }

        using var tooLarge = await gateway.Client.SendAsync(Chat("carol", Body.Replace("\"max_completion_tokens\":50", "\"max_completion_tokens\":5000", StringComparison.Ordinal)));
        Assert.Equal(HttpStatusCode.Forbidden, tooLarge.StatusCode);
        var large = JsonDocument.Parse(await tooLarge.Content.ReadAsStringAsync()).RootElement;
        Assert.False(large.GetProperty("retryable").GetBoolean());
        Assert.False(tooLarge.Headers.Contains("Retry-After"));
        Assert.Equal(2, provider.Requests);
    }

    [Fact]
    public async Task NoOutputCap_TheDefaultIsReservedAndSentUpstream()
    {
        await using var provider = await Upstream.StartAsync();
        provider.Behaviour = Answer(10, 10);
        await using var gateway = await GatewayUnderTest.StartAsync(Config(provider.BaseAddress, """{ "DefaultMaxOutputTokens": 321, "Items": { "daily": { "Tokens": 1000000 } } }"""));

        using var response = await gateway.Client.SendAsync(Chat("alice", """{ "model":"gpt-4o-mini","messages":[{"role":"user","content":"Hi"}] }"""));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = JsonDocument.Parse(Assert.Single(provider.Snapshot()).Body).RootElement;
        Assert.Equal(321, sent.GetProperty("max_completion_tokens").GetInt32());
        Assert.Equal("Hi", sent.GetProperty("messages")[0].GetProperty("content").GetString());

        // A cap the client set is kept as it is.
        using var capped = await gateway.Client.SendAsync(Chat("alice"));
        var second = JsonDocument.Parse(provider.Snapshot()[1].Body).RootElement;
        Assert.Equal(OutputCap, second.GetProperty("max_completion_tokens").GetInt32());
    }

    [Fact]
    public async Task ImageTokenBound_IsReservedPerImage()
    {
        await using var provider = await Upstream.StartAsync();
        provider.Behaviour = Answer(10, 10);
        const string WithImage = """{"model":"claude-sonnet-4","max_tokens":10,"messages":[{"role":"user","content":[{"type":"text","text":"What is this?"},{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="}}]}]}""";

        // Claude's own bound per image (1,600) fits a budget of 3,000 tokens; a configured bound of 5,000 does not.
        await using (var defaults = await GatewayUnderTest.StartAsync(Config(provider.BaseAddress, """{ "Items": { "daily": { "Per": "User", "Tokens": 3000 } } }""")))
        {
            using var served = await defaults.Client.SendAsync(Chat("alice", WithImage));
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        }

        await using var configured = await GatewayUnderTest.StartAsync(Config(provider.BaseAddress, """{ "ImageTokenBound": 5000, "Items": { "daily": { "Per": "User", "Tokens": 3000 } } }"""));
        using var refused = await configured.Client.SendAsync(Chat("alice", WithImage));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(1, provider.Requests);
    }

    [Fact]
    public async Task Reload_ChangesALimit_KeepingWhatWasSpent()
    {
        await using var provider = await Upstream.StartAsync();
        provider.Behaviour = Answer(300, 200);
        using var file = ConfigFile.Create(Config(provider.BaseAddress, """{ "Items": { "daily": { "Per": "User", "Tokens": 1000 } } }"""));
        await using var gateway = await GatewayUnderTest.StartFromFileAsync(file.Path);
        using (var first = await gateway.Client.SendAsync(Chat("alice")))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        file.Replace(Config(provider.BaseAddress, """{ "Items": { "daily": { "Per": "User", "Tokens": 400 } } }"""));
        await Poll.UntilAsync(() => gateway.Services.GetRequiredService<BudgetBook>().Budgets.Single().TokenLimit == 400, "the reloaded limit to be in place");
        var alice = Assert.Single(await AdminBudgetsAsync(gateway));
        Assert.Equal(500, alice.GetProperty("spent").GetProperty("tokens").GetInt64());
        Assert.Equal("EXHAUSTED", alice.GetProperty("level").GetString());
        using var refused = await gateway.Client.SendAsync(Chat("alice"));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
    }

    [Fact]
    public async Task Advisory_ServesBeyondTheLimit_AndSaysSo()
    {
        await using var provider = await Upstream.StartAsync();
        provider.Behaviour = Answer(10, 10);
        await using var gateway = await GatewayUnderTest.StartAsync(Config(provider.BaseAddress, """{ "Items": { "soft": { "Tokens": 10, "Mode": "Advisory" } } }"""));
        using var response = await gateway.Client.SendAsync(Chat("alice"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("advisory-exceeded; budget=soft", response.Headers.GetValues("X-Bulwark-Budget").Single());
    }

    [Fact]
    public async Task OnBudgetExceeded_Fallback_SendsTheRequestToTheCheaperChain()
    {
        await using var dear = await Upstream.StartAsync();
        await using var cheap = await Upstream.StartAsync();
        dear.Behaviour = Answer(10, 10);
        cheap.Behaviour = Answer(10, 10);
        string config = Config(
            dear.BaseAddress,
            """{ "Items": { "money": { "Cost": 0.01 } } }""",
            routeExtra: """, "OnBudgetExceeded": "Fallback", "BudgetFallbackProviders": [ "cheap" ]""",
            providersExtra: $$""", "cheap": { "BaseUrl": "{{cheap.BaseAddress.ToString().TrimEnd('/')}}", "Prices": { "gpt-4o-mini": { "Input": 0.15, "Output": 0.60 } } }""",
            prices: """, "Prices": { "gpt-4o-mini": { "Input": 150, "Output": 600 } }""");
        await using var gateway = await GatewayUnderTest.StartAsync(config);

        // At the dear provider's prices 50 output tokens alone cost 0.03: the budget of 0.01 cannot take it; the cheap one can.
        using var response = await gateway.Client.SendAsync(Chat("alice"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, dear.Requests);
        Assert.Equal(1, cheap.Requests);
        Assert.Equal("fallback; budget=money", response.Headers.GetValues("X-Bulwark-Budget").First());
    }

    [Fact]
    public async Task AdminApi_MakesABudget_ThatRefuses_ClientSeesItsOwnStatus_ThenDeletedItServesAgain()
    {
        await using var provider = await Upstream.StartAsync();
        provider.Behaviour = Answer(10, 10);
        await using var gateway = await GatewayUnderTest.StartAsync(Config(provider.BaseAddress, """{ "Items": { "all": { "Tokens": 100000000, "Mode": "Advisory" } } }""", clients: "Keys"));
        string alice = await IssueKeyAsync(gateway, "alice", "research", "free");
        string bob = await IssueKeyAsync(gateway, "bob", "ops", "pro");

        long reservation = Reservation();
        using (var put = await gateway.Client.SendAsync(Admin(HttpMethod.Put, "/admin/budgets/free-daily", $$"""{ "Per": "User", "Tier": "free", "Period": "Day", "Tokens": {{reservation}} }""")))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, await SendWithKeyAsync(gateway, alice));
        Assert.Equal(HttpStatusCode.TooManyRequests, await SendWithKeyAsync(gateway, alice));
        Assert.Equal(HttpStatusCode.OK, await SendWithKeyAsync(gateway, bob));

        // Alice sees her own budgets, by her key; bob does not see hers.
        using (var own = new HttpRequestMessage(HttpMethod.Get, "/budget/status"))
        {
            own.Headers.Authorization = new AuthenticationHeaderValue("Bearer", alice);
            using var response = await gateway.Client.SendAsync(own);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var budgets = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("budgets").EnumerateArray().ToList();
            Assert.Equal(["all", "free-daily"], budgets.Select(static b => b.GetProperty("name").GetString()).Order());
            var daily = budgets.Single(static b => b.GetProperty("name").GetString() == "free-daily");
            Assert.Equal("alice", daily.GetProperty("subject").GetString());
            Assert.Equal("admin", daily.GetProperty("source").GetString());
            Assert.Equal(JsonValueKind.Object, daily.GetProperty("forecast").ValueKind);
        }

        using (var anonymous = await gateway.Client.GetAsync("/budget/status"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }

        // Bad definitions are refused with every reason; configured budgets cannot be replaced through the API.
        using (var bad = await gateway.Client.SendAsync(Admin(HttpMethod.Put, "/admin/budgets/x", """{ "Period": "Rolling", "Mode": "Sometimes" }""")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        }

        using (var bad = await gateway.Client.SendAsync(Admin(HttpMethod.Put, "/admin/budgets/x", """{ "Period": "Rolling" }""")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            string detail = JsonDocument.Parse(await bad.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString()!;
            Assert.Contains("Window: required", detail, StringComparison.Ordinal);
            Assert.Contains("neither Cost nor Tokens", detail, StringComparison.Ordinal);
        }

        using (var configured = await gateway.Client.SendAsync(Admin(HttpMethod.Put, "/admin/budgets/all", """{ "Tokens": 1 }""")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, configured.StatusCode);
        }

        using (var delete = await gateway.Client.SendAsync(Admin(HttpMethod.Delete, "/admin/budgets/free-daily")))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        using (var missing = await gateway.Client.SendAsync(Admin(HttpMethod.Delete, "/admin/budgets/free-daily")))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, await SendWithKeyAsync(gateway, alice));
        using (var noToken = await gateway.Client.GetAsync("/admin/budgets"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, noToken.StatusCode);
        }
    }

    [Fact]
    public async Task AdminApi_RefusesABudget_WhereAnAiRouteDefersFailedRequests()
    {
        await using var provider = await Upstream.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Config(provider.BaseAddress, "{ }", routeExtra: """, "OnFailure": "Defer" """));
        using var put = await gateway.Client.SendAsync(Admin(HttpMethod.Put, "/admin/budgets/daily", """{ "Per": "User", "Tokens": 1000 }"""));
        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        Assert.Contains("OnFailure: Defer", JsonDocument.Parse(await put.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty(await AdminBudgetsAsync(gateway));
    }

    [Theory]
    [InlineData("\"max_completion_tokens\":9223372036854775807", "max_completion_tokens")]
    [InlineData("\"max_completion_tokens\":null", "max_completion_tokens")]
    [InlineData("\"max_completion_tokens\":-1", "max_completion_tokens")]
    [InlineData("\"max_completion_tokens\":4096.5", "max_completion_tokens")]
    [InlineData("\"max_completion_tokens\":50,\"n\":1000", "n")]
    public async Task AnOutputCapOutOfRange_Is400_NeverReservedNorSent(string cap, string field)
    {
        await using var provider = await Upstream.StartAsync();
        provider.Behaviour = Answer(10, 10);
        await using var gateway = await GatewayUnderTest.StartAsync(Config(provider.BaseAddress, """{ "Items": { "daily": { "Per": "User", "Tokens": 100000 } } }"""));
        using var response = await gateway.Client.SendAsync(Chat("alice", $$"""{"model":"gpt-4o-mini",{{cap}},"messages":[{"role":"user","content":"Hi"}]}"""));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("urn:bulwark:problem:budget-bad-limit", problem.GetProperty("type").GetString());
        Assert.StartsWith($"'{field}'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, provider.Requests);
        Assert.Empty(await AdminBudgetsAsync(gateway));
    }

    [Fact]
    public async Task AClientThatHangsUp_IsChargedWhatItReserved_ForTheProviderMayStillServeIt()
    {
        await using var provider = await Upstream.StartAsync();
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        provider.Behaviour = async (context, n) =>
        {
            reached.TrySetResult();
            await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(static _ => { }, TaskScheduler.Default);
        };
        long reservation = Reservation();
        await using var gateway = await GatewayUnderTest.StartAsync(Config(provider.BaseAddress, $$"""{ "Items": { "daily": { "Per": "User", "Tokens": {{10 * reservation}} } } }"""));
        using (var impatient = new CancellationTokenSource())
        {
            var send = gateway.Client.SendAsync(Chat("alice"), impatient.Token);
            await Poll.WithinAsync(reached.Task, "the request to reach the provider");
            await impatient.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => send);
        }

        await Poll.UntilAsync(() => gateway.Services.GetRequiredService<BudgetBook>().Status().Single().InFlight == 0, "the request to end");
        var alice = Assert.Single(await AdminBudgetsAsync(gateway));
        Assert.Equal(reservation, alice.GetProperty("spent").GetProperty("tokens").GetInt64());
    }

    [Fact]
    public async Task AStreamThatOutlivesTheRouteTimeout_IsChargedWhatItUsed_NotWhatItReserved()
    {
        // The route's timeout bounds the wait for an answer, not how long a stream may run: a stream that started in
        // time and ends well is served, and charged its usage like any other.
        const string streaming = """{"model":"gpt-4o-mini","max_completion_tokens":50,"stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Say hello"}]}""";
        await using var provider = await Upstream.StartAsync();
        var pastTheDeadline = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        provider.Behaviour = AiWireFixtures.Stream(AiWireFixtures.OpenAiChunks, pastTheDeadline.Task);
        long reservation = Reservation(streaming);
        // Mid-month and mid-day: the two minutes below cross no budget period.
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 10, 12, 0, 0, TimeSpan.Zero));
        await using var gateway = await GatewayUnderTest.StartAsync(
            Config(provider.BaseAddress, $$"""{ "Items": { "daily": { "Per": "User", "Tokens": {{10 * reservation}} } } }"""),
            timeProvider: time);

        using var response = await gateway.Client.SendAsync(Chat("alice", streaming), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        Assert.StartsWith("data: ", await reader.ReadLineAsync());

        // The route's timeout is a minute: two pass while the stream is still open, then it ends with its usage.
        time.Advance(TimeSpan.FromMinutes(2));
        pastTheDeadline.SetResult();
        string rest = await reader.ReadToEndAsync();
        Assert.Contains("\"completion_tokens\":12", rest, StringComparison.Ordinal);
        Assert.EndsWith("data: [DONE]\n\n", rest, StringComparison.Ordinal);

        await Poll.UntilAsync(() => gateway.Services.GetRequiredService<BudgetBook>().Status().Single().InFlight == 0, "the request to end");
        var alice = Assert.Single(await AdminBudgetsAsync(gateway));
        Assert.Equal(9 + 12, alice.GetProperty("spent").GetProperty("tokens").GetInt64());
        Assert.NotEqual(9 + 12, reservation);
    }

    [Fact]
    public async Task RequestsNoBudgetCounts_GoAsTheyCame_AndAnAdvisoryBudgetRefusesNothing()
    {
        await using var provider = await Upstream.StartAsync();
        provider.Behaviour = Answer(10, 10);
        await using var gateway = await GatewayUnderTest.StartAsync(Config(provider.BaseAddress, """{ "DefaultMaxOutputTokens": 321, "Items": { "bob": { "User": "bob", "Tokens": 100000 }, "soft": { "User": "carol", "Tokens": 1, "Mode": "Advisory" } } }"""));

        // Alice is counted by no budget: no cap is added to her body.
        using (var alice = await gateway.Client.SendAsync(Chat("alice", """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hi"}]}""")))
        {
            Assert.Equal(HttpStatusCode.OK, alice.StatusCode);
            Assert.False(alice.Headers.Contains("X-Bulwark-Budget"));
        }

        Assert.False(JsonDocument.Parse(Assert.Single(provider.Snapshot()).Body).RootElement.TryGetProperty("max_completion_tokens", out _));

        // Carol's only budget is advisory: a body with no bound is served all the same.
        using var carol = await gateway.Client.SendAsync(Chat("carol", """[{"role":"user","content":"Hi"}]"""));
        Assert.Equal(HttpStatusCode.OK, carol.StatusCode);

        // Bob's is strict: a body that is not a JSON object is 400, one with its model given twice too.
        using (var bob = await gateway.Client.SendAsync(Chat("bob", """[{"role":"user","content":"Hi"}]""")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bob.StatusCode);
            Assert.Equal("urn:bulwark:problem:budget-unbounded", JsonDocument.Parse(await bob.Content.ReadAsStringAsync()).RootElement.GetProperty("type").GetString());
        }

        Assert.Equal(2, provider.Requests);
    }

    [Fact]
    public async Task PerModelStrictBudget_RefusesABodyWithItsModelTwice()
    {
        await using var provider = await Upstream.StartAsync();
        provider.Behaviour = Answer(10, 10);
        await using var gateway = await GatewayUnderTest.StartAsync(Config(provider.BaseAddress, """{ "Items": { "gpt": { "Model": "gpt-4o*", "Tokens": 100000 } } }"""));
        using var twice = await gateway.Client.SendAsync(Chat("alice", """{"model":"gpt-4o-mini","model":"gpt-4o","max_tokens":5,"messages":[]}"""));
        Assert.Equal(HttpStatusCode.BadRequest, twice.StatusCode);
        Assert.Equal("urn:bulwark:problem:budget-unknown-model", JsonDocument.Parse(await twice.Content.ReadAsStringAsync()).RootElement.GetProperty("type").GetString());
        using var once = await gateway.Client.SendAsync(Chat("alice", """{"model":"gpt-4o-mini","max_tokens":5,"messages":[]}"""));
        Assert.Equal(HttpStatusCode.OK, once.StatusCode);
        Assert.Equal(1, provider.Requests);
    }

    /// <summary>The official OpenAI .NET SDK, unchanged, with a gateway-issued key as its API key: served, then refused by the budget.</summary>
    [Fact]
    public async Task OfficialOpenAiSdk_WithAClientKey_IsServed_ThenTold429WithTheBudget()
    {
        await using var provider = await Upstream.StartAsync();
        provider.Behaviour = Answer(400, 200);
        await using var gateway = await GatewayUnderTest.StartAsync(Config(provider.BaseAddress, """{ "DefaultMaxOutputTokens": 600, "Items": { "per-key": { "Per": "Key", "Period": "Day", "Tokens": 1000 } } }""", clients: "Keys"));
        string key = await IssueKeyAsync(gateway, "alice", "research", "free");
        var client = new OpenAI.Chat.ChatClient("gpt-4o-mini", new System.ClientModel.ApiKeyCredential(key), new OpenAI.OpenAIClientOptions
        {
            Endpoint = new Uri(gateway.BaseAddress, "/v1"),
            RetryPolicy = new System.ClientModel.Primitives.ClientRetryPolicy(maxRetries: 0),
        });

        var first = await client.CompleteChatAsync([new OpenAI.Chat.UserChatMessage("Say hello")]);
        Assert.Equal("Hello", first.Value.Content[0].Text);
        Assert.Equal(600, JsonDocument.Parse(Assert.Single(provider.Snapshot()).Body).RootElement.GetProperty("max_completion_tokens").GetInt32());

        // 600 spent: the next call's reservation (its prompt bound plus 600) does not fit in what is left.
        var refused = await Assert.ThrowsAsync<System.ClientModel.ClientResultException>(() => client.CompleteChatAsync([new OpenAI.Chat.UserChatMessage("Say hello")]));
        Assert.Equal(429, refused.Status);
        var problem = JsonDocument.Parse(refused.GetRawResponse()!.Content.ToString()).RootElement;
        Assert.Equal("urn:bulwark:problem:budget-exceeded", problem.GetProperty("type").GetString());
        Assert.Equal("per-key", problem.GetProperty("budget").GetProperty("name").GetString());
        Assert.Equal(1, provider.Requests);
    }

    [Fact]
    public async Task SpendSurvivesARestart_CountedFromTheLedger()
    {
        await using var provider = await Upstream.StartAsync();
        provider.Behaviour = Answer(300, 200);
        string store = TestStore.NewPath();
        string config = Config(provider.BaseAddress, """{ "Items": { "per-user": { "Per": "User", "Period": "Month", "Tokens": 1000 } } }""");
        await using (var gateway = await GatewayUnderTest.StartAsync(config, storePath: store))
        {
            using var response = await gateway.Client.SendAsync(Chat("alice"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await using var restarted = await GatewayUnderTest.StartAsync(config, storePath: store);
        var alice = Assert.Single(await AdminBudgetsAsync(restarted));
        Assert.Equal(500, alice.GetProperty("spent").GetProperty("tokens").GetInt64());
        Assert.Equal("alice", alice.GetProperty("subject").GetString());
    }

    internal static async Task<List<JsonElement>> AdminBudgetsAsync(GatewayUnderTest gateway)
    {
        using var response = await gateway.Client.SendAsync(Admin(HttpMethod.Get, "/admin/budgets"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("budgets").EnumerateArray().Select(static e => e.Clone())];
    }

    private static HttpRequestMessage Admin(HttpMethod method, string path, string? json = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
        if (json is not null)
        {
            request.Content = AiWireFixtures.JsonContent(json);
        }

        return request;
    }

    private static async Task<string> IssueKeyAsync(GatewayUnderTest gateway, string user, string team, string tier)
    {
        using var response = await gateway.Client.SendAsync(Admin(HttpMethod.Post, "/admin/keys", $$"""{"user":"{{user}}","team":"{{team}}","tier":"{{tier}}"}"""));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("key").GetString()!;
    }

    private static async Task<HttpStatusCode> SendWithKeyAsync(GatewayUnderTest gateway, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = AiWireFixtures.JsonContent(Body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await gateway.Client.SendAsync(request);
        return response.StatusCode;
    }
}
