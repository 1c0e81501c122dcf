using System.Net;
using Bulwark.AspNetCore.Providers;
using Bulwark.Gateway.Alerts;
using Bulwark.Gateway.Forwarding;
using Bulwark.Gateway.Tests.Configuration;
using Bulwark.Gateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Gateway.Tests.Forwarding;

/// <summary>
/// The providers' own conditions as alert signals, driven through the gateway against real Kestrel providers: a breaker
/// opened by failures (and left open past <c>Bulwark:Alerts:Signals:BreakerStuckOpenAfter</c>), a bulkhead that rejects.
/// </summary>
public class ProviderSignalsTests
{
    /// <summary>Five failures open the breaker, for long enough that it stays open through the test.</summary>
    private const string Pipeline = """
        {
          "Retry": { "MaxRetries": 2, "Backoff": "Constant", "Jitter": "None", "BaseDelay": "00:00:00", "MaxRetryAfter": "00:00:00.050" },
          "CircuitBreaker": { "Mode": "ConsecutiveFailures", "FailureThreshold": 5, "BreakDuration": "00:10:00", "MaxBreakDuration": "00:10:00" },
          "Timeout": { "Attempt": "00:00:05", "Total": "00:00:20" }
        }
        """;

    [Fact]
    public async Task BreakerOpenedByFailures_IsBreakerOpen_ThenStuckOpenAfterTheConfiguredTime_AndClearsWhenClosed()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        primary.Behaviour = Upstream.Status(503);
        string config = Configs.TwoProviders(primary.BaseAddress, secondary.BaseAddress, Pipeline, bulwarkExtra: """ "Alerts": { "Signals": { "BreakerStuckOpenAfter": "00:02:00" } }, """);
        await using var gateway = await GatewayUnderTest.StartAsync(config);
        var source = gateway.Services.GetServices<IAlertSignalSource>().OfType<BreakerSignals>().Single();
        var start = DateTimeOffset.UtcNow;
        Assert.Empty(await source.EvaluateAsync(start, CancellationToken.None));

        // Two requests fail over after 3 attempts each on the primary: its breaker opens at the fifth failure.
        for (int i = 0; i < 2; i++)
        {
            using var response = await gateway.Client.GetAsync("/api/orders");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var open = Assert.Single(await source.EvaluateAsync(start, CancellationToken.None));
        Assert.Equal(("breaker-open", AlertSeverity.Error), (open.Rule, open.Severity));
        Assert.Equal(new Dictionary<string, string> { ["provider"] = "primary" }, open.Labels);
        Assert.Equal("Circuit breaker of provider 'primary' is open", open.Summary);

        Assert.Single(await source.EvaluateAsync(start + TimeSpan.FromSeconds(119), CancellationToken.None));
        var stuck = (await source.EvaluateAsync(start + TimeSpan.FromMinutes(2), CancellationToken.None)).Single(static s => s.Rule == "breaker-stuck-open");
        Assert.Equal(AlertSeverity.Critical, stuck.Severity);
        Assert.Equal("primary", stuck.Labels["provider"]);
        Assert.Equal(120, stuck.Value);

        // Closed by an operator: nothing; isolated: breaker-open as a warning, never stuck.
        var breaker = Breaker(gateway, "primary");
        await breaker.CloseAsync();
        Assert.Empty(await source.EvaluateAsync(start + TimeSpan.FromMinutes(3), CancellationToken.None));
        await breaker.IsolateAsync();
        var isolated = Assert.Single(await source.EvaluateAsync(start + TimeSpan.FromMinutes(4), CancellationToken.None));
        Assert.Equal(("breaker-open", AlertSeverity.Warning), (isolated.Rule, isolated.Severity));
        Assert.Single(await source.EvaluateAsync(start + TimeSpan.FromHours(1), CancellationToken.None));
    }

    [Fact]
    public async Task BulkheadRejecting_IsBulkheadSaturated_UntilAnEvaluationWithoutRejections()
    {
        await using var upstream = await Upstream.StartAsync();
        const string pipeline = """
            {
              "Retry": { "MaxRetries": 0 },
              "CircuitBreaker": { "Mode": "ConsecutiveFailures", "FailureThreshold": 100, "BreakDuration": "00:00:30" },
              "Timeout": { "Attempt": "00:00:10", "Total": "00:00:20" },
              "Bulkhead": { "MaxConcurrency": 1, "QueueLimit": 0 }
            }
            """;
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.TwoProviders(upstream.BaseAddress, upstream.BaseAddress, pipeline));
        var source = gateway.Services.GetServices<IAlertSignalSource>().OfType<BulkheadSignals>().Single();
        var now = DateTimeOffset.UtcNow;
        Assert.Empty(await source.EvaluateAsync(now, CancellationToken.None));

        // The first request holds the primary's only slot, so the second is rejected by its bulkhead and fails over.
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        upstream.Behaviour = async (context, n) =>
        {
            if (n == 1)
            {
                await release.Task.WaitAsync(TimeSpan.FromSeconds(10));
            }

            await Upstream.Ok(context, n);
        };
        var held = gateway.Client.GetAsync("/api/held");
        await Poll.UntilAsync(() => upstream.Requests >= 1, "the first request to reach the provider");
        using (var overflow = await gateway.Client.GetAsync("/api/overflow"))
        {
            Assert.Equal(HttpStatusCode.OK, overflow.StatusCode);
        }

        var saturated = Assert.Single(await source.EvaluateAsync(now, CancellationToken.None));
        Assert.Equal(("bulkhead-saturated", AlertSeverity.Warning, "primary", 1.0), (saturated.Rule, saturated.Severity, saturated.Labels["provider"], saturated.Value));

        release.SetResult();
        using (var first = await held)
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        await gateway.WaitUntilIdleAsync();
        Assert.Empty(await source.EvaluateAsync(now, CancellationToken.None));
    }

    [Fact]
    public void BreakerStuckOpenAfter_OutOfRange_IsRefusedAtLoad()
    {
        Assert.Equal(
            ["Bulwark:Alerts:Signals:BreakerStuckOpenAfter must be in [00:00:01, 1.00:00:00]; it is 1.00:00:01."],
            OptionWalkTests.ProbeLoad("Bulwark:Alerts:Signals:BreakerStuckOpenAfter", TimeSpan.FromHours(24) + TimeSpan.FromSeconds(1)).Errors);
    }

    private static Bulwark.CircuitBreaker.CircuitBreakerHandle Breaker(GatewayUnderTest gateway, string provider) =>
        gateway.Services.GetRequiredService<IBulwarkProviderCatalog>().Providers.Single(p => p.Name == provider).CircuitBreaker!;
}
