using System.Globalization;
using Bulwark.AspNetCore.Anomaly;
using Bulwark.AspNetCore.Providers;
using Bulwark.ErrorMonitoring;
using Bulwark.Gateway.Alerts;
using Bulwark.Gateway.Configuration;
using Microsoft.Extensions.Options;

namespace Bulwark.Gateway.Errors;

/// <summary>
/// <c>performance-impact</c>, Error, for each provider whose latency is anomalous (the provider anomaly detector says it is
/// degraded by its latency: a sustained breach of its own control limit) while at least
/// <see cref="GatewayAlertSignalsOptions.PerformanceImpactMinimumErrors"/> errors naming it were recorded in the last 5
/// minutes: slowness that users feel as failures. Labels: <c>provider</c>.
/// </summary>
internal sealed class PerformanceImpactSignals(IBulwarkProviderCatalog catalog, AnomalyDetector anomalies, IErrorMonitor monitor, IOptions<GatewayOptions> options) : IAlertSignalSource
{
    public const string Rule = "performance-impact";

    /// <summary>The most fingerprints of one provider read (the monitor's own bound on a snapshot).</summary>
    private const int SnapshotLimit = 10_000;

    private readonly long _minimumErrors = options.Value.Alerts.Signals.PerformanceImpactMinimumErrors;

    public ValueTask<IReadOnlyList<AlertSignal>> EvaluateAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        List<AlertSignal>? signals = null;
        foreach (var provider in catalog.Providers)
        {
            if (anomalies.GetReading(provider.Name) is not { State: AnomalyState.Degraded, Signal: AnomalySignal.Latency } reading)
            {
                continue;
            }

            long errors = 0;
            foreach (var fingerprint in monitor.GetSnapshot(new ErrorSnapshotFilter { Provider = provider.Name, Limit = SnapshotLimit }))
            {
                errors += Math.Max(0, fingerprint.Last5Minutes);
            }

            if (errors < _minimumErrors)
            {
                continue;
            }

            (signals ??= []).Add(new AlertSignal(
                Rule,
                new Dictionary<string, string>(StringComparer.Ordinal) { ["provider"] = provider.Name },
                AlertSeverity.Error,
                string.Create(CultureInfo.InvariantCulture, $"Provider '{provider.Name}' is slow and failing: latency {reading.EwmaLatencyMilliseconds:0} ms against a baseline of {reading.BaselineLatencyMilliseconds:0} ms, {errors} errors in 5 minutes"),
                string.Create(CultureInfo.InvariantCulture, $"The smoothed latency is above its control limit of {reading.LatencyUpperControlLimitMilliseconds:0} ms while errors name the provider (threshold {_minimumErrors} in 5 minutes)."),
                errors));
        }

        return ValueTask.FromResult<IReadOnlyList<AlertSignal>>(signals ?? []);
    }
}
