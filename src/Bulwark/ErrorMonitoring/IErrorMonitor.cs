namespace Bulwark.ErrorMonitoring;

/// <summary>
/// Records errors and groups them by fingerprint (type, service, provider, route, status and normalized message), with
/// counts over sliding windows. Recording never throws and never waits on I/O; it is safe from any thread.
/// </summary>
public interface IErrorMonitor
{
    /// <summary>Records an exception: its full type name is the type, its message the message.</summary>
    /// <param name="exception">The exception; <see langword="null"/> is recorded as an unknown error.</param>
    /// <param name="severity">How serious it is.</param>
    /// <param name="context">Where it happened, or <see langword="null"/> for nowhere in particular.</param>
    /// <param name="recoveryAttempted">Whether a recovery (retry, failover, fallback) was attempted.</param>
    /// <param name="recoverySucceeded">Whether the recovery succeeded.</param>
    /// <returns>The fingerprint the error was counted under.</returns>
    string Record(Exception? exception, ErrorSeverity severity = ErrorSeverity.Error, ErrorContext? context = null, bool recoveryAttempted = false, bool recoverySucceeded = false);

    /// <summary>Records an error named by its type and message (an outcome, or what another service reported).</summary>
    /// <param name="type">The error's type; empty or <see langword="null"/> is recorded as <c>error</c>.</param>
    /// <param name="message">The message, or <see langword="null"/>.</param>
    /// <param name="severity">How serious it is.</param>
    /// <param name="context">Where it happened, or <see langword="null"/> for nowhere in particular.</param>
    /// <param name="recoveryAttempted">Whether a recovery (retry, failover, fallback) was attempted.</param>
    /// <param name="recoverySucceeded">Whether the recovery succeeded.</param>
    /// <returns>The fingerprint the error was counted under.</returns>
    string Record(string? type, string? message, ErrorSeverity severity = ErrorSeverity.Error, ErrorContext? context = null, bool recoveryAttempted = false, bool recoverySucceeded = false);

    /// <summary>
    /// Returns the fingerprints that pass <paramref name="filter"/>, the most frequent recently first (by the last minute,
    /// then 5 minutes, hour, day, all time, then the latest seen).
    /// </summary>
    /// <param name="filter">Which to return, or <see langword="null"/> for the first 100 of all.</param>
    /// <returns>The fingerprints, at most <see cref="ErrorSnapshotFilter.Limit"/>.</returns>
    IReadOnlyList<ErrorFingerprintSnapshot> GetSnapshot(ErrorSnapshotFilter? filter = null);
}
