using System.Net;
using Bulwark.Gateway.Alerts;
using Bulwark.Gateway.Errors;
using Bulwark.Gateway.Tests.Configuration;
using Bulwark.Gateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Bulwark.Gateway.Tests.Errors;

/// <summary>
/// The error pattern detectors wired into the gateway (<c>Bulwark:Errors:Detection</c>): failures of real forwarding
/// against real Kestrel providers, counted against the routes' requests, become alert signals, evaluated once per
/// detection interval on the gateway's clock.
/// </summary>
public class ErrorPatternSignalsTests
{
    /// <summary>A breaker that stays closed through the test's failures, so that every request reaches both providers.</summary>
    private const string Pipeline = """
        {
          "Retry": { "MaxRetries": 2, "Backoff": "Constant", "Jitter": "None", "BaseDelay": "00:00:00", "MaxRetryAfter": "00:00:00.050" },
          "CircuitBreaker": { "Mode": "ConsecutiveFailures", "FailureThreshold": 1000, "BreakDuration": "00:00:30" },
          "Timeout": { "Attempt": "00:00:05", "Total": "00:00:20" }
        }
        """;

    private const string Detection = """
        "Errors": { "Detection": {
          "EvaluationInterval": "00:00:10",
          "NewError": { "WarmUp": "00:00:00" },
          "RepeatedError": { "Threshold": 9 },
          "ErrorRate": { "MinimumRequests": 3 },
          "RecoveryFailure": { "MinimumAttempts": 5 },
          "SystemDegradation": { "Fingerprints": 3, "MinimumOccurrences": 3 }
        } },
        """;

