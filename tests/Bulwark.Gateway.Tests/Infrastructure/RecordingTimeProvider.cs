using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;

namespace Bulwark.Gateway.Tests.Infrastructure;

/// <summary>A <see cref="FakeTimeProvider"/> that records the due time of every timer created on it, so a test can see a delay start.</summary>
internal sealed class RecordingTimeProvider : FakeTimeProvider
{
    private readonly ConcurrentQueue<TimeSpan> _dueTimes = new();

    public RecordingTimeProvider()
    {
    }

    public RecordingTimeProvider(DateTimeOffset start)
        : base(start)
    {
    }

    public bool HasTimerWithDueTime(TimeSpan dueTime) => _dueTimes.Contains(dueTime);

    /// <summary>How many timers were created with <paramref name="dueTime"/> so far.</summary>
    public int TimersWithDueTime(TimeSpan dueTime) => _dueTimes.Count(t => t == dueTime);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        _dueTimes.Enqueue(dueTime);
        return base.CreateTimer(callback, state, dueTime, period);
    }
}
