namespace Bulwark.ErrorMonitoring.Detection;

/// <summary>A pattern firing at an evaluation: what it is, what it is about, how serious, and the value against its threshold.</summary>
public sealed record DetectedPattern
{
    /// <summary>Gets which pattern fires.</summary>
    public required DetectedPatternKind Kind { get; init; }

    /// <summary>Gets the fingerprint the pattern is about, or <see langword="null"/> for a pattern over all errors (an error rate).</summary>
    public string? Fingerprint { get; init; }

    /// <summary>Gets the provider of the fingerprint the pattern is about, if it names one.</summary>
    public string? Provider { get; init; }

    /// <summary>Gets the route of the fingerprint the pattern is about, if it names one.</summary>
    public string? Route { get; init; }

    /// <summary>
    /// Gets what the pattern is about, stable across evaluations so that a later alerting stage can deduplicate on
    /// (<see cref="Kind"/>, <see cref="Scope"/>): <c>fingerprint:</c> followed by the fingerprint, or <c>window:1m</c> /
    /// <c>window:5m</c> for a pattern over all errors (an error rate, an anomaly, recovery failure, system degradation).
    /// </summary>
    public required string Scope { get; init; }

    /// <summary>
    /// Gets how serious it is: a new or repeated error has its fingerprint's highest severity; a high error rate, an
    /// anomaly and a recovery failure are <see cref="ErrorSeverity.Error"/>; a critical error rate and system degradation
    /// <see cref="ErrorSeverity.Critical"/>.
    /// </summary>
    public required ErrorSeverity Severity { get; init; }

    /// <summary>Gets the measured value: occurrences for a new error (all time) or a repeated error (5 minutes); errors over requests for an error rate or an anomaly (above 1 when more errors were recorded than requests counted, as when services report errors of their own); failed over attempted recoveries for a recovery failure; active fingerprints for system degradation.</summary>
    public required double Value { get; init; }

    /// <summary>Gets the threshold the value was compared with (0 for a new error, which has none; the upper control limit for an anomaly).</summary>
    public required double Threshold { get; init; }

    /// <summary>Gets a one-line description for people, built from the normalized message (never the raw one), the fingerprint's names and the figures.</summary>
    public required string Message { get; init; }
}
