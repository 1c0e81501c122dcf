namespace Bulwark.AspNetCore.Admin;

/// <summary>When the admin API was mapped (start-up), for the uptime in the system status.</summary>
internal sealed class AdminClock(TimeProvider time)
{
    private readonly long _started = time.GetTimestamp();

    public DateTimeOffset StartedAt { get; } = time.GetUtcNow();

    public TimeSpan Uptime => time.GetElapsedTime(_started);
}
