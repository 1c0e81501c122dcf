using System.Net.Sockets;
using Bulwark.Backoff;
using Bulwark.Retry;
using Polly;

namespace Bulwark.Tests.Retry;

public class NonReplayableRetryTests
{
    private static readonly ResiliencePipeline Pipeline = new ResiliencePipelineBuilder()
        .AddBulwarkRetry(new BulwarkRetryStrategyOptions { MaxRetries = 3, BaseDelay = TimeSpan.Zero, Jitter = JitterMode.None })
        .Build();

    [Theory]
    [InlineData(true, 4)] // replayable: every attempt
    [InlineData(false, 1)] // a reset mid-request may have been delivered: never again
    public async Task Retry_NonReplayable_StopsAfterAFailureThatMayHaveBeenDelivered(bool replayable, int expectedCalls)
    {
        int calls = await Run(replayable, () => new HttpRequestException(HttpRequestError.ResponseEnded, "reset"));
        Assert.Equal(expectedCalls, calls);
    }

    [Fact]
    public async Task Retry_NonReplayable_StillRetriesARefusedConnection()
    {
        int calls = await Run(false, () => new HttpRequestException(HttpRequestError.ConnectionError, "refused", new SocketException((int)SocketError.ConnectionRefused)));
        Assert.Equal(4, calls);
    }

    private static async Task<int> Run(bool replayable, Func<Exception> failure)
    {
        int calls = 0;
        var context = ResilienceContextPool.Shared.Get();
        if (!replayable)
        {
            context.Properties.Set(BulwarkResilienceProperties.Replayable, false);
        }

        var outcome = await Pipeline.ExecuteOutcomeAsync(
            (_, f) => { calls++; return Outcome.FromExceptionAsValueTask<int>(f()); },
            context,
            failure);
        Assert.NotNull(outcome.Exception);
        ResilienceContextPool.Shared.Return(context);
        return calls;
    }
}
