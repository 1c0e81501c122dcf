using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Bulwark.Gateway.Tests.Budgets;
using Bulwark.Gateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Bulwark.Gateway.Tests.Dashboard;

/// <summary>The operator page over HTTP against the gateway on real Kestrel, with real providers behind it.</summary>
public sealed class DashboardEndpointsTests
{
    internal const string Token = "dashboard-admin-token-0123456789";

    [Fact]
    public async Task Page_NotSignedIn_RedirectsToTheSignInForm()
    {
        await using var setup = await Setup.StartAsync();
        using var page = new OperatorPageClient(setup.Gateway.BaseAddress);

        using var redirect = await page.GetAsync("/dashboard");
        Assert.Equal(HttpStatusCode.SeeOther, redirect.StatusCode);
        Assert.Equal("/dashboard/login", redirect.Headers.Location!.OriginalString);

        using var form = await page.GetAsync("/dashboard/login");
        Assert.Equal(HttpStatusCode.OK, form.StatusCode);
        Assert.Equal("text/html; charset=utf-8", form.Content.Headers.ContentType!.ToString());
        Assert.Equal("no-store", form.Headers.CacheControl!.ToString());
        string html = await form.Content.ReadAsStringAsync();
        Assert.Contains("<form class=\"login-form\" method=\"post\" action=\"/dashboard/login\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("That is not the admin token", html, StringComparison.Ordinal);
        AssertStrictHeaders(form);
    }

    [Fact]
    public async Task SignIn_WrongToken_RefusedWith401AndNoCookie()
    {
        var logs = new RecordingLoggerProvider();
        await using var setup = await Setup.StartAsync(logs: logs);
        using var page = new OperatorPageClient(setup.Gateway.BaseAddress);

        using var refused = await page.SignInAsync(Token[..^1] + "x");

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.False(refused.Headers.Contains("Set-Cookie"));
        Assert.Contains("That is not the admin token", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Null(page.Cookie);
        var warning = Assert.Single(logs.WithEventId(2902));
        Assert.DoesNotContain(Token[..^1], warning.Message, StringComparison.Ordinal);

        using var stillOut = await page.GetAsync("/dashboard");
        Assert.Equal(HttpStatusCode.SeeOther, stillOut.StatusCode);
    }

    [Fact]
    public async Task SignIn_RightToken_SetsHttpOnlyStrictSessionCookieForTheDashboardPath()
    {
        await using var setup = await Setup.StartAsync();
        using var page = new OperatorPageClient(setup.Gateway.BaseAddress);

        using var signedIn = await page.SignInAsync(Token);

        Assert.Equal(HttpStatusCode.SeeOther, signedIn.StatusCode);
        Assert.Equal("/dashboard", signedIn.Headers.Location!.OriginalString);
        string cookie = signedIn.Headers.GetValues("Set-Cookie").Single();
        var attributes = cookie.Split(';', StringSplitOptions.TrimEntries).Skip(1).Select(a => a.ToLowerInvariant()).ToList();
        Assert.StartsWith("bulwark_dashboard=v1.", cookie, StringComparison.Ordinal);
        Assert.Contains("httponly", attributes);
        Assert.Contains("samesite=strict", attributes);
        Assert.Contains("path=/dashboard", attributes);
        Assert.Contains("max-age=43200", attributes);
        Assert.DoesNotContain("secure", attributes); // plain HTTP here; Secure over HTTPS (DashboardSessionsTests)
        Assert.DoesNotContain(Token, cookie, StringComparison.Ordinal);

        using var dashboard = await page.GetAsync("/dashboard");
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        Assert.Contains("<script src=\"/dashboard/assets/dashboard.js\" defer></script>", await dashboard.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        AssertStrictHeaders(dashboard);

        // Signed in already: the form sends the browser on to the page.
        using var form = await page.GetAsync("/dashboard/login");
        Assert.Equal(HttpStatusCode.SeeOther, form.StatusCode);
    }

    [Fact]
    public async Task SignIn_FromAnotherSite_IsForbidden()
    {
        await using var setup = await Setup.StartAsync();
        using var page = new OperatorPageClient(setup.Gateway.BaseAddress);

        using var forbidden = await page.SignInAsync(Token, secFetchSite: "cross-site");

        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal("application/problem+json", forbidden.Content.Headers.ContentType!.MediaType);
        Assert.Null(page.Cookie);
    }

    [Fact]
    public async Task SignIn_NotAForm_Is400()
    {
        await using var setup = await Setup.StartAsync();
        using var page = new OperatorPageClient(setup.Gateway.BaseAddress);

        using var json = await page.Http.PostAsync("/dashboard/login", new StringContent("{\"token\":\"x\"}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, json.StatusCode);

        using var twice = await page.Http.PostAsync("/dashboard/login", new FormUrlEncodedContent([new("token", Token), new("token", Token)]));
        Assert.Equal(HttpStatusCode.BadRequest, twice.StatusCode);

        using var huge = await page.Http.PostAsync("/dashboard/login", new FormUrlEncodedContent([new("token", new string('x', 10_000))]));
        Assert.Equal(HttpStatusCode.BadRequest, huge.StatusCode);
    }

    [Fact]
    public async Task State_NoOrForgedCookie_Is401ProblemJson()
    {
        await using var setup = await Setup.StartAsync();
        using var page = new OperatorPageClient(setup.Gateway.BaseAddress);

        using var none = await page.GetAsync("/dashboard/api/state");
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal("application/problem+json", none.Content.Headers.ContentType!.MediaType);

        page.Cookie = "bulwark_dashboard=" + Token;
        using var forged = await page.GetAsync("/dashboard/api/state");
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);

        // The admin API does not take the page's cookie: it wants its bearer token.
        await page.SignInAsync(Token);
        using var admin = await page.GetAsync("/admin/breakers");
        Assert.Equal(HttpStatusCode.Unauthorized, admin.StatusCode);
    }

    [Fact]
    public async Task State_SignedIn_ReportsProvidersBreakersTrafficTransitionsDeliveriesAndConfiguration()
    {
        await using var setup = await Setup.StartAsync();
        using var page = new OperatorPageClient(setup.Gateway.BaseAddress);
        await page.SignInAsync(Token);

        // Primary fails (500); each request fails over to secondary; the fifth failure opens primary's breaker, so the
        // sixth request skips it. Health and admin calls, and the page's own, are not the gateway's traffic.
        setup.Primary.Behaviour = Upstream.Status(StatusCodes.Status500InternalServerError);
        for (int i = 0; i < 6; i++)
        {
            using var served = await setup.Gateway.Client.GetAsync("/api/orders/" + i);
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        }

        using (await setup.Gateway.Client.GetAsync("/health/live"))
        using (await setup.Gateway.Client.GetAsync("/admin/breakers"))
        {
        }

        // The charts hold whole seconds: wait for the one with the requests to end.
        JsonNode state = await page.StateAsync();
        await Poll.UntilAsync(
            () =>
            {
                var series = (state = page.StateAsync().GetAwaiter().GetResult())["series"]!;
                return Sum(series["gateway"]!["requests"]) >= 6 && Sum(series["providers"]!["secondary"]!["attempts"]) >= 6;
            },
            "the requests' second to end");
        using var response = await page.GetAsync("/dashboard/api/state");
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("no-store", response.Headers.CacheControl!.ToString());

        Assert.Equal("running", (string?)state["status"]);
        Assert.Equal(1000, (double)state["poll_interval_ms"]!);
        var series = state["series"]!;
        Assert.Equal(300, series["gateway"]!["requests"]!.AsArray().Count);
        Assert.Equal((long)series["to"]! - (long)series["from"]! + 1, series["gateway"]!["requests"]!.AsArray().Count);
        Assert.Equal(6, Sum(series["gateway"]!["requests"]));
        Assert.Equal(0, Sum(series["gateway"]!["errors"]));
        var primarySeries = series["providers"]!["primary"]!;
        Assert.Equal(5, Sum(primarySeries["attempts"]));
        Assert.Equal(5, Sum(primarySeries["failures"]));
        Assert.Equal(1, Sum(primarySeries["rejections"]));
        Assert.Equal(6, Sum(series["providers"]!["secondary"]!["attempts"]));
        Assert.Equal(0, Sum(series["providers"]!["secondary"]!["failures"]));

        var providers = state["providers"]!.AsArray();
        Assert.Equal(["primary", "secondary"], providers.Select(p => (string?)p!["name"]));
        var primary = providers[0]!;
        Assert.Equal("open", (string?)primary["breaker"]!["state"]);
        Assert.Equal("ConsecutiveFailures", (string?)primary["breaker"]!["mode"]);
        Assert.NotNull(primary["breaker"]!["open_until"]);
        Assert.Equal(5, (int)primary["health"]!["samples"]!);
        Assert.Equal(1.0, (double)primary["health"]!["error_rate"]!);
        Assert.Equal("unhealthy", (string?)primary["health"]!["status"]);
        Assert.Equal(20, (int)primary["bulkhead"]!["max_concurrency"]!);
        Assert.Equal(setup.Primary.BaseAddress.ToString().TrimEnd('/'), (string?)primary["base_url"]);
        var secondary = providers[1]!;
        Assert.Equal("closed", (string?)secondary["breaker"]!["state"]);
        Assert.Equal("healthy", (string?)secondary["health"]!["status"]);
        Assert.Equal(100, (int)secondary["health"]!["score"]!);

        var transition = Assert.Single(state["transitions"]!.AsArray())!;
        Assert.Equal("primary", (string?)transition["provider"]);
        Assert.Equal("closed", (string?)transition["from"]);
        Assert.Equal("open", (string?)transition["to"]);
        Assert.Equal("ConsecutiveFailures", (string?)transition["reason"]);
        Assert.Equal(60, (double)transition["break_seconds"]!);

        var deliveries = state["deliveries"]!;
        Assert.True((bool)deliveries["available"]!);
        Assert.Equal(0, (long)deliveries["counts"]!["pending"]!);
        Assert.Equal(0, (long)deliveries["counts"]!["dead"]!);
        Assert.Empty(deliveries["dead_letters"]!.AsArray());
        Assert.True((bool)state["usage"]!["available"]!);
        Assert.Equal("USD", (string?)state["usage"]!["currency"]);

        var configuration = state["configuration"]!;
        Assert.Equal(1, (int)configuration["reload"]!["generation"]!);
        Assert.False((bool)configuration["reload"]!["watching"]!);
        Assert.StartsWith("SQLite (", (string?)configuration["store"]!["description"], StringComparison.Ordinal);
        var route = Assert.Single(configuration["routes"]!.AsArray())!;
        Assert.Equal("/api/{**rest}", (string?)route["path"]);
        Assert.Equal("primary → secondary", (string?)route["providers"]);
        var pipeline = Assert.Single(configuration["pipelines"]!.AsArray())!;
        Assert.Equal("5 consecutive failures; breaks for 1 min", (string?)pipeline["circuit_breaker"]);
        Assert.Equal("0 retries, Exponential backoff 100 ms to 30 s, jitter Full", (string?)pipeline["retry"]);

        // Asking since the last second it has: nothing old again, and the page's own polls counted nowhere.
        long to = (long)series["to"]!;
        var next = await page.StateAsync(since: to);
        Assert.Equal(to + 1, (long)next["series"]!["from"]!);
        Assert.True(next["series"]!["gateway"]!["requests"]!.AsArray().Count <= 2);
        Assert.Equal(0, Sum(next["series"]!["gateway"]!["requests"]));
    }

    [Fact]
    public async Task State_NoBudgets_HasAnEmptyBudgetList()
    {
        await using var setup = await Setup.StartAsync();
        using var page = new OperatorPageClient(setup.Gateway.BaseAddress);
        await page.SignInAsync(Token);

        var state = await page.StateAsync();

        Assert.Empty(state["budgets"]!.AsArray());
        Assert.Equal(0, (int)state["budgets_total"]!);
    }

    [Fact]
    public async Task State_WithBudgets_ListsTheMostUsedCounters_WithLevelAmountsPeriodAndForecast_CappedAt50()
    {
        await using var provider = await Upstream.StartAsync();
        provider.Behaviour = BudgetsTests.Answer(300, 200);
        await using var gateway = await GatewayUnderTest.StartAsync(BudgetsTests.Config(provider.BaseAddress, """
            { "Items": {
                "per-user": { "Per": "User", "Period": "Day", "Tokens": 1000, "Warning": 0.5, "Critical": 0.9 },
                "everyone": { "Per": "Global", "Period": "Month", "Tokens": 40000, "Mode": "Advisory" },
                "money": { "Per": "Global", "Period": "Month", "Cost": 12, "Mode": "Advisory" } } }
            """,
            prices: """, "Prices": { "gpt-4o-mini": { "Input": 150, "Output": 600 } }"""));
        using var page = new OperatorPageClient(gateway.BaseAddress);
        using (var signedIn = await page.SignInAsync(BudgetsTests.AdminToken))
        {
            Assert.Equal(HttpStatusCode.SeeOther, signedIn.StatusCode);
        }

        // Alice spends her whole day (2 x 500 tokens); 55 others half of theirs; everyone together 28,500 of 40,000 tokens
        // and 57 x 0.165 = 9.405 of 12.
        for (int i = 0; i < 2; i++)
        {
            using var response = await gateway.Client.SendAsync(BudgetsTests.Chat("alice"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await Task.WhenAll(Enumerable.Range(0, 55).Select(async i =>
        {
            using var response = await gateway.Client.SendAsync(BudgetsTests.Chat("user-" + i.ToString("00", CultureInfo.InvariantCulture)));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }));

        var state = await page.StateAsync();

        // 58 counters, the 50 most used shown, most used first: alice, the global budgets (78 %, 71 %), then the others by name.
        Assert.Equal(58, (int)state["budgets_total"]!);
        var budgets = state["budgets"]!.AsArray();
        Assert.Equal(50, budgets.Count);
        Assert.Equal(
            ["per-user/alice", "money/", "everyone/", "per-user/user-00", "per-user/user-01"],
            budgets.Take(5).Select(b => $"{b!["name"]}/{(string?)b["subject"]}"));
        Assert.Equal("per-user/user-46", $"{budgets[49]!["name"]}/{budgets[49]!["subject"]}");

        var alice = budgets[0]!;
        Assert.Equal("User", (string?)alice["per"]);
        Assert.Equal("Strict", (string?)alice["mode"]);
        Assert.Equal("Day", (string?)alice["period"]);
        Assert.Equal("EXHAUSTED", (string?)alice["level"]);
        Assert.Equal(1000, (long)alice["spent"]!["tokens"]!);
        Assert.Equal(1000, (long)alice["limit"]!["tokens"]!);
        Assert.Equal(0, (long)alice["reserved"]!["tokens"]!);
        Assert.Equal(0, (long)alice["remaining"]!["tokens"]!);
        Assert.Null(alice["limit"]!["cost"]);
        Assert.Null(alice["spent"]!["cost"]);
        Assert.Equal(0, (int)alice["inFlight"]!);
        var midnight = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(1), TimeSpan.Zero);
        Assert.Equal(midnight, DateTimeOffset.Parse((string)alice["periodEnd"]!, CultureInfo.InvariantCulture));

        var money = budgets[1]!;
        Assert.Equal(12m, (decimal)money["limit"]!["cost"]!);
        Assert.Null(money["limit"]!["tokens"]);
        Assert.Equal(9.405m, (decimal)money["spent"]!["cost"]!);
        Assert.Equal(2.595m, (decimal)money["remaining"]!["cost"]!);
        Assert.Equal("cost", (string?)money["forecast"]!["dimension"]);

        var everyone = budgets[2]!;
        Assert.Null((string?)everyone["subject"]);
        Assert.Equal("Global", (string?)everyone["per"]);
        Assert.Equal("Advisory", (string?)everyone["mode"]);
        Assert.Equal("OK", (string?)everyone["level"]);
        Assert.Equal(28_500, (long)everyone["spent"]!["tokens"]!);
        Assert.Equal(11_500, (long)everyone["remaining"]!["tokens"]!);

        var user = budgets[3]!;
        Assert.Equal("WARNING", (string?)user["level"]);
        Assert.Equal(500, (long)user["remaining"]!["tokens"]!);

        // The forecast as /admin/budgets tells it (the same writer): dimension, projection, exhaustion and its interval.
        foreach (var budget in new[] { alice, everyone })
        {
            var forecast = budget["forecast"]!.AsObject();
            Assert.Equal("tokens", (string?)forecast["dimension"]);
            Assert.True((double)forecast["projectedAtPeriodEnd"]! >= (long)budget["spent"]!["tokens"]!);
            Assert.True(forecast.ContainsKey("exhaustionAt") && forecast.ContainsKey("exhaustionEarliest") && forecast.ContainsKey("exhaustionLatest"));
        }

        var admin = await BudgetsTests.AdminBudgetsAsync(gateway);
        Assert.Equal(58, admin.Count);
        Assert.Equal(admin[0].GetProperty("limit").GetRawText(), alice["limit"]!.ToJsonString());
    }

    [Fact]
    public async Task State_RequestInFlight_ShowsItsReservation_ThenItsSpend_OnceTheReadingIs5SecondsOld()
    {
        await using var provider = await Upstream.StartAsync();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var answer = BudgetsTests.Answer(300, 200);
        provider.Behaviour = async (context, n) =>
        {
            await release.Task.WaitAsync(TimeSpan.FromSeconds(30), context.RequestAborted);
            await answer(context, n);
        };
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var gateway = await GatewayUnderTest.StartAsync(BudgetsTests.Config(provider.BaseAddress, """{ "Items": { "per-user": { "Per": "User", "Tokens": 100000 } } }"""), timeProvider: time);
        using var page = new OperatorPageClient(gateway.BaseAddress);
        using (await page.SignInAsync(BudgetsTests.AdminToken))
        {
        }

        var held = gateway.Client.SendAsync(BudgetsTests.Chat("alice"));
        await Poll.UntilAsync(() => provider.Requests == 1, "the request to reach the provider");

        var alice = Assert.Single((await page.StateAsync())["budgets"]!.AsArray())!;
        Assert.Equal(1, (int)alice["inFlight"]!);
        Assert.Equal(BudgetsTests.Reservation(), (long)alice["reserved"]!["tokens"]!);
        Assert.Equal(0, (long)alice["spent"]!["tokens"]!);
        Assert.Equal(100_000 - BudgetsTests.Reservation(), (long)alice["remaining"]!["tokens"]!);

        release.SetResult();
        using (var response = await held)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // The book is settled at once (the admin API says so); the page reuses its reading of it for 5 seconds.
        var settled = Assert.Single(await BudgetsTests.AdminBudgetsAsync(gateway));
        Assert.Equal(500, settled.GetProperty("spent").GetProperty("tokens").GetInt64());
        Assert.Equal(0, settled.GetProperty("inFlight").GetInt32());
        time.Advance(TimeSpan.FromSeconds(4.9));
        Assert.Equal(1, (int)(await page.StateAsync())["budgets"]![0]!["inFlight"]!);

        time.Advance(TimeSpan.FromSeconds(0.1));
        alice = Assert.Single((await page.StateAsync())["budgets"]!.AsArray())!;
        Assert.Equal(0, (int)alice["inFlight"]!);
        Assert.Equal(0, (long)alice["reserved"]!["tokens"]!);
        Assert.Equal(500, (long)alice["spent"]!["tokens"]!);
    }

    [Fact]
    public async Task State_BadSince_Is400()
    {
        await using var setup = await Setup.StartAsync();
        using var page = new OperatorPageClient(setup.Gateway.BaseAddress);
        await page.SignInAsync(Token);

        using var bad = await page.GetAsync("/dashboard/api/state?since=yesterday");

        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task BreakerAction_WithoutTheAntiForgeryTokenOrFromAnotherSite_IsRefusedAndChangesNothing()
    {
        await using var setup = await Setup.StartAsync();
        using var page = new OperatorPageClient(setup.Gateway.BaseAddress);
        using (await setup.Gateway.Client.GetAsync("/api/orders"))
        {
        }

        // No session at all.
        using (var anonymous = await page.PostAsync("/dashboard/api/breakers/primary/isolate"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }

        await page.SignInAsync(Token);
        string csrf = (string)(await page.StateAsync())["csrf_token"]!;
        var other = new OperatorPageClient(setup.Gateway.BaseAddress);
        await other.SignInAsync(Token);
        string othersCsrf = (string)(await other.StateAsync())["csrf_token"]!;
        other.Dispose();

        foreach (var (token, site, what) in new (string?, string?, string)[]
        {
            (null, null, "no token"),
            ("", null, "an empty token"),
            ("forged", null, "a forged token"),
            (othersCsrf, null, "another session's token"),
            (csrf, "cross-site", "the right token from another site"),
            (csrf, "same-site", "the right token from a sibling site"),
        })
        {
            using var refused = await page.PostAsync("/dashboard/api/breakers/primary/isolate", token, site);
            Assert.True(HttpStatusCode.Forbidden == refused.StatusCode, $"{what}: {refused.StatusCode}");
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType!.MediaType);
        }

        var primary = (await page.StateAsync())["providers"]!.AsArray().Single(p => (string?)p!["name"] == "primary")!;
        Assert.Equal("closed", (string?)primary["breaker"]!["state"]);
        using var served = await setup.Gateway.Client.GetAsync("/api/orders");
        Assert.Equal("primary", served.Headers.GetValues("X-Bulwark-Provider").Single());
    }

    [Fact]
    public async Task BreakerAction_IsolateThenReset_CutsTheProviderOffAndBringsItBack()
    {
        var logs = new RecordingLoggerProvider();
        await using var setup = await Setup.StartAsync(logs: logs);
        using var page = new OperatorPageClient(setup.Gateway.BaseAddress);
        await page.SignInAsync(Token);
        string csrf = (string)(await page.StateAsync())["csrf_token"]!;
        using (await setup.Gateway.Client.GetAsync("/api/orders"))
        {
        }

        using (var isolated = await page.PostAsync("/dashboard/api/breakers/primary/isolate", csrf, "same-origin"))
        {
            Assert.Equal(HttpStatusCode.OK, isolated.StatusCode);
            var body = JsonNode.Parse(await isolated.Content.ReadAsStringAsync())!;
            Assert.Equal("primary", (string?)body["provider"]);
            Assert.Equal("isolate", (string?)body["action"]);
            Assert.Equal("isolated", (string?)body["state"]);
        }

        int before = setup.Primary.Requests;
        using (var failedOver = await setup.Gateway.Client.GetAsync("/api/orders"))
        {
            Assert.Equal("secondary", failedOver.Headers.GetValues("X-Bulwark-Provider").Single());
        }

        Assert.Equal(before, setup.Primary.Requests);

        // Case as the operator typed it; the answer names the provider as configured.
        using (var reset = await page.PostAsync("/dashboard/api/breakers/PRIMARY/reset", csrf))
        {
            Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
            Assert.Equal("closed", (string?)JsonNode.Parse(await reset.Content.ReadAsStringAsync())!["state"]);
        }

        using (var back = await setup.Gateway.Client.GetAsync("/api/orders"))
        {
            Assert.Equal("primary", back.Headers.GetValues("X-Bulwark-Provider").Single());
        }

        var state = await page.StateAsync();
        Assert.Equal(
            ["isolated→closed ManualReset", "closed→isolated ManualIsolation"],
            state["transitions"]!.AsArray().Select(t => $"{t!["from"]}→{t["to"]} {t["reason"]}"));
        Assert.Equal(2, logs.WithEventId(2904).Count);

        using (var close = await page.PostAsync("/dashboard/api/breakers/primary/close", csrf))
        {
            Assert.Equal(HttpStatusCode.OK, close.StatusCode);
        }

        using (var unknown = await page.PostAsync("/dashboard/api/breakers/nobody/reset", csrf))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        }

        using (var badAction = await page.PostAsync("/dashboard/api/breakers/primary/explode", csrf))
        {
            Assert.Equal(HttpStatusCode.NotFound, badAction.StatusCode);
        }
    }

    [Fact]
    public async Task SignOut_EndsTheSessionEvenForACopiedCookie()
    {
        await using var setup = await Setup.StartAsync();
        using var page = new OperatorPageClient(setup.Gateway.BaseAddress);
        await page.SignInAsync(Token);
        string csrf = (string)(await page.StateAsync())["csrf_token"]!;
        string cookie = page.Cookie!;

        using (var withoutToken = await page.PostAsync("/dashboard/logout"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, withoutToken.StatusCode);
        }

        using (var signedOut = await page.PostAsync("/dashboard/logout", csrf))
        {
            Assert.Equal(HttpStatusCode.SeeOther, signedOut.StatusCode);
            Assert.Equal("/dashboard/login", signedOut.Headers.Location!.OriginalString);
            string cleared = signedOut.Headers.GetValues("Set-Cookie").Single();
            Assert.StartsWith("bulwark_dashboard=;", cleared, StringComparison.Ordinal);
            Assert.Contains("path=/dashboard", cleared, StringComparison.Ordinal);
        }

        page.Cookie = cookie;
        using var after = await page.GetAsync("/dashboard/api/state");
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task Dashboard_NoAdminToken_EveryPathIs404()
    {
        await using var setup = await Setup.StartAsync(adminToken: null);
        using var page = new OperatorPageClient(setup.Gateway.BaseAddress);

        foreach (var (method, path) in new[]
        {
            (HttpMethod.Get, "/dashboard"), (HttpMethod.Get, "/dashboard/login"), (HttpMethod.Post, "/dashboard/login"),
            (HttpMethod.Post, "/dashboard/logout"), (HttpMethod.Get, "/dashboard/api/state"), (HttpMethod.Get, "/dashboard/assets/dashboard.js"),
            (HttpMethod.Post, "/dashboard/api/breakers/primary/isolate"), (HttpMethod.Get, "/dashboard/anything"),
        })
        {
            using var response = await page.SendAsync(method, path);
            Assert.True(HttpStatusCode.NotFound == response.StatusCode, $"{method} {path}: {response.StatusCode}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        }
    }

    [Fact]
    public async Task Assets_ServedByNameWithContentTypeAndETag_PagesOnlyByTheirEndpoints()
    {
        await using var setup = await Setup.StartAsync();
        using var page = new OperatorPageClient(setup.Gateway.BaseAddress);

        foreach (var (file, type) in new[] { ("dashboard.js", "text/javascript; charset=utf-8"), ("dashboard.css", "text/css; charset=utf-8") })
        {
            using var asset = await page.GetAsync("/dashboard/assets/" + file);
            Assert.Equal(HttpStatusCode.OK, asset.StatusCode);
            Assert.Equal(type, asset.Content.Headers.ContentType!.ToString());
            Assert.Equal("no-cache", asset.Headers.CacheControl!.ToString());
            Assert.Equal("nosniff", asset.Headers.GetValues("X-Content-Type-Options").Single());
            var etag = asset.Headers.ETag!;
            Assert.False(etag.IsWeak);

            using var request = new HttpRequestMessage(HttpMethod.Get, "/dashboard/assets/" + file);
            request.Headers.IfNoneMatch.Add(etag);
            using var notModified = await page.Http.SendAsync(request);
            Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
            Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());
        }

        foreach (var missing in new[] { "dashboard.html", "login.html", "nothing.js", "dashboard.js.map" })
        {
            using var response = await page.GetAsync("/dashboard/assets/" + missing);
            Assert.True(HttpStatusCode.NotFound == response.StatusCode, $"{missing}: {response.StatusCode}");
        }
    }

    /// <summary>What the page uses must satisfy its own Content-Security-Policy: no inline script, style or handler, nothing from another origin.</summary>
    [Fact]
    public async Task Pages_NoInlineCodeAndNothingFromAnotherOrigin()
    {
        await using var setup = await Setup.StartAsync();
        using var page = new OperatorPageClient(setup.Gateway.BaseAddress);
        await page.SignInAsync(Token);
        string dashboard = await (await page.GetAsync("/dashboard")).Content.ReadAsStringAsync();
        string login = await (await page.Http.GetAsync("/dashboard/login")).Content.ReadAsStringAsync();
        string script = await (await page.GetAsync("/dashboard/assets/dashboard.js")).Content.ReadAsStringAsync();
        string style = await (await page.GetAsync("/dashboard/assets/dashboard.css")).Content.ReadAsStringAsync();

        foreach (var html in new[] { dashboard, login })
        {
            Assert.DoesNotMatch(@"<script(?![^>]*\bsrc=""/dashboard/assets/)", html);
            Assert.DoesNotMatch(@"\son[a-z]+\s*=", html);
            Assert.DoesNotMatch(@"\sstyle\s*=", html);
            Assert.DoesNotMatch(@"<style", html);
        }

        // The only absolute URL anywhere is the SVG namespace (a name, never fetched).
        foreach (var text in new[] { dashboard, login, script, style })
        {
            Assert.DoesNotMatch(@"(https?:)?//(?!www\.w3\.org/2000/svg)[a-z0-9.-]+\.[a-z]{2,}", text.Replace("// ", string.Empty, StringComparison.Ordinal));
        }

        Assert.DoesNotContain("innerHTML", script, StringComparison.Ordinal);
        Assert.DoesNotContain("eval(", script, StringComparison.Ordinal);
        Assert.DoesNotContain("new Function", script, StringComparison.Ordinal);
    }

    internal static void AssertStrictHeaders(HttpResponseMessage response)
    {
        string csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("default-src 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("same-origin", response.Headers.GetValues("Referrer-Policy").Single());
    }

    private static long Sum(JsonNode? values) => values!.AsArray().Sum(v => (long)v!);

    [Fact]
    public async Task State_Uptime_CountsFromTheGatewaysStart_NotFromTheFirstVisit()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var setup = await Setup.StartAsync(timeProvider: time);
        time.Advance(TimeSpan.FromMinutes(5));
        using var page = new OperatorPageClient(setup.Gateway.BaseAddress);
        using (await page.SignInAsync(Token))
        {
        }

        Assert.Equal(300, (double)(await page.StateAsync())["uptime_seconds"]!);
    }

    /// <summary>A gateway in front of two real providers (primary, then secondary), with the admin token unless told otherwise.</summary>
    internal sealed class Setup : IAsyncDisposable
    {
        private Setup(Upstream primary, Upstream secondary, GatewayUnderTest gateway)
        {
            Primary = primary;
            Secondary = secondary;
            Gateway = gateway;
        }

        public Upstream Primary { get; }

        public Upstream Secondary { get; }

        public GatewayUnderTest Gateway { get; }

        public static async Task<Setup> StartAsync(string? adminToken = Token, RecordingLoggerProvider? logs = null, TimeProvider? timeProvider = null)
        {
            var primary = await Upstream.StartAsync();
            var secondary = await Upstream.StartAsync();
            var gateway = await GatewayUnderTest.StartAsync(Config(primary.BaseAddress, secondary.BaseAddress, adminToken), timeProvider: timeProvider, logs: logs, minimumLogLevel: LogLevel.Information);
            return new Setup(primary, secondary, gateway);
        }

        public static string Config(Uri primary, Uri secondary, string? adminToken) => $$"""
            {
              "Bulwark": {
                {{(adminToken is null ? string.Empty : $"\"Admin\": {{ \"Token\": \"{adminToken}\" }},")}}
                "Pipelines": {
                  "default": {
                    "Retry": { "MaxRetries": 0 },
                    "CircuitBreaker": { "Mode": "ConsecutiveFailures", "FailureThreshold": 5, "BreakDuration": "00:01:00" },
                    "Bulkhead": { "MaxConcurrency": 20, "QueueLimit": 20 }
                  }
                },
                "Providers": {
                  "primary":   { "BaseUrl": "{{primary.ToString().TrimEnd('/')}}" },
                  "secondary": { "BaseUrl": "{{secondary.ToString().TrimEnd('/')}}" }
                },
                "Routes": [ { "Path": "/api/{**rest}", "Providers": [ "primary", "secondary" ] } ]
              }
            }
            """;

        public async ValueTask DisposeAsync()
        {
            await Gateway.DisposeAsync();
            await Primary.DisposeAsync();
            await Secondary.DisposeAsync();
        }
    }
}
