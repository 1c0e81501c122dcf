using System.Globalization;
using Bulwark.Statistics;

namespace Bulwark.ErrorMonitoring.Detection;

/// <summary>
/// Samples the 1-minute error rate at each evaluation (when the minute saw enough requests) into an EWMA control chart and
/// fires while the smoothed rate is above the chart's upper limit and at least the minimum rate.
/// </summary>
internal sealed class ErrorAnomalyRule(DetectionSettings settings)
{
    private readonly EwmaControlChart _chart = new(
        settings.AnomalySmoothingFactor,
        settings.AnomalyBaselineSmoothingFactor,
        settings.AnomalyControlLimitSigmas,
        settings.AnomalyWarmupSamples,
        ErrorDetectionConstants.AnomalyRelativeDeviationFloor,
        minimumRate: null);

    public void Evaluate(IReadOnlyList<ErrorFingerprintSnapshot> fingerprints, RequestCounts requests, List<DetectedPattern> found)
    {
        if (requests.LastMinute < settings.AnomalyMinimumRequests)
        {
            return;
        }

        double errors = 0;
        foreach (var fingerprint in fingerprints)
        {
            if (fingerprint is not null)
            {
                errors += Math.Max(0, fingerprint.LastMinute);
            }
        }

        double rate = errors / requests.LastMinute;
        double limit = _chart.UpperLimit;
        double baseline = _chart.Mean;
        if (!_chart.Observe(rate) || _chart.Smoothed < settings.AnomalyMinimumErrorRate)
        {
            return;
        }

        found.Add(new DetectedPattern
        {
            Kind = DetectedPatternKind.ErrorAnomaly,
            Scope = "window:1m",
            Severity = ErrorSeverity.Error,
            Value = _chart.Smoothed,
            Threshold = limit,
            Message = string.Create(CultureInfo.InvariantCulture, $"Error rate anomaly: smoothed {PatternText.Percent(_chart.Smoothed)} (last minute {PatternText.Percent(rate)}, {errors} errors in {requests.LastMinute} requests) above its control limit {PatternText.Percent(limit)}; baseline {PatternText.Percent(baseline)}."),
        });
    }
}
