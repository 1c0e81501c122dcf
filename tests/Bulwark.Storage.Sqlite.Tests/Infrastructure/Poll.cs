using System.Diagnostics;

namespace Bulwark.Storage.Sqlite.Tests.Infrastructure;

/// <summary>Waits for a condition by polling it, within a bounded real-time deadline; never a fixed sleep.</summary>
internal static class Poll
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(20);

    /// <summary>Polls <paramref name="condition"/> until it holds; fails the test with <paramref name="what"/> at the deadline.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan timeout)
    {
        var elapsed = Stopwatch.StartNew();
        using var timer = new PeriodicTimer(Interval);
        while (!await condition())
        {
            Assert.True(elapsed.Elapsed < timeout, $"Timed out after {timeout.TotalSeconds:0.#} s waiting for: {what}");
            await timer.WaitForNextTickAsync();
        }
    }
}
