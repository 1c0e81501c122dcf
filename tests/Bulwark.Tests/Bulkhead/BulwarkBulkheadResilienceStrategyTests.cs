using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Bulwark.Bulkhead;
using Microsoft.Extensions.Time.Testing;
using Polly;
using Polly.Telemetry;
using static Bulwark.Tests.Bulkhead.BulkheadTestHelpers;

namespace Bulwark.Tests.Bulkhead;

public class BulwarkBulkheadResilienceStrategyTests
{
    [Fact]
    public async Task Execute_MoreCallersThanSlotsAndQueue_RunsMaxQueuesLimitRejectsRest()
    {
        const int MaxConcurrency = 3;
        const int QueueLimit = 2;
        const int Extra = 4;
        var handle = new BulkheadHandle();
        var pipeline = Build(new() { MaxConcurrency = MaxConcurrency, QueueLimit = QueueLimit, Handle = handle }, new FakeTimeProvider());
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = 0;

        var calls = Enumerable.Range(0, MaxConcurrency + QueueLimit + Extra)
            .Select(_ => RunAsync(pipeline, async _ =>
            {
                Interlocked.Increment(ref running);
                await gate.Task;
                return 1;
            }))
            .ToList();

        Assert.Equal(MaxConcurrency, Volatile.Read(ref running));
        Assert.Equal(MaxConcurrency, handle.Active);
        Assert.Equal(QueueLimit, handle.Queued);
        Assert.Equal(Extra, handle.RejectedTotal);
        var rejected = calls.Where(c => c.IsCompleted).ToList();
        Assert.Equal(Extra, rejected.Count);
        Assert.All(rejected, c => Assert.Equal(BulkheadRejectionReason.QueueFull, c.Result.RejectionReason()));

        gate.SetResult();
        var outcomes = await Task.WhenAll(calls).Bounded();

        Assert.Equal(MaxConcurrency + QueueLimit, outcomes.Count(o => o.Exception is null && o.Result == 1));
        Assert.Equal(0, handle.Active);
        Assert.Equal(0, handle.Queued);
    }

    [Fact]
    public async Task Execute_QueuedCallers_AreGrantedInArrivalOrder()
    {
        var pipeline = Build(new() { MaxConcurrency = 1, QueueLimit = 10 }, new FakeTimeProvider());
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var holder = RunAsync(pipeline, async _ =>
        {
            await gate.Task;
            return 0;
        });
        var order = new ConcurrentQueue<int>();

        var queued = Enumerable.Range(1, 10)
            .Select(i => RunAsync(pipeline, _ =>
            {
                order.Enqueue(i);
                return ValueTask.FromResult(i);
            }))
            .ToList();

        Assert.Empty(order);
        gate.SetResult();
        await holder.Bounded();
        await Task.WhenAll(queued).Bounded();

        Assert.Equal(Enumerable.Range(1, 10), order);
    }

    [Fact]
    public async Task Execute_QueuedLongerThanMaxWait_ReturnsWaitTimedOut()
    {
        var time = new FakeTimeProvider();
        var handle = new BulkheadHandle();
        var pipeline = Build(new() { MaxConcurrency = 1, QueueLimit = 1, MaxWait = TimeSpan.FromSeconds(1), Handle = handle }, time);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var holder = RunAsync(pipeline, async _ =>
        {
            await gate.Task;
            return 0;
        });
        var waiter = RunAsync(pipeline, _ => ValueTask.FromResult(1));

        time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.False(waiter.IsCompleted);
        Assert.Equal(1, handle.Queued);

        time.Advance(TimeSpan.FromMilliseconds(1));
        var outcome = await waiter.Bounded();

        Assert.Equal(BulkheadRejectionReason.WaitTimedOut, outcome.RejectionReason());
        Assert.Equal(TimeSpan.FromSeconds(1), Assert.IsType<BulkheadRejectedException>(outcome.Exception).RetryAfter);
        Assert.Equal(0, handle.Queued);
        Assert.Equal(1, handle.RejectedTotal);
        Assert.Equal(1, handle.Active);

        gate.SetResult();
        await holder.Bounded();
        Assert.Equal(0, handle.Active);
    }

