using Bulwark.Bulkhead;
using Polly;
using static Bulwark.Tests.Bulkhead.BulkheadTestHelpers;

namespace Bulwark.Tests.Bulkhead;

public class BulwarkBulkheadStressTests
{
    [Theory]
    [InlineData(4, 10_000)]
    [InlineData(4, 8)]
    [InlineData(1, 2)]
    public async Task Execute_ManyConcurrentCallers_NeverExceedsMaxConcurrencyAndLeaksNoSlot(int maxConcurrency, int queueLimit)
    {
        const int Operations = 10_000;
        var handle = new BulkheadHandle();

        // Real time: MaxWait long enough that only a full queue rejects.
        var pipeline = new ResiliencePipelineBuilder()
            .AddBulwarkBulkhead(new BulwarkBulkheadStrategyOptions
            {
                MaxConcurrency = maxConcurrency,
                QueueLimit = queueLimit,
                MaxWait = TimeSpan.FromMinutes(1),
                Handle = handle,
            })
            .Build();
        var current = 0;
        var maxObserved = 0;

        async ValueTask<int> Body(CancellationToken cancellationToken)
        {
            var now = Interlocked.Increment(ref current);
            int seen;
            while (now > (seen = Volatile.Read(ref maxObserved)) && Interlocked.CompareExchange(ref maxObserved, now, seen) != seen)
            {
            }

            // Half the operations complete synchronously (fast path), half yield (real contention).
            if ((now & 1) == 0)
            {
                await Task.Yield();
            }

            Interlocked.Decrement(ref current);
            return 1;
        }

        var tasks = new Task<Outcome<int>>[Operations];
        for (var i = 0; i < Operations; i++)
        {
            tasks[i] = Task.Run(() => RunAsync(pipeline, Body));
        }

        var outcomes = await Task.WhenAll(tasks).Bounded();

        Assert.InRange(maxObserved, 1, maxConcurrency);
        Assert.Equal(0, handle.Active);
        Assert.Equal(0, handle.Queued);
        var succeeded = outcomes.Count(o => o.Exception is null);
        var rejected = outcomes.Count(o => o.Exception is BulkheadRejectedException { Reason: BulkheadRejectionReason.QueueFull });
        Assert.Equal(Operations, succeeded + rejected);
        Assert.Equal(rejected, handle.RejectedTotal);
        if (queueLimit >= Operations)
        {
            Assert.Equal(Operations, succeeded);
        }
    }
}
