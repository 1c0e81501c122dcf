namespace Bulwark.Gateway.Alerts;

/// <summary>
/// A condition that holds now, as one <see cref="IAlertSignalSource"/> sees it at an evaluation: the alert engine turns the
/// signals of successive evaluations into alerts (a signal seen → firing; absent for <c>ResolveAfter</c> → resolved).
/// Signals are level-based, not events: a source reports a breaker as open at every evaluation while it is open.
/// </summary>
/// <param name="Rule">The rule, a stable kebab-case name such as <c>breaker-open</c> or <c>error-rate-high</c>.</param>
/// <param name="Labels">
/// What the alert is about (<c>provider</c>, <c>route</c>, <c>fingerprint</c>, <c>budget</c>...), at most a few short values,
/// never secrets or personal data. The alert's identity is (rule, labels): two signals with the same rule and labels are one alert.
/// </param>
/// <param name="Severity">How bad it is now; an alert takes the highest severity it was signalled with while firing.</param>
/// <param name="Summary">One line for a human, such as <c>Circuit breaker of provider 'openai' is open</c>.</param>
/// <param name="Description">More detail (value, threshold, what to do), or <see langword="null"/>.</param>
/// <param name="Value">The measured value behind the signal (an error rate, a count), or <see langword="null"/>.</param>
internal sealed record AlertSignal(
    string Rule,
    IReadOnlyDictionary<string, string> Labels,
    AlertSeverity Severity,
    string Summary,
    string? Description = null,
    double? Value = null);
