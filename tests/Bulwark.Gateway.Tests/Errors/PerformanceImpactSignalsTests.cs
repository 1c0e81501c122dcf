using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Bulwark.AspNetCore.Anomaly;
using Bulwark.Gateway.Alerts;
using Bulwark.Gateway.Errors;
using Bulwark.Gateway.Tests.Configuration;
using Bulwark.Gateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Gateway.Tests.Errors;

/// <summary>
/// <c>performance-impact</c>: a real provider turning slow (its latency anomaly, from the provider anomaly detector) while
/// errors naming it are recorded, at least <c>Bulwark:Alerts:Signals:PerformanceImpactMinimumErrors</c> in 5 minutes.
/// </summary>
public class PerformanceImpactSignalsTests
{
    private const string AdminToken = "impact-admin-token-0123456789abcdef";

    [Fact]
    public async Task SlowProvider_WithErrorsNamingIt_IsAPerformanceImpact_NotWithoutThem()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        string config = Configs.TwoProviders(primary.BaseAddress, secondary.BaseAddress, bulwarkExtra: $$"""
            "Admin": { "Token": "{{AdminToken}}" },
            "Telemetry": { "Anomaly": { "WarmupSamples": 10, "LatencyBaselineSmoothingFactor": 0.1, "ErrorRateSmoothingFactor": 0.2, "LatencyConsecutiveBreaches": 3 } },
            "Alerts": { "Signals": { "PerformanceImpactMinimumErrors": 4 } },
            """);
        await using var gateway = await GatewayUnderTest.StartAsync(config);
        var source = gateway.Services.GetServices<IAlertSignalSource>().OfType<PerformanceImpactSignals>().Single();
        var anomalies = gateway.Services.GetRequiredService<AnomalyDetector>();

        // A baseline that forgets quickly (α 0.1), so that the slow first requests of a fresh process leave it in 40.
        for (int i = 0; i < 40; i++)
        {
            await GetOkAsync(gateway);
        }

        primary.Behaviour = static async (context, n) =>
        {
            await Task.Delay(TimeSpan.FromMilliseconds(300), context.RequestAborted);
            await Upstream.Ok(context, n);
        };
        for (int i = 0; i < 30 && anomalies.GetReading("primary") is not { State: AnomalyState.Degraded }; i++)
        {
            await GetOkAsync(gateway);
        }

        Assert.Equal((AnomalyState.Degraded, AnomalySignal.Latency), (anomalies.GetReading("primary")!.State, anomalies.GetReading("primary")!.Signal));
        Assert.Empty(await source.EvaluateAsync(DateTimeOffset.UtcNow, CancellationToken.None));

        // Errors naming the provider, as a service reports them: 3 are under the threshold, the 4th reaches it.
        for (int i = 0; i < 3; i++)
        {
            await ReportAsync(gateway, i);
        }

        Assert.Empty(await source.EvaluateAsync(DateTimeOffset.UtcNow, CancellationToken.None));
        await ReportAsync(gateway, 3);
        var signal = Assert.Single(await source.EvaluateAsync(DateTimeOffset.UtcNow, CancellationToken.None));
        Assert.Equal(("performance-impact", AlertSeverity.Error, 4.0), (signal.Rule, signal.Severity, signal.Value));
        Assert.Equal(new Dictionary<string, string> { ["provider"] = "primary" }, signal.Labels);
        Assert.StartsWith("Provider 'primary' is slow and failing: latency ", signal.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void PerformanceImpactMinimumErrors_OutOfRange_IsRefusedAtLoad()
    {
        Assert.Equal(
            ["Bulwark:Alerts:Signals:PerformanceImpactMinimumErrors must be in [1, 1000000000]; it is 0."],
            OptionWalkTests.ProbeLoad("Bulwark:Alerts:Signals:PerformanceImpactMinimumErrors", 0L).Errors);
    }

    private static async Task GetOkAsync(GatewayUnderTest gateway)
    {
        using var response = await gateway.Client.GetAsync("/api/orders");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static async Task ReportAsync(GatewayUnderTest gateway, int n)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/bulwark/errors")
        {
            Content = new StringContent($$"""{"type":"UpstreamTimeout","message":"Order {{n}} timed out at the provider","provider":"primary","severity":"error"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
        using var response = await gateway.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }
}
