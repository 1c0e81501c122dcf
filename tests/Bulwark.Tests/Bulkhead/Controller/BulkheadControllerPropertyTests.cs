using Bulwark.Bulkhead.Controller;
using CsCheck;
using Microsoft.Extensions.Time.Testing;

namespace Bulwark.Tests.Bulkhead.Controller;

public class BulkheadControllerPropertyTests
{
    private enum Op
    {
        Acquire,
        Release,
        Advance,
        Cancel,
    }

    [Fact]
    public void Controller_RandomAcquireReleaseTimeoutCancel_MatchesSequentialModel()
    {
        var gen = Gen.Select(
            Gen.Int[1, 3],
            Gen.Int[0, 3],
            Gen.OneOf(0, 500, 1000),
            Gen.Select(Gen.Enum<Op>(), Gen.Int[0, 1200]).Array[1, 60]);

        gen.Sample(
            sample =>
            {
                var (maxConcurrency, queueLimit, maxWaitMs, ops) = sample;
                Run(maxConcurrency, queueLimit, TimeSpan.FromMilliseconds(maxWaitMs), ops);
            },
            iter: 400,
            threads: 1);
    }

    private static void Run(int maxConcurrency, int queueLimit, TimeSpan maxWait, (Op Op, int Arg)[] ops)
    {
        var time = new FakeTimeProvider();
        var controller = new BulkheadController(maxConcurrency, queueLimit, maxWait, time);
        var model = new Model(maxConcurrency, queueLimit, maxWait);
        var real = new Dictionary<int, Task<BulkheadAcquireResult>>();
        var cancellations = new Dictionary<int, CancellationTokenSource>();
        var next = 0;

        foreach (var (op, arg) in ops)
        {
            switch (op)
            {
                case Op.Acquire:
                    var id = next++;
                    var cts = new CancellationTokenSource();
                    cancellations[id] = cts;
                    real[id] = controller.TryAcquire()
                        ? Task.FromResult(BulkheadAcquireResult.Acquired)
                        : controller.AcquireSlowAsync(cts.Token).AsTask();
                    model.Acquire(id, time.GetUtcNow());
                    break;

                case Op.Release when model.Held.Count > 0:
                    model.Release(model.Held[arg % model.Held.Count]);
                    controller.Release();
                    break;

                case Op.Advance:
                    time.Advance(TimeSpan.FromMilliseconds(arg));
                    model.ExpireUpTo(time.GetUtcNow());
                    break;

                case Op.Cancel when model.Queue.Count > 0:
                    var victim = model.Queue[arg % model.Queue.Count].Id;
                    model.Cancel(victim);
                    cancellations[victim].Cancel();
                    break;
            }

            Assert.Equal(model.Active, controller.Active);
            Assert.Equal(model.Queue.Count, controller.Queued);
            Assert.Equal(model.Rejected, controller.RejectedTotal);
            Assert.InRange(controller.Active, 0, maxConcurrency);
        }

        foreach (var (id, _) in model.Queue.ToList())
        {
            model.Cancel(id);
            cancellations[id].Cancel();
        }

        Assert.True(Task.WaitAll(real.Values.ToArray(), TimeSpan.FromSeconds(30)));
        foreach (var (id, task) in real)
        {
            Assert.Equal(model.Results[id], task.Result);
            cancellations[id].Dispose();
        }

        Assert.Equal(0, controller.Queued);
    }

    /// <summary>The bulkhead as a plain sequential state machine.</summary>
    private sealed class Model(int maxConcurrency, int queueLimit, TimeSpan maxWait)
    {
        public List<int> Held { get; } = [];

        public List<(int Id, DateTimeOffset Deadline)> Queue { get; } = [];

        public Dictionary<int, BulkheadAcquireResult> Results { get; } = [];

        public int Active => Held.Count;

        public long Rejected { get; private set; }

        public void Acquire(int id, DateTimeOffset now)
        {
            if (Queue.Count == 0 && Held.Count < maxConcurrency)
            {
                Grant(id);
            }
            else if (Queue.Count >= queueLimit)
            {
                Reject(id, BulkheadAcquireResult.QueueFull);
            }
            else if (maxWait == TimeSpan.Zero)
            {
                Reject(id, BulkheadAcquireResult.WaitTimedOut);
            }
            else
            {
                Queue.Add((id, now + maxWait));
            }
        }

        public void Release(int id)
        {
            Held.Remove(id);
            while (Queue.Count > 0 && Held.Count < maxConcurrency)
            {
                var head = Queue[0];
                Queue.RemoveAt(0);
                Grant(head.Id);
            }
        }

        public void ExpireUpTo(DateTimeOffset now)
        {
            foreach (var waiter in Queue.Where(w => w.Deadline <= now).ToList())
            {
                Queue.Remove(waiter);
                Reject(waiter.Id, BulkheadAcquireResult.WaitTimedOut);
            }
        }

        public void Cancel(int id)
        {
            Queue.RemoveAll(w => w.Id == id);
            Results[id] = BulkheadAcquireResult.Cancelled;
        }

        private void Grant(int id)
        {
            Held.Add(id);
            Results[id] = BulkheadAcquireResult.Acquired;
        }

        private void Reject(int id, BulkheadAcquireResult reason)
        {
            Rejected++;
            Results[id] = reason;
        }
    }
}
