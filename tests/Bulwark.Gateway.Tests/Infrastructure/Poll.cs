using System.Diagnostics;

namespace Bulwark.Gateway.Tests.Infrastructure;

/// <summary>Waits for a condition by polling it, within a bounded real-time deadline; never a fixed sleep.</summary>
internal static class Poll
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(5);

    /// <summary>Polls <paramref name="condition"/> until it holds; fails the test with <paramref name="what"/> at the deadline.</summary>
    public static async Task UntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = Stopwatch.StartNew();
        var limit = timeout ?? DefaultTimeout;
        using var timer = new PeriodicTimer(Interval);
        while (!condition())
        {
            if (deadline.Elapsed > limit)
            {
                Assert.Fail($"Timed out after {limit.TotalSeconds:0.#} s waiting for: {what}");
            }

            await timer.WaitForNextTickAsync();
        }
    }

    /// <summary>Polls <paramref name="condition"/>, which asks something over the wire, until it holds; fails the test with <paramref name="what"/> at the deadline.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = Stopwatch.StartNew();
        var limit = timeout ?? DefaultTimeout;
        using var timer = new PeriodicTimer(Interval);
        while (!await condition())
        {
            if (deadline.Elapsed > limit)
            {
                Assert.Fail($"Timed out after {limit.TotalSeconds:0.#} s waiting for: {what}");
            }

            await timer.WaitForNextTickAsync();
        }
    }

    /// <summary>Awaits <paramref name="task"/>, failing the test if it does not complete within the deadline.</summary>
    public static async Task<T> WithinAsync<T>(Task<T> task, string what, TimeSpan? timeout = null)
    {
        try
        {
            return await task.WaitAsync(timeout ?? DefaultTimeout);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"Timed out after {(timeout ?? DefaultTimeout).TotalSeconds:0.#} s waiting for: {what}");
            throw;
        }
    }

    /// <inheritdoc cref="WithinAsync{T}(Task{T}, string, TimeSpan?)"/>
    public static async Task WithinAsync(Task task, string what, TimeSpan? timeout = null)
    {
        try
        {
            await task.WaitAsync(timeout ?? DefaultTimeout);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"Timed out after {(timeout ?? DefaultTimeout).TotalSeconds:0.#} s waiting for: {what}");
        }
    }
}
