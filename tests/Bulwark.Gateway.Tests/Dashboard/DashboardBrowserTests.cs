using System.Diagnostics;
using System.Net;
using Bulwark.Gateway.Tests.Budgets;
using Bulwark.Gateway.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Bulwark.Gateway.Tests.Dashboard;

/// <summary>
/// The operator page in a real browser (Debian's headless <c>chromium</c>, driven over the DevTools protocol): a gateway in
/// front of a real Kestrel provider; sign in, watch the provider's breaker open when it starts failing, reset it with the
/// page's button (confirmed), see it closed. Screenshots go to <c>screenshots/</c> in the test output directory.
/// </summary>
public sealed class DashboardBrowserTests(ITestOutputHelper output)
{
    private const string Token = "browser-admin-token-0123456789";

    private static readonly string ScreenshotDirectory = Path.Combine(AppContext.BaseDirectory, "screenshots");

    [Fact]
    public async Task Dashboard_ProviderStartsFailing_ShowsBreakerOpen_ResetButtonClosesIt()
    {
        var clock = Stopwatch.StartNew();
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var upstream = await Upstream.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Config(upstream.BaseAddress));
        await using var browser = await HeadlessChromium.StartAsync();

        // Traffic that builds the breaker: the page has a closed one to show.
        for (int i = 0; i < 5; i++)
        {
            using var ok = await gateway.Client.GetAsync("/api/orders", bound.Token);
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        // Not signed in: the page sends the browser to the form.
        await browser.NavigateAsync(new Uri(gateway.BaseAddress, "/dashboard"));
        await browser.WaitForAsync("location.pathname === '/dashboard/login' && document.readyState === 'complete'", "the sign-in form");
        await browser.TypeAsync("#token", Token);
        await browser.ClickAsync("#sign-in");
        await browser.WaitForAsync("location.pathname === '/dashboard' && document.querySelector('tr[data-provider=\"primary\"]')?.dataset.state === 'closed'", "primary shown with its breaker closed");
        Assert.True((await browser.EvaluateAsync("document.getElementById('budgets-panel').hidden")).GetBoolean(), "the budget panel shows with no budget configured");

        // The provider starts failing: five failures in a row open its breaker, and the page shows it within its poll interval.
        upstream.Behaviour = Upstream.Status(500);
        for (int i = 0; i < 5; i++)
        {
            using var failed = await gateway.Client.GetAsync("/api/orders", bound.Token);
        }

        await browser.WaitForAsync("document.querySelector('tr[data-provider=\"primary\"]')?.dataset.state === 'open'", "primary shown with its breaker open");
        await browser.WaitForAsync("[...document.querySelectorAll('#transitions tbody tr')].some(r => r.textContent.includes('primary') && r.textContent.includes('closed → open'))", "the transition listed");
        await browser.WaitForAsync("document.querySelector('#chart-requests path.bad')?.getAttribute('d')?.length > 0", "the 5xx line drawn on the requests chart");
        long openShot = await browser.ScreenshotAsync(Path.Combine(ScreenshotDirectory, "dashboard-breaker-open.png"));

        // The provider is back; the operator resets the breaker from the page, confirming first.
        upstream.Behaviour = Upstream.Ok;
        await browser.ClickAsync("button[data-action=\"reset\"][data-provider=\"primary\"]");
        await browser.WaitForAsync("!document.getElementById('confirm').hidden", "the confirmation step");
        Assert.Equal("open", (await browser.EvaluateAsync("document.querySelector('tr[data-provider=\"primary\"]').dataset.state")).GetString());
        await browser.ClickAsync("#confirm-yes");
        await browser.WaitForAsync("document.querySelector('tr[data-provider=\"primary\"]')?.dataset.state === 'closed'", "primary shown with its breaker closed again");
        await browser.WaitForAsync("document.getElementById('action-result').textContent.includes('reset done')", "the action's result");
        long closedShot = await browser.ScreenshotAsync(Path.Combine(ScreenshotDirectory, "dashboard-after-reset.png"));

        // The reset is real: the gateway sends to the provider again.
        using (var after = await gateway.Client.GetAsync("/api/orders", bound.Token))
        {
            Assert.Equal(HttpStatusCode.OK, after.StatusCode);
            Assert.Equal("primary", after.Headers.GetValues("X-Bulwark-Provider").Single());
        }

        // No script error and no Content-Security-Policy violation on the way.
        Assert.Empty(browser.PageErrors);
        output.WriteLine($"screenshots: {ScreenshotDirectory} (open {openShot:N0} bytes, after reset {closedShot:N0} bytes); test took {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"the browser test took {clock.Elapsed.TotalSeconds:0.0} s");
    }

    [Fact]
    public async Task Dashboard_WithBudgets_ShowsARowPerCounter_WithLevelBarAndForecast_NamesAsText()
    {
        var clock = Stopwatch.StartNew();
        const string Markup = "<img src=x id=injected>";
        await using var upstream = await Upstream.StartAsync();
        upstream.Behaviour = BudgetsTests.Answer(300, 200);
        await using var gateway = await GatewayUnderTest.StartAsync(BudgetsTests.Config(upstream.BaseAddress, """
            { "Items": {
                "per-user": { "Per": "User", "Period": "Day", "Tokens": 1000, "Warning": 0.5, "Critical": 0.9 },
                "money": { "Per": "Global", "Period": "Month", "Cost": 1, "Mode": "Advisory" } } }
            """,
            prices: """, "Prices": { "gpt-4o-mini": { "Input": 150, "Output": 600 } }"""));
        await using var browser = await HeadlessChromium.StartAsync();

        // Alice spends her day; a user whose name is markup spends half of it; together 3 x 0.165 of 1 USD.
        foreach (var user in new[] { "alice", "alice", Markup })
        {
            using var response = await gateway.Client.SendAsync(BudgetsTests.Chat(user));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await browser.NavigateAsync(new Uri(gateway.BaseAddress, "/dashboard"));
        await browser.WaitForAsync("location.pathname === '/dashboard/login' && document.readyState === 'complete'", "the sign-in form");
        await browser.TypeAsync("#token", BudgetsTests.AdminToken);
        await browser.ClickAsync("#sign-in");
        await browser.WaitForAsync("location.pathname === '/dashboard' && !document.getElementById('budgets-panel').hidden && document.querySelectorAll('#budgets tbody tr').length === 3", "the budget panel with three rows");

        var rows = await browser.EvaluateAsync("""
            [...document.querySelectorAll('#budgets tbody tr')].map(r => ({
              subject: r.dataset.subject,
              level: r.querySelector('.state').textContent,
              badge: r.querySelector('.state').className,
              spent: Number(r.querySelector('.budget-bar rect.spent').getAttribute('width')),
              text: r.textContent,
            }))
            """);
        var alice = rows[0];
        Assert.Equal("alice", alice.GetProperty("subject").GetString());
        Assert.Equal("EXHAUSTED", alice.GetProperty("level").GetString());
        Assert.Equal("state level-EXHAUSTED", alice.GetProperty("badge").GetString());
        Assert.Equal(180, alice.GetProperty("spent").GetDouble());
        Assert.Contains("1,000 of 1,000 tokens", alice.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Contains("exhausted", alice.GetProperty("text").GetString(), StringComparison.Ordinal);
        var other = rows[1];
        Assert.Equal(Markup, other.GetProperty("subject").GetString());
        Assert.Equal("WARNING", other.GetProperty("level").GetString());
        Assert.Equal(90, other.GetProperty("spent").GetDouble());
        Assert.Contains(Markup, other.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Contains("500 tokens", other.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Matches("runs out ~ |not before reset", other.GetProperty("text").GetString()!);
        var money = rows[2];
        Assert.Equal(string.Empty, money.GetProperty("subject").GetString());
        Assert.Equal("OK", money.GetProperty("level").GetString());
        Assert.Contains("(global)", money.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Contains("0.4950 of 1.00 USD", money.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Contains("0.5050 USD", money.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal("3 counters, most used first", (await browser.EvaluateAsync("document.getElementById('budgets-shown').textContent")).GetString());

        // The name was written as text: no element came of it.
        Assert.False((await browser.EvaluateAsync("document.getElementById('injected') !== null")).GetBoolean(), "a user name became markup");
        long shot = await browser.ScreenshotAsync(Path.Combine(ScreenshotDirectory, "dashboard-budgets.png"));
        Assert.Empty(browser.PageErrors);
        output.WriteLine($"screenshot: {ScreenshotDirectory} (budgets {shot:N0} bytes); test took {clock.Elapsed.TotalSeconds:0.0} s");
    }

    [Fact]
    public void FindExecutable_ChromiumInstalled_NamesIt()
    {
        // Where the package is missing this fails with a message naming it (never a silent skip).
        Assert.EndsWith("chromium", HeadlessChromium.FindExecutable(), StringComparison.Ordinal);
    }

    private static string Config(Uri upstream) => $$"""
        {
          "Bulwark": {
            "Admin": { "Token": "{{Token}}" },
            "Pipelines": {
              "default": {
                "Retry": { "MaxRetries": 0 },
                "CircuitBreaker": { "Mode": "ConsecutiveFailures", "FailureThreshold": 5, "BreakDuration": "00:01:00" },
                "Bulkhead": { "MaxConcurrency": 20, "QueueLimit": 20 }
              }
            },
            "Providers": { "primary": { "BaseUrl": "{{upstream.ToString().TrimEnd('/')}}" } },
            "Routes": [ { "Path": "/api/{**rest}", "Providers": [ "primary" ] } ]
          }
        }
        """;
}
