using Microsoft.Extensions.Logging;

namespace Bulwark.AspNetCore.Logging;

internal sealed partial class BulwarkRequestLoggingMiddleware
{
    // Parameter names are the JSON field names of the events (snake_case, like OpenTelemetry attributes).
#pragma warning disable IDE1006
    private static partial class Log
    {
        [LoggerMessage(
            EventId = EventIds.AttemptCompleted,
            EventName = "AttemptCompleted",
            Level = LogLevel.Debug,
            Message = "Attempt {attempt} on {provider} ended {outcome} with status {status} in {duration_ms} ms; exception {exception_type}; correlation {correlation_id}")]
        public static partial void AttemptCompleted(
            ILogger logger,
            int attempt,
            string provider,
            string outcome,
            int? status,
            double duration_ms,
            string? exception_type,
            string? correlation_id);
    }
#pragma warning restore IDE1006
}
