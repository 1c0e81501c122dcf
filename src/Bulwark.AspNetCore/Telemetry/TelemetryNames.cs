namespace Bulwark.AspNetCore.Telemetry;

/// <summary>Instrument and attribute names: OpenTelemetry's HTTP semantic conventions, and <c>bulwark.*</c> for the rest.</summary>
internal static class TelemetryNames
{
    public const string ServerDuration = "http.server.request.duration";
    public const string ClientDuration = "http.client.request.duration";
    public const string Retries = "bulwark.retries";
    public const string Failovers = "bulwark.failovers";
    public const string Rejections = "bulwark.rejections";
    public const string BreakerState = "bulwark.circuit_breaker.state";
    public const string BulkheadActive = "bulwark.bulkhead.active";
    public const string BulkheadQueued = "bulwark.bulkhead.queued";
    public const string HealthScore = "bulwark.provider.health_score";
    public const string ConfigReloads = "bulwark.config.reloads";

    public const string Method = "http.request.method";
    public const string Route = "http.route";
    public const string StatusCode = "http.response.status_code";
    public const string ErrorType = "error.type";
    public const string Provider = "bulwark.provider";
    public const string FailoverTarget = "bulwark.failover.target";
    public const string Outcome = "bulwark.attempt.outcome";
    public const string AttemptNumber = "bulwark.attempt.number";
    public const string RejectionReason = "bulwark.rejection.reason";
    public const string Attempts = "bulwark.attempts";
    public const string ReloadOutcome = "bulwark.config.reload.outcome";

    /// <summary>The semantic conventions' advised buckets for HTTP durations, in seconds.</summary>
    public static readonly IReadOnlyList<double> DurationBuckets = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
}
