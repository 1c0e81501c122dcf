using System.Net;
using Bulwark.Backoff;
using Bulwark.Classification;
using Bulwark.Failover;
using Bulwark.Outcomes;
using Bulwark.Retry;
using Microsoft.Extensions.Time.Testing;
using Polly;

namespace Bulwark.Tests.Failover;

/// <summary>Failures returned as outcomes instead of thrown, and the failover rule asked once per attempt.</summary>
public class FailoverExecuteOutcomeTests
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(30);
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task ExecuteOutcomeAsync_ReturnedFailures_AreRetriedAndFailedOverLikeThrownOnes()
    {
        var executor = new FailoverExecutor<string>(
            [
                new FailoverProvider<string>("a", RetryPipeline(maxRetries: 1)) { MaxAttempts = 2 },
                new FailoverProvider<string>("b", RetryPipeline(maxRetries: 1)) { MaxAttempts = 2 },
            ],
            new FailoverOptions<string> { TimeProvider = _time });
        var calls = new List<string>();

        var result = await executor.ExecuteOutcomeAsync(
            static (context, log) =>
            {
                log.Add($"{context.Provider}{context.AttemptNumber}");
                return ValueTask.FromResult(context.Provider == "a"
                    ? Outcome.FromException<string>(new HttpRequestException("held back", null, HttpStatusCode.ServiceUnavailable))
                    : Outcome.FromResult("served"));
            },
            calls,
            ReplayCondition.Always,
            CancellationToken.None).AsTask().WaitAsync(TestTimeout);

        Assert.Equal("served", result.Outcome.Result);
        Assert.Equal(["a1", "a2", "b1"], calls);
        Assert.Equal([AttemptOutcome.TransientStatus, AttemptOutcome.TransientStatus, AttemptOutcome.Success], result.Attempts.Select(a => a.Outcome));
        Assert.Equal([503, 503, null], result.Attempts.Select(a => a.StatusCode));
    }

    [Fact]
    public async Task ExecuteOutcomeAsync_NonReplayableFailureThatReachedTheProvider_IsNotFailedOver()
    {
        var executor = new FailoverExecutor<string>(
            [new FailoverProvider<string>("a", ResiliencePipeline<string>.Empty), new FailoverProvider<string>("b", ResiliencePipeline<string>.Empty)],
            new FailoverOptions<string> { TimeProvider = _time });

        var result = await executor.ExecuteOutcomeAsync(
            static (_, _) => ValueTask.FromResult(Outcome.FromException<string>(new HttpRequestException("reset mid-request"))),
            0,
            ReplayCondition.NotProcessed,
            CancellationToken.None).AsTask().WaitAsync(TestTimeout);

        // The chain stops at the provider the write may have reached, and reports its failure.
        Assert.Equal("a", result.Provider);
        Assert.Equal("a", Assert.Single(result.Attempts).Provider);
        Assert.IsType<HttpRequestException>(result.Outcome.Exception);
    }

    [Theory]
    [InlineData(ReplayCondition.NotProcessed, true)] // a 429 proves provider a did not process the write: b gets it
    [InlineData(ReplayCondition.NotSent, false)] // a one-shot input that reached a is not sent again, refused or not
    public async Task ExecuteOutcomeAsync_NonReplayable_FailsOverAfterARefusalThatProvesNoProcessing(ReplayCondition condition, bool failsOver)
    {
        var executor = new FailoverExecutor<string>(
            [new FailoverProvider<string>("a", ResiliencePipeline<string>.Empty), new FailoverProvider<string>("b", ResiliencePipeline<string>.Empty)],
            new FailoverOptions<string> { TimeProvider = _time });

        var result = await executor.ExecuteOutcomeAsync(
            static (context, _) => ValueTask.FromResult(context.Provider == "a"
                ? Outcome.FromException<string>(new HttpRequestException("rate limited", null, HttpStatusCode.TooManyRequests))
                : Outcome.FromResult("served")),
            0,
            condition,
            CancellationToken.None).AsTask().WaitAsync(TestTimeout);

        Assert.Equal(failsOver ? "b" : "a", result.Provider);
        var first = result.Attempts[0];
        Assert.True(first.ReachedProvider);
        Assert.True(first.ProvedNotProcessed);
        Assert.False(first.MayHaveBeenProcessed);
        Assert.Equal(failsOver ? 2 : 1, result.Attempts.Count);
    }

    [Fact]
    public async Task ExecuteOutcomeAsync_AFailureThatMayHaveBeenProcessed_IsNotProvedNotProcessed()
    {
        var executor = new FailoverExecutor<string>(
            [new FailoverProvider<string>("a", ResiliencePipeline<string>.Empty)],
            new FailoverOptions<string> { TimeProvider = _time });

        var result = await executor.ExecuteOutcomeAsync(
            static (_, _) => ValueTask.FromResult(Outcome.FromException<string>(new HttpRequestException("bad gateway", null, HttpStatusCode.BadGateway))),
            0,
            ReplayCondition.NotProcessed,
            CancellationToken.None).AsTask().WaitAsync(TestTimeout);

        var attempt = Assert.Single(result.Attempts);
        Assert.False(attempt.ProvedNotProcessed);
        Assert.True(attempt.MayHaveBeenProcessed);
    }

    [Fact]
    public async Task ExecuteOutcomeAsync_SkippedProvider_RunsNothing_IsRecordedWithItsReason_AndTheNextServes()
    {
        var executor = new FailoverExecutor<string>(
            [
                new FailoverProvider<string>("a", RetryPipeline(maxRetries: 1)) { MaxAttempts = 2 },
                new FailoverProvider<string>("b", RetryPipeline(maxRetries: 1)) { MaxAttempts = 2 },
            ],
            new FailoverOptions<string> { TimeProvider = _time });
        var calls = new List<string>();

        var result = await executor.ExecuteOutcomeAsync(
            static (context, log) =>
            {
                log.Add(context.Provider);
                return ValueTask.FromResult(Outcome.FromResult("served by " + context.Provider));
            },
            calls,
            ReplayCondition.NotProcessed,
            static (index, _) => index == 0 ? "no model mapping for 'gpt-x'" : null,
            CancellationToken.None).AsTask().WaitAsync(TestTimeout);

        Assert.Equal("served by b", result.Outcome.Result);
        Assert.Equal(["b"], calls);
        Assert.Equal(
            [("a", AttemptOutcome.Skipped, "no model mapping for 'gpt-x'", false), ("b", AttemptOutcome.Success, null, true)],
            result.Attempts.Select(a => (a.Provider, a.Outcome, a.SkipReason, a.ReachedProvider)));
    }

    [Fact]
    public async Task ExecuteOutcomeAsync_EveryProviderSkipped_NoAvailableProvider_WithEachReason()
    {
        var executor = new FailoverExecutor<string>(
            [new FailoverProvider<string>("a", ResiliencePipeline<string>.Empty), new FailoverProvider<string>("b", ResiliencePipeline<string>.Empty)],
            new FailoverOptions<string> { TimeProvider = _time });

        var result = await executor.ExecuteOutcomeAsync(
            static (_, _) => throw new InvalidOperationException("never called"),
            0,
            ReplayCondition.Always,
            static (index, _) => $"reason {index}",
            CancellationToken.None).AsTask().WaitAsync(TestTimeout);

        Assert.IsType<NoAvailableProviderException>(result.Outcome.Exception);
        Assert.Equal(["reason 0", "reason 1"], result.Attempts.Select(a => a.SkipReason));
    }

    [Fact]
    public async Task ExecuteAsync_FailoverRule_IsAskedOncePerAttempt()
    {
        var asked = 0;
        var executor = new FailoverExecutor<int>(
            [
                new FailoverProvider<int>("a", RetryPipeline<int>(maxRetries: 2)) { MaxAttempts = 3 },
                new FailoverProvider<int>("b", ResiliencePipeline<int>.Empty),
            ],
            new FailoverOptions<int>
            {
                TimeProvider = _time,
                ShouldFailover = args =>
                {
                    Interlocked.Increment(ref asked);
                    return args.Outcome.Exception is not null || args.Outcome.Result < 0;
                },
            });

        var result = await executor.ExecuteAsync(context => context.Provider == "a" ? throw new HttpRequestException("refused") : ValueTask.FromResult(1))
            .AsTask().WaitAsync(TestTimeout);

        Assert.Equal(1, result.Outcome.Result);
        Assert.Equal(4, result.Attempts.Count);
        Assert.Equal(4, asked);
    }

    private ResiliencePipeline<string> RetryPipeline(int maxRetries) => RetryPipeline<string>(maxRetries);

    private ResiliencePipeline<T> RetryPipeline<T>(int maxRetries) =>
        new ResiliencePipelineBuilder<T> { TimeProvider = _time }
            .AddBulwarkRetry(new BulwarkRetryStrategyOptions<T> { MaxRetries = maxRetries, BaseDelay = TimeSpan.Zero, Jitter = JitterMode.None })
            .Build();
}
