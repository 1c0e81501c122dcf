namespace Bulwark.ErrorMonitoring;

/// <summary>Which fingerprints <see cref="IErrorMonitor.GetSnapshot(ErrorSnapshotFilter?)"/> returns, and how many.</summary>
public sealed record ErrorSnapshotFilter
{
    /// <summary>Gets the provider the fingerprints must name (case-insensitive), or <see langword="null"/> for any.</summary>
    public string? Provider { get; init; }

    /// <summary>Gets the route the fingerprints must name (case-insensitive), or <see langword="null"/> for any.</summary>
    public string? Route { get; init; }

    /// <summary>Gets the service the fingerprints must name (case-insensitive), or <see langword="null"/> for any.</summary>
    public string? Service { get; init; }

    /// <summary>Gets the lowest severity returned (a fingerprint's highest severity is compared), or <see langword="null"/> for any.</summary>
    public ErrorSeverity? MinimumSeverity { get; init; }

    /// <summary>Gets how many fingerprints are returned at most, the most frequent recently first.</summary>
    /// <value>Defaults to 100. Range 1 to 10,000 (a value outside is clamped).</value>
    public int Limit { get; init; } = ErrorMonitoringConstants.DefaultSnapshotLimit;
}
