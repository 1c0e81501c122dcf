using Microsoft.Extensions.Logging;

namespace Bulwark.AspNetCore.Logging;

/// <summary>The event ids of Bulwark.AspNetCore's request logs and log output (3100–3199), in one place.</summary>
internal static class LoggingEventIds
{
    public const int RequestCompleted = 3101;
    public const int AttemptCompleted = 3102;
    public const int LogLinesDropped = 3103;

    public static readonly EventId RequestCompletedId = new(RequestCompleted, nameof(RequestCompleted));
    public static readonly EventId LogLinesDroppedId = new(LogLinesDropped, nameof(LogLinesDropped));
}
