namespace Bulwark.ErrorMonitoring;

/// <summary>The error monitor's defaults and bounds.</summary>
internal static class ErrorMonitoringConstants
{
    public const int DefaultMaxFingerprints = 10_000;
    public const int MinMaxFingerprints = 1;
    public const int MaxMaxFingerprints = 1_000_000;

    /// <summary>Characters of a message read; the rest is ignored for the fingerprint and the sample.</summary>
    public const int MaxMessageInput = 4096;

    /// <summary>Characters of a normalized message, and of a sample.</summary>
    public const int MaxNormalizedLength = 512;

    /// <summary>Characters of an error type, provider, route or service kept.</summary>
    public const int MaxNameLength = 256;

    public const int MaxAttributes = 16;
    public const int MaxAttributeKeyLength = 64;
    public const int MaxAttributeValueLength = 256;

    public const int DefaultSnapshotLimit = 100;
    public const int MaxSnapshotLimit = 10_000;
}
