using Microsoft.Extensions.Logging;

namespace Bulwark.AspNetCore.Admin;

internal static partial class AdminEndpoints
{
    // Nothing here ever logs the token or the Authorization header.
    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.AdminBreakerChanged, Level = LogLevel.Warning, Message = "Admin: {Action} on the circuit breaker of {Provider}; it is now {State}")]
        public static partial void BreakerChanged(ILogger logger, string action, string provider, string state);

        [LoggerMessage(EventId = EventIds.AdminUnauthorized, Level = LogLevel.Information, Message = "Admin: rejected {Method} {Path}: missing or wrong bearer token")]
        public static partial void Unauthorized(ILogger logger, string method, string path);
    }
}
