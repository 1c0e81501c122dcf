using System.Net.Sockets;
using Bulwark.Backoff;
using Bulwark.Classification;
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

    [Theory]
    [InlineData(429, false, 4)] // a rate limit is a refusal: retried like a GET
    [InlineData(503, true, 4)] // the provider sheds load and says when to come back: retried
    [InlineData(503, false, 1)] // a bare 503 may come from a proxy after the work began: never again
    [InlineData(500, true, 1)]
    public async Task Retry_NonReplayable_RetriesAResponseThatProvesTheRequestWasNotProcessed(int status, bool retryAfter, int expectedCalls)
    {
        int calls = 0;
        var pipeline = new ResiliencePipelineBuilder<HttpResponseMessage>()
            .AddBulwarkRetry(new BulwarkRetryStrategyOptions<HttpResponseMessage> { MaxRetries = 3, BaseDelay = TimeSpan.Zero, Jitter = JitterMode.None, MaxRetryAfter = TimeSpan.Zero })
            .Build();
        var context = ResilienceContextPool.Shared.Get();
        context.Properties.Set(BulwarkResilienceProperties.Replay, ReplayCondition.NotProcessed);

        var outcome = await pipeline.ExecuteOutcomeAsync(
            (_, _) =>
            {
                calls++;
                var response = new HttpResponseMessage((System.Net.HttpStatusCode)status);
                if (retryAfter)
                {
                    response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(1));
                }

                return Outcome.FromResultAsValueTask(response);
            },
            context,
            0);
        ResilienceContextPool.Shared.Return(context);

        Assert.Equal(status, (int)outcome.Result!.StatusCode);
        Assert.Equal(expectedCalls, calls);
        outcome.Result.Dispose();
    }

    [Theory]
    [InlineData(ReplayCondition.NotProcessed, 4)]
    [InlineData(ReplayCondition.NotSent, 1)] // a one-shot input that reached the provider cannot be sent again, refused or not
    public async Task Retry_Condition_DecidesWhetherARefusalThatReachedTheProviderIsRetried(ReplayCondition condition, int expectedCalls)
    {
        int calls = 0;
        var context = ResilienceContextPool.Shared.Get();
        context.Properties.Set(BulwarkResilienceProperties.Replay, condition);
        await Pipeline.ExecuteOutcomeAsync(
            (_, _) => { calls++; return Outcome.FromExceptionAsValueTask<int>(new HttpRequestException("429", null, System.Net.HttpStatusCode.TooManyRequests)); },
            context,
            0);
        ResilienceContextPool.Shared.Return(context);

        Assert.Equal(expectedCalls, calls);
    }

    private static async Task<int> Run(bool replayable, Func<Exception> failure)
    {
        int calls = 0;
        var context = ResilienceContextPool.Shared.Get();
        if (!replayable)
        {
            context.Properties.Set(BulwarkResilienceProperties.Replay, ReplayCondition.NotProcessed);
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