    [Fact]
    public async Task Execute_GrantedBeforeMaxWaitElapses_RunsAndLeaksNoSlot()
    {
        var time = new FakeTimeProvider();
        var handle = new BulkheadHandle();
        var pipeline = Build(new() { MaxConcurrency = 1, QueueLimit = 1, MaxWait = TimeSpan.FromSeconds(1), Handle = handle }, time);
        var holderGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var waiterGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var waiterStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var holder = RunAsync(pipeline, async _ =>
        {
            await holderGate.Task;
            return 0;
        });
        var waiter = RunAsync(pipeline, async _ =>
        {
            waiterStarted.SetResult();
            await waiterGate.Task;
            return 1;
        });

        holderGate.SetResult();
        await holder.Bounded();

        // The slot was handed over; the timer firing now must neither reject nor free that slot.
        time.Advance(TimeSpan.FromSeconds(5));
        await waiterStarted.Task.Bounded();
        Assert.Equal(1, handle.Active);
        Assert.Equal(0, handle.RejectedTotal);

        waiterGate.SetResult();
        var outcome = await waiter.Bounded();
        Assert.Equal(1, outcome.Result);
        Assert.Equal(0, handle.Active);
    }

    [Fact]
    public async Task Execute_MaxWaitZeroAndSlotsBusy_RejectsAtOnceWithWaitTimedOut()
    {
        var handle = new BulkheadHandle();
        var pipeline = Build(new() { MaxConcurrency = 1, QueueLimit = 5, MaxWait = TimeSpan.Zero, Handle = handle }, new FakeTimeProvider());
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var holder = RunAsync(pipeline, async _ =>
        {
            await gate.Task;
            return 0;
        });

        var outcome = await RunAsync(pipeline, _ => ValueTask.FromResult(1)).Bounded();

        Assert.Equal(BulkheadRejectionReason.WaitTimedOut, outcome.RejectionReason());
        Assert.Null(Assert.IsType<BulkheadRejectedException>(outcome.Exception).RetryAfter);
        Assert.Equal(0, handle.Queued);
        gate.SetResult();
        await holder.Bounded();
    }

    [Fact]
    public async Task Execute_QueueLimitZeroAndSlotsBusy_RejectsWithQueueFull()
    {
        var pipeline = Build(new() { MaxConcurrency = 1, QueueLimit = 0 }, new FakeTimeProvider());
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var holder = RunAsync(pipeline, async _ =>
        {
            await gate.Task;
            return 0;
        });

        var outcome = await RunAsync(pipeline, _ => ValueTask.FromResult(1)).Bounded();

        Assert.Equal(BulkheadRejectionReason.QueueFull, outcome.RejectionReason());
        gate.SetResult();
        await holder.Bounded();
    }

    [Fact]
    public async Task Execute_CallerCancelsWhileQueued_LeavesQueueAndReturnsCancellation()
    {
        var handle = new BulkheadHandle();
        var pipeline = Build(new() { MaxConcurrency = 1, QueueLimit = 2, Handle = handle }, new FakeTimeProvider());
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var holder = RunAsync(pipeline, async _ =>
        {
            await gate.Task;
            return 0;
        });
        using var cts = new CancellationTokenSource();
        var invoked = false;
        var waiter = RunAsync(pipeline, _ =>
        {
            invoked = true;
            return ValueTask.FromResult(1);
        }, cts.Token);
        Assert.Equal(1, handle.Queued);

        await cts.CancelAsync();
        var outcome = await waiter.Bounded();

        var exception = Assert.IsType<OperationCanceledException>(outcome.Exception);
        Assert.Equal(cts.Token, exception.CancellationToken);
        Assert.False(invoked);
        Assert.Equal(0, handle.Queued);
        Assert.Equal(0, handle.RejectedTotal);

        gate.SetResult();
        await holder.Bounded();
        Assert.Equal(0, handle.Active);
    }

    [Fact]
    public async Task Execute_AlreadyCancelledAndSlotsBusy_ReturnsCancellationWithoutQueueing()
    {
        var handle = new BulkheadHandle();
        var pipeline = Build(new() { MaxConcurrency = 1, QueueLimit = 2, Handle = handle }, new FakeTimeProvider());
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var holder = RunAsync(pipeline, async _ =>
        {
            await gate.Task;
            return 0;
        });

        var outcome = await RunAsync(pipeline, _ => ValueTask.FromResult(1), new CancellationToken(canceled: true)).Bounded();

        Assert.IsType<OperationCanceledException>(outcome.Exception);
        Assert.Equal(0, handle.Queued);
        gate.SetResult();
        await holder.Bounded();
    }

    [Fact]
    public async Task Execute_CallbackThrowsSynchronously_ReleasesSlot()
    {
        var handle = new BulkheadHandle();
        var pipeline = new ResiliencePipelineBuilder().AddBulwarkBulkhead(new BulwarkBulkheadStrategyOptions { MaxConcurrency = 1, Handle = handle }).Build();

        await Assert.ThrowsAsync<InvalidOperationException>(() => pipeline.ExecuteAsync<int>(_ => throw new InvalidOperationException("boom")).AsTask()).Bounded();

        Assert.Equal(0, handle.Active);
        Assert.Equal(2, await pipeline.ExecuteAsync(_ => ValueTask.FromResult(2)).AsTask().Bounded());
    }

