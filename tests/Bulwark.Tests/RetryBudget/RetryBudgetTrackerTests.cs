using Bulwark.RetryBudget;
using Microsoft.Extensions.Time.Testing;

namespace Bulwark.Tests.RetryBudget;

public class RetryBudgetTrackerTests
{
    [Fact]
    public void TryAcquireRetry_NoCalls_AllowsMinRetriesTimesWindowSeconds()
    {
        var budget = new RetryBudgetTracker(new RetryBudgetOptions { MinRetriesPerSecond = 2, Window = TimeSpan.FromSeconds(3) }, new FakeTimeProvider());

        var granted = Enumerable.Range(0, 10).Count(_ => budget.TryAcquireRetry());

        Assert.Equal(6, granted);
        Assert.Equal(6, budget.RetriesInWindow);
    }

    [Fact]
    public void TryAcquireRetry_ManyCalls_AllowsRatioOfCalls()
    {
        var budget = new RetryBudgetTracker(new RetryBudgetOptions { MinRetriesPerSecond = 0, Ratio = 0.5 }, new FakeTimeProvider());
        for (var i = 0; i < 10; i++)
        {
            budget.RecordCall();
        }

        var granted = Enumerable.Range(0, 10).Count(_ => budget.TryAcquireRetry());

        Assert.Equal(5, granted);
        Assert.Equal(10, budget.CallsInWindow);
    }

    [Fact]
    public void TryAcquireRetry_MinimumAboveRatio_MinimumWins()
    {
        var budget = new RetryBudgetTracker(new RetryBudgetOptions { MinRetriesPerSecond = 1, Ratio = 0.1, Window = TimeSpan.FromSeconds(4) }, new FakeTimeProvider());
        for (var i = 0; i < 20; i++)
        {
            budget.RecordCall();
        }

        // max(1 * 4, 0.1 * 20) = 4.
        Assert.Equal(4, Enumerable.Range(0, 10).Count(_ => budget.TryAcquireRetry()));
    }

    [Fact]
    public void TryAcquireRetry_WindowElapsed_OldRetriesAndCallsExpire()
    {
        var time = new FakeTimeProvider();
        var budget = new RetryBudgetTracker(new RetryBudgetOptions { MinRetriesPerSecond = 1, Window = TimeSpan.FromSeconds(1) }, time);
        budget.RecordCall();
        Assert.True(budget.TryAcquireRetry());
        Assert.False(budget.TryAcquireRetry());

        // Still inside the window.
        time.Advance(TimeSpan.FromMilliseconds(800));
        Assert.False(budget.TryAcquireRetry());
        Assert.Equal(1, budget.CallsInWindow);

        time.Advance(TimeSpan.FromMilliseconds(300));
        Assert.Equal(0, budget.CallsInWindow);
        Assert.Equal(0, budget.RetriesInWindow);
        Assert.True(budget.TryAcquireRetry());
        Assert.False(budget.TryAcquireRetry());
    }

    [Fact]
    public void TryAcquireRetry_SlidingWindow_CallsFromEarlierBucketsStillCount()
    {
        var time = new FakeTimeProvider();
        var budget = new RetryBudgetTracker(new RetryBudgetOptions { MinRetriesPerSecond = 0, Ratio = 1, Window = TimeSpan.FromSeconds(10) }, time);

        for (var second = 0; second < 5; second++)
        {
            budget.RecordCall();
            time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(5, budget.CallsInWindow);
        Assert.Equal(5, Enumerable.Range(0, 10).Count(_ => budget.TryAcquireRetry()));

        time.Advance(TimeSpan.FromSeconds(7));
        Assert.Equal(2, budget.CallsInWindow);
    }

    [Fact]
    public void RecordCall_Concurrent_CountsEveryCall()
    {
        var budget = new RetryBudgetTracker(new RetryBudgetOptions(), new FakeTimeProvider());

        Parallel.For(0, 10_000, _ => budget.RecordCall());

        Assert.Equal(10_000, budget.CallsInWindow);
    }

    [Fact]
    public void Ctor_InvalidOptions_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RetryBudgetTracker(new RetryBudgetOptions { Ratio = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RetryBudgetTracker(new RetryBudgetOptions { Ratio = 1.01 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RetryBudgetTracker(new RetryBudgetOptions { MinRetriesPerSecond = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RetryBudgetTracker(new RetryBudgetOptions { MinRetriesPerSecond = 10_001 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RetryBudgetTracker(new RetryBudgetOptions { Window = TimeSpan.FromMilliseconds(999) }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RetryBudgetTracker(new RetryBudgetOptions { Window = TimeSpan.FromHours(2) }));
    }

    [Fact]
    public void RetryBudgetOptions_Defaults_MatchContract()
    {
        var options = new RetryBudgetOptions();

        Assert.Equal(0.2, options.Ratio);
        Assert.Equal(10, options.MinRetriesPerSecond);
        Assert.Equal(TimeSpan.FromSeconds(10), options.Window);
    }
}
