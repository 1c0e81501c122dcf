using Bulwark.Bulkhead;
using Microsoft.Extensions.Time.Testing;
using Polly;

namespace Bulwark.Tests.Bulkhead;

internal static class BulkheadTestHelpers
{
    public static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(30);

    public static ResiliencePipeline Build(BulwarkBulkheadStrategyOptions options, FakeTimeProvider? timeProvider = null)
    {
        var builder = new ResiliencePipelineBuilder();
        if (timeProvider is not null)
        {
            builder.TimeProvider = timeProvider;
        }

        return builder.AddBulwarkBulkhead(options).Build();
    }

    /// <summary>Runs <paramref name="body"/> through the pipeline and returns the outcome instead of throwing.</summary>
    public static async Task<Outcome<int>> RunAsync(ResiliencePipeline pipeline, Func<CancellationToken, ValueTask<int>> body, CancellationToken cancellationToken = default)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        try
        {
            return await pipeline.ExecuteOutcomeAsync(
                static async (ctx, b) =>
                {
                    try
                    {
                        return Outcome.FromResult(await b(ctx.CancellationToken));
                    }
                    catch (Exception ex)
                    {
                        return Outcome.FromException<int>(ex);
                    }
                },
                context,
                body);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    public static Task<T> Bounded<T>(this Task<T> task) => task.WaitAsync(TestTimeout);

    public static Task Bounded(this Task task) => task.WaitAsync(TestTimeout);

    public static BulkheadRejectionReason RejectionReason(this Outcome<int> outcome) =>
        Assert.IsType<BulkheadRejectedException>(outcome.Exception).Reason;
}
