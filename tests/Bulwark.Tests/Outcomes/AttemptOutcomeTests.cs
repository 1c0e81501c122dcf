using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using Bulwark.Bulkhead;
using Bulwark.Failover;
using Bulwark.Outcomes;
using Microsoft.Extensions.Time.Testing;
using Polly;
using Polly.CircuitBreaker;

namespace Bulwark.Tests.Outcomes;

/// <summary>Each attempt's typed outcome, computed once by the failover executor from what really happened.</summary>
public class AttemptOutcomeTests
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(30);
    private readonly FakeTimeProvider _time = new();

    public static TheoryData<string, AttemptOutcome, bool> Failures => new()
    {
        { "refused", AttemptOutcome.ConnectionFailed, false },
        { "reset", AttemptOutcome.ConnectionFailed, true },
        { "status-429", AttemptOutcome.TransientStatus, true },
        { "status-400", AttemptOutcome.Failed, true },
        { "response-503", AttemptOutcome.TransientStatus, true },
        { "invalid-operation", AttemptOutcome.Failed, true },
        { "timeout-exception", AttemptOutcome.Timeout, true },
        { "own-cancellation", AttemptOutcome.Failed, true },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task ExecuteAsync_FailedAttempt_IsClassifiedOnceByType(string failure, AttemptOutcome expected, bool reached)
    {
        var executor = new FailoverExecutor<HttpResponseMessage>(
            [new FailoverProvider<HttpResponseMessage>("a", ResiliencePipeline<HttpResponseMessage>.Empty)],
            new FailoverOptions<HttpResponseMessage> { TimeProvider = _time });

        var result = await executor.ExecuteAsync(_ => failure switch
        {
            "refused" => throw new HttpRequestException(HttpRequestError.ConnectionError, "refused", new SocketException((int)SocketError.ConnectionRefused)),
            "reset" => throw new HttpRequestException(HttpRequestError.ConnectionError, "reset", new IOException("reset by peer")),
            "status-429" => throw new HttpRequestException("throttled", null, HttpStatusCode.TooManyRequests),
            "status-400" => throw new HttpRequestException("bad", null, HttpStatusCode.BadRequest),
            "response-503" => ValueTask.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable)),
            "invalid-operation" => throw new InvalidOperationException("bug"),
            "timeout-exception" => throw new TimeoutException("slow"),
            "own-cancellation" => throw new OperationCanceledException("the callback's own token, neither the caller's nor a timeout's"),
            _ => throw new ArgumentOutOfRangeException(nameof(failure)),
        }).AsTask().WaitAsync(TestTimeout);

        var attempt = Assert.Single(result.Attempts);
        Assert.Equal(expected, attempt.Outcome);
        Assert.Equal(reached, attempt.ReachedProvider);
        Assert.Equal(FailoverAttemptKind.Failure, attempt.Kind);
    }

    [Fact]
    public async Task ExecuteAsync_NotTransientStatus_IsServedNotFailedOver()
    {
        // One transient rule: a 501 is not transient for the classifier, so the chain does not fail over on it either.
        var executor = new FailoverExecutor<HttpResponseMessage>(
            [
                new FailoverProvider<HttpResponseMessage>("a", ResiliencePipeline<HttpResponseMessage>.Empty),
                new FailoverProvider<HttpResponseMessage>("b", ResiliencePipeline<HttpResponseMessage>.Empty),
            ],
            new FailoverOptions<HttpResponseMessage> { TimeProvider = _time });

        var result = await executor.ExecuteAsync(_ => ValueTask.FromResult(new HttpResponseMessage(HttpStatusCode.NotImplemented)))
            .AsTask().WaitAsync(TestTimeout);

        Assert.Equal("a", result.Provider);
        Assert.Equal(AttemptOutcome.Success, Assert.Single(result.Attempts).Outcome);
    }

    [Fact]
    public async Task ExecuteAsync_AttemptTimeout_IsTimeoutAndReachedTheProvider()
    {
        var pipeline = new ResiliencePipelineBuilder<int> { TimeProvider = _time }.AddTimeout(TimeSpan.FromSeconds(1)).Build();
        var executor = new FailoverExecutor<int>([new FailoverProvider<int>("slow", pipeline)], new FailoverOptions<int> { TimeProvider = _time });
        var started = new TaskCompletionSource();

        var running = executor.ExecuteAsync(async context =>
        {
            started.SetResult();
            await Task.Delay(TimeSpan.FromMinutes(1), _time, context.CancellationToken);
            return 1;
        }).AsTask();
        await started.Task.WaitAsync(TestTimeout);
        _time.Advance(TimeSpan.FromSeconds(1));
        var result = await running.WaitAsync(TestTimeout);

        var attempt = Assert.Single(result.Attempts);
        Assert.Equal(AttemptOutcome.Timeout, attempt.Outcome);
        Assert.True(attempt.ReachedProvider);
    }

    [Fact]
    public async Task ExecuteAsync_CallerCancels_IsCancelled()
    {
        using var cancellation = new CancellationTokenSource();
        var executor = new FailoverExecutor<int>([new FailoverProvider<int>("a", ResiliencePipeline<int>.Empty)], new FailoverOptions<int> { TimeProvider = _time });

        var result = await executor.ExecuteAsync(
            context =>
            {
                cancellation.Cancel();
                context.CancellationToken.ThrowIfCancellationRequested();
                return ValueTask.FromResult(1);
            },
            cancellation.Token).AsTask().WaitAsync(TestTimeout);

        Assert.Equal(AttemptOutcome.Cancelled, Assert.Single(result.Attempts).Outcome);
    }

    [Fact]
    public async Task ExecuteAsync_Rejections_AreTypedAndNeverReachedTheProvider()
    {
        var open = new CircuitBreakerManualControl();
        var breaker = new ResiliencePipelineBuilder<int>().AddCircuitBreaker(new CircuitBreakerStrategyOptions<int> { ManualControl = open, MinimumThroughput = 2 }).Build();
        var bulkhead = new ResiliencePipelineBuilder<int>().AddBulwarkBulkhead(new BulwarkBulkheadStrategyOptions { MaxConcurrency = 1, QueueLimit = 0 }).Build();
        var limiter = new ResiliencePipelineBuilder<int>()
            .AddRateLimiter(new ConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = 1, QueueLimit = 0 }))
            .Build();
        var blocker = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var blockerStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var limiterBlocker = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var limiterStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var heldBulkhead = bulkhead.ExecuteAsync(async _ => { blockerStarted.SetResult(); return await blocker.Task; }).AsTask();
        var heldLimiter = limiter.ExecuteAsync(async _ => { limiterStarted.SetResult(); return await limiterBlocker.Task; }).AsTask();
        await Task.WhenAll(blockerStarted.Task, limiterStarted.Task).WaitAsync(TestTimeout);
        await open.IsolateAsync();

        var executor = new FailoverExecutor<int>(
            [
                new FailoverProvider<int>("isolated", breaker),
                new FailoverProvider<int>("bulkhead", bulkhead),
                new FailoverProvider<int>("limited", limiter),
                new FailoverProvider<int>("down", ResiliencePipeline<int>.Empty, isAvailable: () => false),
            ],
            new FailoverOptions<int> { TimeProvider = _time });

        var result = await executor.ExecuteAsync(_ => ValueTask.FromResult(1)).AsTask().WaitAsync(TestTimeout);
        blocker.SetResult(0);
        limiterBlocker.SetResult(0);
        await Task.WhenAll(heldBulkhead, heldLimiter).WaitAsync(TestTimeout);

        Assert.Equal(
            [AttemptOutcome.Isolated, AttemptOutcome.BulkheadFull, AttemptOutcome.RateLimited, AttemptOutcome.Skipped],
            result.Attempts.Select(a => a.Outcome));
        Assert.All(result.Attempts, a => Assert.False(a.ReachedProvider));
        Assert.All(result.Attempts, a => Assert.True(a.Outcome.IsRejection() && a.Outcome.IsFailure()));
    }

    [Fact]
    public async Task ExecuteAsync_OtherRejection_IsRejectedAndNeverReachedTheProvider()
    {
        var executor = new FailoverExecutor<int>([new FailoverProvider<int>("a", ResiliencePipeline<int>.Empty)], new FailoverOptions<int> { TimeProvider = _time });

        var result = await executor.ExecuteAsync(_ => throw new QuotaRejectedException()).AsTask().WaitAsync(TestTimeout);

        var attempt = Assert.Single(result.Attempts);
        Assert.Equal(AttemptOutcome.Rejected, attempt.Outcome);
        Assert.False(attempt.ReachedProvider);
        Assert.True(attempt.Outcome.IsRejection());
    }

    [Fact]
    public async Task ExecuteAsync_PipelineAnswersWithoutCallingTheCallback_TheFailoverRuleStillDecides()
    {
        // b's breaker is isolated and its fallback answers 0 without an attempt: the chain's rule (0 fails over) must
        // judge that answer, not a decision recorded for no attempt.
        var isolated = new CircuitBreakerManualControl();
        await isolated.IsolateAsync();
        var b = new ResiliencePipelineBuilder<int>()
            .AddFallback(new Polly.Fallback.FallbackStrategyOptions<int>
            {
                ShouldHandle = static args => ValueTask.FromResult(args.Outcome.Exception is BrokenCircuitException),
                FallbackAction = static _ => Outcome.FromResultAsValueTask(0),
            })
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<int> { ManualControl = isolated })
            .Build();
        var executor = new FailoverExecutor<int>(
            [
                new FailoverProvider<int>("a", ResiliencePipeline<int>.Empty),
                new FailoverProvider<int>("b", b),
                new FailoverProvider<int>("c", ResiliencePipeline<int>.Empty),
            ],
            new FailoverOptions<int> { TimeProvider = _time, ShouldFailover = static args => args.Outcome.Exception is not null || args.Outcome.Result == 0 });

        var result = await executor.ExecuteAsync(context => context.Provider == "a" ? throw new HttpRequestException("refused") : ValueTask.FromResult(7))
            .AsTask().WaitAsync(TestTimeout);

        Assert.Equal(7, result.Outcome.Result);
        Assert.Equal("c", result.Provider);
    }

    [Fact]
    public async Task ExecuteAsync_OpenBreaker_IsCircuitOpen()
    {
        var breaker = new ResiliencePipelineBuilder<int> { TimeProvider = _time }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<int>
            {
                MinimumThroughput = 2,
                FailureRatio = 0.5,
                ShouldHandle = static args => ValueTask.FromResult(args.Outcome.Exception is InvalidOperationException),
            })
            .Build();
        for (var i = 0; i < 2; i++)
        {
            await breaker.ExecuteOutcomeAsync<int, int>(static (_, _) => ValueTask.FromResult(Outcome.FromException<int>(new InvalidOperationException())), ResilienceContextPool.Shared.Get(), 0);
        }

        var executor = new FailoverExecutor<int>([new FailoverProvider<int>("a", breaker)], new FailoverOptions<int> { TimeProvider = _time });
        var result = await executor.ExecuteAsync(_ => ValueTask.FromResult(1)).AsTask().WaitAsync(TestTimeout);

        Assert.Equal(AttemptOutcome.CircuitOpen, Assert.Single(result.Attempts).Outcome);
    }

    private sealed class QuotaRejectedException : ExecutionRejectedException
    {
        public QuotaRejectedException()
            : base("The provider's quota strategy refused the call.")
        {
        }
    }

    [Fact]
    public async Task ExecuteAsync_ResultCarryingAStatus_ReportsItOnTheAttempt_WithoutChangingTheVerdict()
    {
        var executor = new FailoverExecutor<StatusResult>(
            [new FailoverProvider<StatusResult>("a", ResiliencePipeline<StatusResult>.Empty), new FailoverProvider<StatusResult>("b", ResiliencePipeline<StatusResult>.Empty)],
            new FailoverOptions<StatusResult> { TimeProvider = _time });

        var result = await executor.ExecuteAsync(_ => ValueTask.FromResult(new StatusResult(503))).AsTask().WaitAsync(TestTimeout);

        // A 503 that is not an HttpResponseMessage is no failure to the default predicate: served, and its status said.
        var attempt = Assert.Single(result.Attempts);
        Assert.Equal(("a", AttemptOutcome.Success, 503), (attempt.Provider, attempt.Outcome, attempt.StatusCode));
    }

    private sealed record StatusResult(int StatusCode) : IHttpStatusResult;
}
