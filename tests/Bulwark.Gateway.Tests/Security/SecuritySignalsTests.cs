using System.Net;
using System.Net.Http.Headers;
using Bulwark.Gateway.Alerts;
using Bulwark.Gateway.Security;
using Bulwark.Gateway.Tests.Configuration;
using Bulwark.Gateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Gateway.Tests.Security;

/// <summary>
/// <c>security-concern</c>: bursts of refused requests through the real gateway, counted by kind over 5 minutes against
/// <c>Bulwark:Alerts:Signals:SecurityBurstThreshold</c>, labelled by kind only.
/// </summary>
public class SecuritySignalsTests
{
    private const string AdminToken = "security-admin-token-0123456789abcdef";

    [Fact]
    public async Task BurstsOfEachKind_AtTheThreshold_AreSecurityConcerns_BelowItNothing()
    {
        await using var upstream = await Upstream.StartAsync();
        string config = Configs.TwoProviders(upstream.BaseAddress, upstream.BaseAddress,
            routeExtra: """, "Clients": "Keys" """,
            bulwarkExtra: $$""" "Admin": { "Token": "{{AdminToken}}" }, "Alerts": { "Signals": { "SecurityBurstThreshold": 3 } }, """);
        await using var gateway = await GatewayUnderTest.StartAsync(config);
        var source = gateway.Services.GetServices<IAlertSignalSource>().OfType<SecuritySignals>().Single();

        for (int i = 0; i < 2; i++)
        {
            await ExpectAsync(gateway, "/api/orders", null, HttpStatusCode.Unauthorized);
            await ExpectAsync(gateway, "/admin/errors", "not-the-token", HttpStatusCode.Unauthorized);
            await ExpectAsync(gateway, "/nowhere/at/all", null, HttpStatusCode.NotFound);
            var absolute = await RawHttp.SendAsync(gateway.BaseAddress, "GET http://evil.example/api/x HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n");
            Assert.Equal(401, absolute.Status);
        }

        // Served requests, and the admin API with its token, count for nothing.
        await ExpectAsync(gateway, "/admin/errors", AdminToken, HttpStatusCode.OK);
        Assert.Empty(await source.EvaluateAsync(DateTimeOffset.UtcNow, CancellationToken.None));

        await ExpectAsync(gateway, "/api/orders", "bwk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", HttpStatusCode.Unauthorized);
        await ExpectAsync(gateway, "/admin/errors", null, HttpStatusCode.Unauthorized);
        await ExpectAsync(gateway, "/favicon.ico", null, HttpStatusCode.NotFound);
        var connect = await RawHttp.SendAsync(gateway.BaseAddress, "CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\nConnection: close\r\n\r\n");
        Assert.Equal(405, connect.Status);

        var signals = (await source.EvaluateAsync(DateTimeOffset.UtcNow, CancellationToken.None)).OrderBy(static s => s.Labels["kind"], StringComparer.Ordinal).ToList();
        Assert.Equal(
            [("admin-auth", AlertSeverity.Error), ("client-auth", AlertSeverity.Warning), ("no-route", AlertSeverity.Warning), ("open-proxy", AlertSeverity.Warning)],
            signals.Select(static s => (s.Labels["kind"], s.Severity)));
        Assert.All(signals, static s => Assert.Equal("security-concern", s.Rule));
        Assert.All(signals, static s => Assert.Equal(3.0, s.Value));
        Assert.All(signals, static s => Assert.Equal(["kind"], s.Labels.Keys));
        Assert.Equal("3 admin token failures (401/403 on the admin API or the dashboard) in 5 minutes", signals[0].Summary);
        Assert.All(signals, static s => Assert.DoesNotContain("127.0.0.1", s.Summary + s.Description, StringComparison.Ordinal));
    }

    [Fact]
    public void SecurityBurstThreshold_OutOfRange_IsRefusedAtLoad()
    {
        Assert.Equal(
            ["Bulwark:Alerts:Signals:SecurityBurstThreshold must be in [1, 1000000]; it is 0."],
            OptionWalkTests.ProbeLoad("Bulwark:Alerts:Signals:SecurityBurstThreshold", 0).Errors);
    }

    private static async Task ExpectAsync(GatewayUnderTest gateway, string path, string? bearer, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        using var response = await gateway.Client.SendAsync(request);
        Assert.Equal(expected, response.StatusCode);
    }
}
