namespace Bulwark.ErrorMonitoring;

/// <summary>One fingerprint as it stands: what it groups, when it was seen, how often, and a redacted sample.</summary>
public sealed record ErrorFingerprintSnapshot
{
    /// <summary>Gets the fingerprint (<see cref="ErrorFingerprint"/>): 16 lower-case hexadecimal characters.</summary>
    public required string Fingerprint { get; init; }

    /// <summary>Gets the error's type: an exception's full type name, an attempt's outcome, or what a service reported.</summary>
    public required string Type { get; init; }

    /// <summary>Gets the service that reported it, if any.</summary>
    public string? Service { get; init; }

    /// <summary>Gets the provider, if any.</summary>
    public string? Provider { get; init; }

    /// <summary>Gets the route, if any.</summary>
    public string? Route { get; init; }

    /// <summary>Gets the HTTP status code, if any.</summary>
    public int? StatusCode { get; init; }

    /// <summary>Gets the normalized message the fingerprint was computed from.</summary>
    public required string NormalizedMessage { get; init; }

    /// <summary>Gets the first occurrence's message (replaced by the first of a higher severity when one comes), redacted (or normalized when no <see cref="IErrorRedactor"/> is registered); at most 512 characters.</summary>
    public required string SampleMessage { get; init; }

    /// <summary>Gets the attributes of the occurrence <see cref="SampleMessage"/> comes from, redacted (at most 16).</summary>
    public required IReadOnlyDictionary<string, string> SampleAttributes { get; init; }

    /// <summary>Gets the highest severity seen.</summary>
    public ErrorSeverity Severity { get; init; }

    /// <summary>Gets when the fingerprint was first seen (since the monitor started, or since it was last evicted).</summary>
    public DateTimeOffset FirstSeen { get; init; }

    /// <summary>Gets when it was last seen.</summary>
    public DateTimeOffset LastSeen { get; init; }

    /// <summary>Gets how many times it was seen in all.</summary>
    public long Count { get; init; }

    /// <summary>Gets how many times in the last minute (exact to 5 seconds).</summary>
    public long LastMinute { get; init; }

    /// <summary>Gets how many times in the last 5 minutes (exact to 5 seconds).</summary>
    public long Last5Minutes { get; init; }

    /// <summary>Gets how many times in the last hour (exact to 1 minute).</summary>
    public long LastHour { get; init; }

    /// <summary>Gets how many times in the last 24 hours (exact to 15 minutes).</summary>
    public long Last24Hours { get; init; }

    /// <summary>Gets how many occurrences attempted a recovery (retry, failover, fallback).</summary>
    public long RecoveryAttempted { get; init; }

    /// <summary>Gets how many occurrences recovered.</summary>
    public long RecoverySucceeded { get; init; }
}