    [Fact]
    public async Task Execute_CallbackFaultsAsynchronously_ReleasesSlot()
    {
        var handle = new BulkheadHandle();
        var pipeline = Build(new() { MaxConcurrency = 1, Handle = handle }, new FakeTimeProvider());

        var outcome = await RunAsync(pipeline, async _ =>
        {
            await Task.Yield();
            throw new InvalidOperationException("boom");
        }).Bounded();

        Assert.IsType<InvalidOperationException>(outcome.Exception);
        Assert.Equal(0, handle.Active);
    }

    [Fact]
    public async Task Execute_QueuedCallbackThrows_ReleasesSlotToNextWaiter()
    {
        var handle = new BulkheadHandle();
        var pipeline = Build(new() { MaxConcurrency = 1, QueueLimit = 2, Handle = handle }, new FakeTimeProvider());
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var holder = RunAsync(pipeline, async _ =>
        {
            await gate.Task;
            return 0;
        });
        var failing = RunAsync(pipeline, _ => throw new InvalidOperationException("boom"));
        var next = RunAsync(pipeline, _ => ValueTask.FromResult(3));

        gate.SetResult();

        Assert.IsType<InvalidOperationException>((await failing.Bounded()).Exception);
        Assert.Equal(3, (await next.Bounded()).Result);
        await holder.Bounded();
        Assert.Equal(0, handle.Active);
        Assert.Equal(0, handle.Queued);
    }

    [Fact]
    public async Task Execute_Rejected_InvokesOnRejectedAndReportsPollyStrategyEvent()
    {
        var pipelineName = "bulkhead-telemetry-" + Guid.NewGuid().ToString("N");
        var events = new ConcurrentQueue<string>();
        using var meterListener = new MeterListener();
        meterListener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Polly" && instrument.Name == "resilience.polly.strategy.events")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        meterListener.SetMeasurementEventCallback<int>((_, _, tags, _) =>
        {
            string? eventName = null;
            var ours = false;
            foreach (var tag in tags)
            {
                ours |= tag.Key == "pipeline.name" && Equals(tag.Value, pipelineName);
                eventName = tag.Key == "event.name" ? tag.Value as string : eventName;
            }

            if (ours && eventName is not null)
            {
                events.Enqueue(eventName);
            }
        });
        meterListener.Start();

        var rejections = new List<BulkheadRejectionReason>();
        var pipeline = new ResiliencePipelineBuilder { Name = pipelineName, TimeProvider = new FakeTimeProvider() }
            .AddBulwarkBulkhead(new BulwarkBulkheadStrategyOptions
            {
                MaxConcurrency = 1,
                QueueLimit = 0,
                OnRejected = args =>
                {
                    rejections.Add(args.Reason);
                    return default;
                },
            })
            .ConfigureTelemetry(new TelemetryOptions())
            .Build();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var holder = RunAsync(pipeline, async _ =>
        {
            await gate.Task;
            return 0;
        });

        var outcome = await RunAsync(pipeline, _ => ValueTask.FromResult(1)).Bounded();

        var exception = Assert.IsType<BulkheadRejectedException>(outcome.Exception);
        Assert.NotNull(exception.TelemetrySource);
        Assert.Equal([BulkheadRejectionReason.QueueFull], rejections);
        Assert.Contains("OnBulkheadRejected", events);
        gate.SetResult();
        await holder.Bounded();
    }

    [Fact]
    public void Handle_Unbound_ReadsZero()
    {
        var handle = new BulkheadHandle();

        Assert.False(handle.IsBound);
        Assert.Equal(0, handle.Active);
        Assert.Equal(0, handle.Queued);
        Assert.Equal(0, handle.RejectedTotal);
        Assert.Equal(0, handle.MaxConcurrency);
        Assert.Equal(0, handle.QueueLimit);
    }

    [Fact]
    public void Handle_Bound_ExposesLimits()
    {
        var handle = new BulkheadHandle();

        Build(new() { MaxConcurrency = 7, QueueLimit = 9, Handle = handle });

        Assert.True(handle.IsBound);
        Assert.Equal(7, handle.MaxConcurrency);
        Assert.Equal(9, handle.QueueLimit);
    }

    [Fact]
    public void Handle_UsedByTwoBulkheads_Throws()
    {
        var handle = new BulkheadHandle();
        Build(new() { Handle = handle });

        var exception = Assert.Throws<InvalidOperationException>(() => Build(new() { Handle = handle }));

        Assert.Equal("This BulkheadHandle is already bound to a bulkhead; a handle can be used by only one strategy.", exception.Message);
    }
}
