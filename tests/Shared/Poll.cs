using System.Diagnostics;

namespace Bulwark.Tests.Shared;

/// <summary>Waits for a condition with a bounded deadline, looking again every few milliseconds; never a fixed sleep.</summary>
internal static class Poll
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(20);

    public static Task UntilAsync(Func<bool> condition, string what, TimeSpan? within = null) =>
        UntilAsync(() => Task.FromResult(condition()), what, within);

    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? within = null)
    {
        var limit = within ?? TimeSpan.FromSeconds(10);
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < limit, $"timed out after {limit} waiting for {what}");
            await Task.Delay(Interval);
        }
    }
}
