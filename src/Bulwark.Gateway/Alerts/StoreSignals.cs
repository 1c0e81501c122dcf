using Bulwark.Gateway.Storage;

namespace Bulwark.Gateway.Alerts;

/// <summary>
/// <c>store-degraded</c> while the gateway's store is not healthy, as readiness judges it: Critical when it failed while
/// running (its file lost, replaced or corrupt, or it stopped answering: nothing durable is acknowledged), Error when the
/// gateway runs without it (it failed to open and <c>OnStoreFailure</c> is <c>FailOpen</c>), Warning when a write was
/// refused in the last minute (full, read-only, locked); Critical too while a PostgreSQL server does not answer. Labels:
/// <c>store</c> (<c>sqlite</c>, <c>postgres</c>, <c>in-memory</c>, <c>none</c>).
/// </summary>
internal sealed class StoreSignals(GatewayStore store) : IAlertSignalSource
{
    public const string Rule = "store-degraded";

    public async ValueTask<IReadOnlyList<AlertSignal>> EvaluateAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!store.IsAvailable)
        {
            return [Signal("none", AlertSeverity.Error, "The gateway runs without its store", $"Breaker states are not kept across restarts and requests cannot be deferred: {store.UnavailableReason}")];
        }

        string kind = store.Kind;
        string? unanswered = store.Failure is null ? await store.ProbeAsync(cancellationToken).ConfigureAwait(false) : null;
        if (store.Failure is { } failure)
        {
            return [Signal(kind, AlertSeverity.Critical, "The gateway's store failed", $"Nothing durable is acknowledged until the gateway is restarted with a working store: {failure.Message}")];
        }

        if (unanswered is not null)
        {
            return [Signal(kind, AlertSeverity.Critical, "The gateway's store does not answer", $"Nothing durable is acknowledged until it answers again: {unanswered}")];
        }

        if (store.LastWriteFailure is { } refused && now - refused < StoreHealthCheck.RecentWriteFailure)
        {
            return [Signal(kind, AlertSeverity.Warning, "The gateway's store refused a write", $"A write was refused at {refused:O}, so deferrals are being refused: {store.LastWriteFailureReason}")];
        }

        return [];
    }

    private static AlertSignal Signal(string kind, AlertSeverity severity, string summary, string description) =>
        new(Rule, new Dictionary<string, string>(StringComparer.Ordinal) { ["store"] = kind }, severity, summary, description);
}
