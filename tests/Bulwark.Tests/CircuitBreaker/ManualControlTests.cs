using Bulwark.CircuitBreaker;
using Polly.CircuitBreaker;

namespace Bulwark.Tests.CircuitBreaker;

public class ManualControlTests
{
    [Fact]
    public async Task Isolate_RejectsEveryCall_UntilClosed()
    {
        var h = new BreakerHarness(BreakerHarness.Consecutive());
        await h.Handle.IsolateAsync();
        Assert.Equal(CircuitState.Isolated, h.State);
        h.Time.Advance(TimeSpan.FromHours(1));
        Assert.IsType<IsolatedCircuitException>(h.Succeed().Exception);

        await h.Handle.CloseAsync();
        Assert.Equal(CircuitState.Closed, h.State);
        Assert.Equal(1, h.Succeed().Result);
        Assert.Equal(CircuitTransitionReason.ManualClose, h.Handle.GetHealth().LastTransitionReason);
    }

    [Fact]
    public async Task Reset_ForgetsWindowAndTrips()
    {
        var h = new BreakerHarness(BreakerHarness.Consecutive(2));
        h.Fail();
        await h.Handle.ResetAsync();
        h.Fail();
        Assert.Equal(CircuitState.Closed, h.State);
        var health = h.Handle.GetHealth();
        Assert.Equal(CircuitTransitionReason.ManualReset, health.LastTransitionReason);
        Assert.Equal(1, health.WindowCalls);
        Assert.Equal(0, health.TripCount);
    }

    [Fact]
    public void UnboundHandle_ReadsClosed_AndThrowsOnControl()
    {
        var handle = new CircuitBreakerHandle();
        Assert.Equal(CircuitState.Closed, handle.State);
        var error = Assert.Throws<InvalidOperationException>(() => handle.GetHealth());
        Assert.Equal(
            "The CircuitBreakerHandle is not bound: assign it to BulwarkCircuitBreakerStrategyOptions.Handle and build the pipeline first.",
            error.Message);
    }

    [Fact]
    public void Handle_BoundTwice_Throws()
    {
        var handle = new CircuitBreakerHandle();
        var options = BreakerHarness.Consecutive();
        options.Handle = handle;
        _ = new BreakerHarness(options);
        var second = BreakerHarness.Consecutive();
        second.Handle = handle;
        var error = Assert.Throws<System.ComponentModel.DataAnnotations.ValidationException>(() => new BreakerHarness(second));
        Assert.Contains("already bound to another circuit breaker", error.Message);
    }

    [Fact]
    public async Task StateChanged_IsRaisedForEveryTransition()
    {
        var h = new BreakerHarness(BreakerHarness.Consecutive(1));
        var seen = new List<(CircuitState From, CircuitState To, CircuitTransitionReason Reason)>();
        h.Handle.StateChanged += (_, t) => seen.Add((t.From, t.To, t.Reason));

        h.Fail();
        h.Time.Advance(TimeSpan.FromSeconds(5));
        h.Succeed();
        await h.Handle.IsolateAsync();
        await h.Handle.CloseAsync();

        Assert.Equal(
            [
                (CircuitState.Closed, CircuitState.Open, CircuitTransitionReason.ConsecutiveFailures),
                (CircuitState.Open, CircuitState.HalfOpen, CircuitTransitionReason.BreakDurationElapsed),
                (CircuitState.Closed, CircuitState.Isolated, CircuitTransitionReason.ManualIsolation),
                (CircuitState.Isolated, CircuitState.Closed, CircuitTransitionReason.ManualClose),
            ],
            seen.Where(s => s.To != CircuitState.Closed || s.Reason != CircuitTransitionReason.ProbesSucceeded));
        Assert.Contains((CircuitState.HalfOpen, CircuitState.Closed, CircuitTransitionReason.ProbesSucceeded), seen);
    }

    [Fact]
    public async Task Callbacks_AndTelemetry_ReceiveTransitions()
    {
        var options = BreakerHarness.Consecutive(1);
        var reasons = new List<string>();
        options.OnOpened = args => { reasons.Add($"opened:{args.Reason}"); return default; };
        options.OnHalfOpened = args => { reasons.Add($"half:{args.Reason}"); return default; };
        options.OnClosed = args => { reasons.Add($"closed:{args.Reason}"); return default; };
        var h = new BreakerHarness(options);

        h.Fail();
        h.Time.Advance(TimeSpan.FromSeconds(5));
        h.Succeed();
        await h.Handle.CloseAsync(); // already closed: no event

        Assert.Equal(["opened:ConsecutiveFailures", "half:BreakDurationElapsed", "closed:ProbesSucceeded"], reasons);
        Assert.Equal(["OnCircuitOpened", "OnCircuitHalfOpened", "OnCircuitClosed"], h.Events.Names.Where(n => n.StartsWith("OnCircuit", StringComparison.Ordinal)));
    }
}
