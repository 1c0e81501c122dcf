using Microsoft.Extensions.Logging;

namespace Bulwark.AspNetCore.Admin;

internal static partial class AdminEndpoints
{
    // Event ids 5001-5099 belong to the admin API. Nothing here ever logs the token or the Authorization header.
    private static partial class Log
    {
        [LoggerMessage(EventId = 5001, Level = LogLevel.Warning, Message = "Admin: {Action} on the circuit breaker of {Provider}; it is now {State}")]
        public static partial void BreakerChanged(ILogger logger, string action, string provider, string state);

        [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "Admin: rejected {Method} {Path}: missing or wrong bearer token")]
        public static partial void Unauthorized(ILogger logger, string method, string path);
    }
}
