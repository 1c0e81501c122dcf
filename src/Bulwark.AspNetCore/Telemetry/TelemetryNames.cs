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
    public const string GenAiTokenUsage = "gen_ai.client.token.usage";
    public const string GenAiOperationDuration = "gen_ai.client.operation.duration";
    public const string GenAiCost = "bulwark.gen_ai.cost";

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
    public const string GenAiSystem = "gen_ai.system";

    /// <summary>The GenAI conventions' newer name of <see cref="GenAiSystem"/> (since 1.37); both are set, with the same value.</summary>
    public const string GenAiProviderName = "gen_ai.provider.name";
    public const string GenAiOperation = "gen_ai.operation.name";
    public const string GenAiRequestModel = "gen_ai.request.model";
    public const string GenAiResponseModel = "gen_ai.response.model";
    public const string GenAiTokenType = "gen_ai.token.type";
    public const string Currency = "bulwark.cost.currency";

    /// <summary>The semantic conventions' advised buckets for HTTP durations, in seconds.</summary>
    public static readonly IReadOnlyList<double> DurationBuckets = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

    /// <summary>The GenAI semantic conventions' advised buckets for <c>gen_ai.client.token.usage</c>.</summary>
    public static readonly IReadOnlyList<long> TokenBuckets = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];

    /// <summary>The GenAI semantic conventions' advised buckets for <c>gen_ai.client.operation.duration</c>, in seconds.</summary>
    public static readonly IReadOnlyList<double> GenAiDurationBuckets = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
}
