using Microsoft.Extensions.Time.Testing;

namespace Bulwark.Tests.Infrastructure;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that counts the timers created on it, so a test can wait until code running on
/// another thread has started its delay before it advances the clock. Advancing first would start the delay later
/// than the test means and the expected wake-up would never come.
/// </summary>
internal sealed class TimerWatchingTimeProvider(DateTimeOffset start) : FakeTimeProvider(start)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private readonly SemaphoreSlim _created = new(0);
    private int _timersCreated;

    /// <summary>Gets how many timers have been created so far.</summary>
    public int TimersCreated => Volatile.Read(ref _timersCreated);

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        Interlocked.Increment(ref _timersCreated);
        _created.Release();
        return timer;
    }

    /// <summary>Waits, up to ten seconds, until at least <paramref name="count"/> timers have been created.</summary>
    public async Task WaitForTimersAsync(int count)
    {
        while (TimersCreated < count)
        {
            Assert.True(await _created.WaitAsync(Deadline), $"Timer {count} was never created (created: {TimersCreated}).");
        }
    }
}
