using Microsoft.Extensions.Logging;

namespace Bulwark.AspNetCore.Logging;

internal sealed partial class BulwarkRequestLoggingMiddleware
{
    // Parameter names are the JSON field names of the events (snake_case, like OpenTelemetry attributes).
#pragma warning disable IDE1006
    private static partial class Log
    {
        [LoggerMessage(
            EventId = LoggingEventIds.RequestCompleted,
            EventName = "RequestCompleted",
            Message = "{method} {route} responded {status} in {duration_ms} ms; path {path}; correlation {correlation_id}; request {request_id}; " +
                "tenant {tenant_id}; user {user_id}; client {client_ip}; agent {user_agent}; provider {provider}; attempts {attempts}; " +
                "breaker {breaker_state}; bytes in {bytes_in} out {bytes_out}; error {error_type}: {error_message}")]
        public static partial void RequestCompleted(
            ILogger logger,
            LogLevel level,
            string method,
            string route,
            int status,
            double duration_ms,
            string path,
            string? correlation_id,
            string request_id,
            string? tenant_id,
            string? user_id,
            string? client_ip,
            string? user_agent,
            string? provider,
            string? attempts,
            string? breaker_state,
            long? bytes_in,
            long? bytes_out,
            string? error_type,
            string? error_message);

        [LoggerMessage(
            EventId = LoggingEventIds.AttemptCompleted,
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
