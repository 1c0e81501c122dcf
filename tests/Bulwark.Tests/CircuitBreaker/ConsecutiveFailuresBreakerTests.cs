using Bulwark.CircuitBreaker;
using Polly;
using Polly.CircuitBreaker;

namespace Bulwark.Tests.CircuitBreaker;

public class ConsecutiveFailuresBreakerTests
{
    [Fact]
    public void Failures_BelowThreshold_StaysClosed()
    {
        var h = new BreakerHarness(BreakerHarness.Consecutive(3));
        h.Fail();
        h.Fail();
        Assert.Equal(CircuitState.Closed, h.State);
        Assert.Equal(2, h.Handle.GetHealth().ConsecutiveFailures);
    }

    [Fact]
    public void Failures_AtThreshold_OpensCircuit()
    {
        var h = new BreakerHarness(BreakerHarness.Consecutive(3));
        h.Fail();
        h.Fail();
        h.Fail();
        Assert.Equal(CircuitState.Open, h.State);
        var health = h.Handle.GetHealth();
        Assert.Equal(CircuitTransitionReason.ConsecutiveFailures, health.LastTransitionReason);
        Assert.Equal(h.Time.GetUtcNow().AddSeconds(5), health.OpenUntil);
    }

    [Fact]
    public void Success_BetweenFailures_ResetsCount()
    {
        var h = new BreakerHarness(BreakerHarness.Consecutive(3));
        h.Fail();
        h.Fail();
        h.Succeed();
        h.Fail();
        h.Fail();
        Assert.Equal(CircuitState.Closed, h.State);
    }

    [Fact]
    public void Open_RejectsAsOutcome_WithTimeUntilRetry()
    {
        var h = new BreakerHarness(BreakerHarness.Consecutive(1));
        h.Fail();
        h.Time.Advance(TimeSpan.FromSeconds(2));

        var outcome = h.Succeed();

        var rejection = Assert.IsType<BulwarkBrokenCircuitException>(outcome.Exception);
        Assert.Equal(TimeSpan.FromSeconds(3), rejection.RetryAfter);
        Assert.Equal(CircuitState.Open, rejection.State);
        Assert.NotNull(rejection.TelemetrySource);
    }

    [Fact]
    public async Task Open_CallbackIsNotInvoked()
    {
        var h = new BreakerHarness(BreakerHarness.Consecutive(1));
        h.Fail();
        int calls = 0;
        await h.Pipeline.ExecuteOutcomeAsync((_, _) => { calls++; return Outcome.FromResultAsValueTask(1); }, ResilienceContextPool.Shared.Get(), 0);
        Assert.Equal(0, calls);
    }

    [Fact]
    public void NonHandledOutcome_IsSuccess()
    {
        var options = BreakerHarness.Consecutive(1);
        options.ShouldHandle = args => new ValueTask<bool>(args.Outcome.Exception is HttpRequestException);
        var h = new BreakerHarness(options);
        h.Run(Outcome.FromException<int>(new InvalidOperationException()));
        Assert.Equal(CircuitState.Closed, h.State);
    }

    [Fact]
    public async Task CallerCancellation_IsNeverAFailure()
    {
        var options = BreakerHarness.Consecutive(1);
        options.ShouldHandle = _ => new ValueTask<bool>(true); // even a predicate that handles everything
        var h = new BreakerHarness(options);
        using var cts = new CancellationTokenSource();
        var context = ResilienceContextPool.Shared.Get(cts.Token);
        var outcome = await h.Pipeline.ExecuteOutcomeAsync(
            static (ctx, source) =>
            {
                source.Cancel();
                return Outcome.FromExceptionAsValueTask<int>(new OperationCanceledException(ctx.CancellationToken));
            },
            context,
            cts);

        Assert.IsType<OperationCanceledException>(outcome.Exception);
        Assert.Equal(CircuitState.Closed, h.State);
        Assert.Equal(0, h.Handle.GetHealth().WindowCalls);
    }

    [Fact]
    public async Task SlowCall_CountsAsFailure()
    {
        var options = BreakerHarness.Consecutive(1);
        options.SlowCallDuration = TimeSpan.FromMilliseconds(500);
        var h = new BreakerHarness(options);
        var outcome = await h.Pipeline.ExecuteOutcomeAsync(
            static (_, time) =>
            {
                time.Advance(TimeSpan.FromMilliseconds(600));
                return Outcome.FromResultAsValueTask(7);
            },
            ResilienceContextPool.Shared.Get(),
            h.Time);

        Assert.Equal(7, outcome.Result); // the result still reaches the caller
        Assert.Equal(CircuitState.Open, h.State);
    }

    [Fact]
    public void FastCall_WithSlowCallCounting_IsSuccess()
    {
        var options = BreakerHarness.Consecutive(1);
        options.SlowCallDuration = TimeSpan.FromMilliseconds(500);
        var h = new BreakerHarness(options);
        h.Succeed();
        Assert.Equal(CircuitState.Closed, h.State);
    }
}
