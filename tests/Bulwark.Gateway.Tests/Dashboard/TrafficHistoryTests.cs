using System.Net;
using Bulwark.Gateway.Dashboard;
using Bulwark.Gateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Bulwark.Gateway.Tests.Dashboard;

/// <summary>The charts' seconds on the gateway's own clock (a <see cref="FakeTimeProvider"/>): what lands in which second, and what counts.</summary>
public sealed class TrafficHistoryTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Requests_CountedInTheSecondTheyEnd_OnlyOnTheGatewaysRoutes()
    {
        var time = new FakeTimeProvider(Start);
        await using var setup = await DashboardEndpointsTests.Setup.StartAsync(timeProvider: time);
        var traffic = setup.Gateway.Services.GetRequiredService<TrafficHistory>();
        long first = traffic.CurrentSecond;
        Assert.Equal(Start.ToUnixTimeSeconds(), first);

        // Second 1: three served by primary; the gateway's own endpoints and an unknown path are not its routes' traffic.
        await SendAsync(setup, 3);
        using (await setup.Gateway.Client.GetAsync("/health/live"))
        using (await setup.Gateway.Client.GetAsync("/admin/system/status"))
        using (await setup.Gateway.Client.GetAsync("/nowhere"))
        using (await setup.Gateway.Client.GetAsync("/dashboard/login"))
        {
        }

        // Second 2: both providers fail, so the requests fail (502).
        await setup.Gateway.WaitUntilIdleAsync();
        time.Advance(TimeSpan.FromSeconds(1));
        setup.Primary.Behaviour = Upstream.Status(StatusCodes.Status500InternalServerError);
        setup.Secondary.Behaviour = Upstream.Status(StatusCodes.Status503ServiceUnavailable);
        await SendAsync(setup, 2, HttpStatusCode.BadGateway);

        // Second 3 is quiet; the reading is of whole seconds, so the next one starts.
        await setup.Gateway.WaitUntilIdleAsync();
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(first + 3, traffic.CurrentSecond);

        var gateway = traffic.Gateway.Read(first, first + 2);
        Assert.Equal([3L, 2L, 0L], gateway.Select(p => p.Count));
        Assert.Equal([0L, 2L, 0L], gateway.Select(p => p.Failures));
        Assert.Null(gateway[2].MeanMilliseconds);

        var primary = traffic.Provider("primary")!.Read(first, first + 2);
        Assert.Equal([3L, 2L, 0L], primary.Select(p => p.Count));
        Assert.Equal([0L, 2L, 0L], primary.Select(p => p.Failures));
        var secondary = traffic.Provider("secondary")!.Read(first, first + 2);
        Assert.Equal([0L, 2L, 0L], secondary.Select(p => p.Count));
        Assert.Equal([0L, 2L, 0L], secondary.Select(p => p.Failures));
    }

    [Fact]
    public async Task State_Series_EndWithTheLastWholeSecond_AndReachBackFiveMinutes()
    {
        var time = new FakeTimeProvider(Start);
        await using var setup = await DashboardEndpointsTests.Setup.StartAsync(timeProvider: time);
        using var page = new OperatorPageClient(setup.Gateway.BaseAddress);
        await page.SignInAsync(DashboardEndpointsTests.Token);
        long first = Start.ToUnixTimeSeconds();

        await SendAsync(setup, 4);
        await setup.Gateway.WaitUntilIdleAsync();
        var during = await page.StateAsync();
        Assert.Equal(first - 1, (long)during["series"]!["to"]!);

        time.Advance(TimeSpan.FromSeconds(1));
        var after = await page.StateAsync();
        Assert.Equal(first, (long)after["series"]!["to"]!);
        Assert.Equal(first - 299, (long)after["series"]!["from"]!);
        Assert.Equal(4, (long)after["series"]!["gateway"]!["requests"]!.AsArray()[^1]!);

        // Six minutes on, the requests' second has left the history.
        time.Advance(TimeSpan.FromMinutes(6));
        var later = await page.StateAsync();
        Assert.Equal(300, later["series"]!["gateway"]!["requests"]!.AsArray().Count);
        Assert.All(later["series"]!["gateway"]!["requests"]!.AsArray(), n => Assert.Equal(0, (long)n!));

        // A page that had everything up to the last second asks for what came since: one second.
        var since = await page.StateAsync(since: (long)later["series"]!["to"]! - 1);
        Assert.Single(since["series"]!["gateway"]!["requests"]!.AsArray());
    }

    [Fact]
    public async Task Providers_ManyReloadsOfNewNames_SeriesStayBounded()
    {
        var time = new FakeTimeProvider(Start);
        await using var setup = await DashboardEndpointsTests.Setup.StartAsync(timeProvider: time);
        var traffic = setup.Gateway.Services.GetRequiredService<TrafficHistory>();

        // Names no configuration has (as after reloads that renamed providers): at most the bound get a series, and
        // the configured ones still do once it is reached.
        for (int i = 0; i < DashboardConstants.MaxProviderSeries + 10; i++)
        {
            traffic.RecordAttempt("gone-" + i, "success", 0.001);
        }

        Assert.InRange(traffic.ProviderSeriesCount, 1, DashboardConstants.MaxProviderSeries);
        Assert.Null(traffic.Provider("gone-0"));
        traffic.RecordAttempt("primary", "failure", 0.001);
        Assert.Equal(1, traffic.Provider("primary")!.Read(traffic.CurrentSecond, traffic.CurrentSecond)[0].Failures);
        Assert.InRange(traffic.ProviderSeriesCount, 1, DashboardConstants.MaxProviderSeries);

        // A cancelled attempt (the client left) is nobody's failure.
        traffic.RecordAttempt("secondary", "cancelled", 0.001);
        Assert.Null(traffic.Provider("secondary"));
    }

    private static async Task SendAsync(DashboardEndpointsTests.Setup setup, int count, HttpStatusCode expected = HttpStatusCode.OK)
    {
        for (int i = 0; i < count; i++)
        {
            using var response = await setup.Gateway.Client.GetAsync("/api/items/" + i);
            Assert.Equal(expected, response.StatusCode);
        }
    }
}