    [Fact]
    public async Task FailingProviders_EveryPatternBecomesASignal_WithItsLabels_EvaluatedOncePerInterval()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        primary.Behaviour = Upstream.Status(503);
        secondary.Behaviour = Upstream.Status(503);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.TwoProviders(primary.BaseAddress, secondary.BaseAddress, Pipeline, bulwarkExtra: Detection), timeProvider: time);
        var source = Source(gateway);
        time.Advance(TimeSpan.FromSeconds(1));

        await FailAsync(gateway, 3);
        time.Advance(TimeSpan.FromSeconds(1));
        var signals = await source.EvaluateAsync(time.GetUtcNow(), CancellationToken.None);

        // 3 requests, each 3 attempts on each provider and its 502 answer: 21 errors over 3 requests.
        Assert.Equal(9, primary.Requests);
        Assert.Equal(
            [
                "error-rate-critical/1m", "error-rate-critical/5m",
                "error-rate-critical/primary/1m", "error-rate-critical/primary/5m", "error-rate-critical/secondary/1m", "error-rate-critical/secondary/5m",
                "new-error", "new-error", "new-error", "recovery-failure/5m", "repeated-error", "repeated-error", "system-degradation/5m",
            ],
            signals.Select(static s => s.Labels.TryGetValue("window", out var w) ? (s.Labels.TryGetValue("provider", out var p) ? $"{s.Rule}/{p}/{w}" : $"{s.Rule}/{w}") : s.Rule).Order(StringComparer.Ordinal));

        // Per provider: its failed attempts over the attempts it was sent (9 of 9), labelled so that its breaker-open alert inhibits it.
        var primaryRate = signals.Single(static s => s.Rule == "error-rate-critical" && s.Labels.GetValueOrDefault("provider") == "primary" && s.Labels["window"] == "1m");
        Assert.Equal(1.0, primaryRate.Value);
        Assert.Equal(["provider", "window"], primaryRate.Labels.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("provider 'primary'", primaryRate.Summary, StringComparison.Ordinal);
        var critical = signals.First(static s => s.Rule == "error-rate-critical" && !s.Labels.ContainsKey("provider"));
        Assert.Equal(AlertSeverity.Critical, critical.Severity);
        Assert.Equal(7, critical.Value);
        Assert.Equal(AlertSeverity.Critical, signals.Single(static s => s.Rule == "system-degradation").Severity);
        Assert.Equal(AlertSeverity.Error, signals.Single(static s => s.Rule == "recovery-failure").Severity);
        var repeated = signals.Single(s => s.Rule == "repeated-error" && s.Labels.GetValueOrDefault("provider") == "primary");
        Assert.Equal(AlertSeverity.Error, repeated.Severity);
        Assert.Equal(["fingerprint", "provider", "route"], repeated.Labels.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("/api/{**rest}", repeated.Labels["route"]);
        Assert.Matches("^[0-9a-f]{16}$", repeated.Labels["fingerprint"]);
        Assert.Equal(9, repeated.Value);
        Assert.Contains("TransientStatus", repeated.Summary, StringComparison.Ordinal);

        // Within the interval the last result stands, whatever happened since.
        await FailAsync(gateway, 1);
        Assert.Same(signals, await source.EvaluateAsync(time.GetUtcNow().AddSeconds(9), CancellationToken.None));

        // The next interval: the errors are no longer new.
        time.Advance(TimeSpan.FromSeconds(10));
        var later = await source.EvaluateAsync(time.GetUtcNow(), CancellationToken.None);
        Assert.DoesNotContain(later, static s => s.Rule == "new-error");
        Assert.Contains(later, static s => s.Rule == "error-rate-critical");
    }

    [Fact]
    public async Task TooFewRequests_OrEveryDetectorDisabled_NoSignal()
    {
        await using var primary = await Upstream.StartAsync();
        primary.Behaviour = Upstream.Status(503);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        const string Disabled = """
            "Errors": { "Detection": {
              "NewError": { "Enabled": false, "WarmUp": "00:00:00" },
              "RepeatedError": { "Enabled": false, "Threshold": 1 },
              "ErrorRate": { "Enabled": false, "MinimumRequests": 1 },
              "Anomaly": { "Enabled": false },
              "RecoveryFailure": { "Enabled": false, "MinimumAttempts": 1 },
              "SystemDegradation": { "Enabled": false, "Fingerprints": 2, "MinimumOccurrences": 1 }
            } },
            """;
        await using (var gateway = await GatewayUnderTest.StartAsync(Configs.TwoProviders(primary.BaseAddress, primary.BaseAddress, Pipeline, bulwarkExtra: Disabled), timeProvider: time))
        {
            var source = Source(gateway);
            time.Advance(TimeSpan.FromSeconds(1));
            await FailAsync(gateway, 3);
            time.Advance(TimeSpan.FromSeconds(1));

            Assert.Empty(await source.EvaluateAsync(time.GetUtcNow(), CancellationToken.None));
        }

        // Enabled, but 2 requests (6 attempts per provider) where the error rate needs 7, and 14 recoveries (7 a request)
        // where their detector needs 15.
        const string Quiet = """
            "Errors": { "Detection": {
              "NewError": { "Enabled": false },
              "RepeatedError": { "Enabled": false },
              "ErrorRate": { "MinimumRequests": 7 },
              "RecoveryFailure": { "MinimumAttempts": 15 },
              "SystemDegradation": { "Enabled": false }
            } },
            """;
        await using (var gateway = await GatewayUnderTest.StartAsync(Configs.TwoProviders(primary.BaseAddress, primary.BaseAddress, Pipeline, bulwarkExtra: Quiet), timeProvider: time))
        {
            var source = Source(gateway);
            time.Advance(TimeSpan.FromSeconds(1));
            await FailAsync(gateway, 2);
            time.Advance(TimeSpan.FromSeconds(1));

            Assert.Empty(await source.EvaluateAsync(time.GetUtcNow(), CancellationToken.None));
        }
    }

    [Fact]
    public async Task ErrorsAfterACleanInterval_AreAnAnomaly_AgainstTheBaselineOfTheGatewaysOwnRequests()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        const string Anomaly = """
            "Errors": { "Detection": {
              "EvaluationInterval": "00:00:10",
              "NewError": { "Enabled": false },
              "RepeatedError": { "Enabled": false },
              "ErrorRate": { "Enabled": false },
              "RecoveryFailure": { "Enabled": false },
              "SystemDegradation": { "Enabled": false },
              "Anomaly": { "SmoothingFactor": 1, "BaselineSmoothingFactor": 0.5, "ControlLimitSigmas": 1, "WarmupSamples": 1, "MinimumRequests": 4, "MinimumErrorRate": 0.5 }
            } },
            """;
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.TwoProviders(primary.BaseAddress, secondary.BaseAddress, Pipeline, bulwarkExtra: Anomaly), timeProvider: time);
        var source = Source(gateway);

        // First sample: 4 requests served at once, no error (the baseline).
        for (int i = 0; i < 4; i++)
        {
            using var response = await gateway.Client.GetAsync("/api/ok");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Empty(await source.EvaluateAsync(time.GetUtcNow(), CancellationToken.None));

        // Second: the primary fails, and each request counts its 3 failed attempts, recovered by the secondary.
        primary.Behaviour = Upstream.Status(503);
        using (var response = await gateway.Client.GetAsync("/api/failing-over"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        time.Advance(TimeSpan.FromSeconds(10));
        var anomaly = Assert.Single(await source.EvaluateAsync(time.GetUtcNow(), CancellationToken.None));
        Assert.Equal(("error-anomaly", AlertSeverity.Error, "1m"), (anomaly.Rule, anomaly.Severity, anomaly.Labels["window"]));
        Assert.Equal(3.0 / 5, anomaly.Value);
        Assert.StartsWith("Error rate anomaly: smoothed 60%", anomaly.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void DetectionSettings_OutOfRange_AreRefusedAtLoad_NamingEachPath()
    {
        var errors = OptionWalkTests.ProbeLoad("Bulwark:Errors:Detection:SystemDegradation:Fingerprints", 1).Errors;

        Assert.Equal(["Bulwark:Errors:Detection:SystemDegradation:Fingerprints must be in [2, 10000]; it is 1."], errors);
        Assert.Equal(
            ["Bulwark:Errors:Detection:Anomaly:ControlLimitSigmas must be in (0, 10]; it is 0."],
            OptionWalkTests.ProbeLoad("Bulwark:Errors:Detection:Anomaly:ControlLimitSigmas", 0).Errors);
    }

    private static ErrorPatternSignals Source(GatewayUnderTest gateway) =>
        gateway.Services.GetServices<IAlertSignalSource>().OfType<ErrorPatternSignals>().Single();

    private static async Task FailAsync(GatewayUnderTest gateway, int requests)
    {
        for (int i = 0; i < requests; i++)
        {
            using var response = await gateway.Client.GetAsync($"/api/orders/{i}");
            Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        }
    }
}
