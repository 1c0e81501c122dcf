namespace Bulwark.AspNetCore.Anomaly;

/// <summary>A provider entered or left the <see cref="AnomalyState.Degraded"/> state.</summary>
/// <param name="Provider">The provider's name.</param>
/// <param name="State">The new state: <see cref="AnomalyState.Degraded"/> or <see cref="AnomalyState.Normal"/>.</param>
/// <param name="Signal">The series that breached (for a change to <see cref="AnomalyState.Degraded"/>); <see cref="AnomalySignal.None"/> on recovery.</param>
/// <param name="Value">The smoothed value of that series when the state changed (milliseconds for latency, a 0–1 ratio for the error rate).</param>
/// <param name="UpperControlLimit">The limit it was judged against, in the same unit.</param>
/// <param name="Timestamp">When the change happened, from the detector's <see cref="TimeProvider"/>.</param>
public sealed record ProviderAnomalyChange(
    string Provider,
    AnomalyState State,
    AnomalySignal Signal,
    double Value,
    double UpperControlLimit,
    DateTimeOffset Timestamp);
