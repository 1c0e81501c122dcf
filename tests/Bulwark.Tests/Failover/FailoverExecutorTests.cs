using System.Net;
using Bulwark.Bulkhead;
using Bulwark.CircuitBreaker;
using Bulwark.Failover;
using Bulwark.Outcomes;
using Microsoft.Extensions.Time.Testing;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace Bulwark.Tests.Failover;

public class FailoverExecutorTests
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(30);
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task ExecuteAsync_FirstProviderFailsAfterRetries_SecondServesAndAttemptsAreTimed()
    {
        var primary = Pipeline<string>(b => b.AddRetry(new RetryStrategyOptions<string> { MaxRetryAttempts = 2, Delay = TimeSpan.Zero }));
        var executor = Executor(
            new FailoverProvider<string>("primary", primary),
            new FailoverProvider<string>("secondary", Pipeline<string>()));

        var result = await executor.ExecuteAsync(
            (context, time) =>
            {
                if (context.Provider == "primary")
                {
                    time.Advance(TimeSpan.FromMilliseconds(10 * context.AttemptNumber));
                    throw new HttpRequestException("connection refused");
                }

                time.Advance(TimeSpan.FromMilliseconds(25));
                return ValueTask.FromResult("served");
            },
            _time).AsTask().WaitAsync(TestTimeout);

        Assert.Equal("served", result.Outcome.Result);
        Assert.Equal("secondary", result.Provider);
        Assert.False(result.UsedFallback);
        const string Http = "System.Net.Http.HttpRequestException";
        Assert.Equal(
            [
                new FailoverAttempt("primary", 1, FailoverAttemptKind.Failure, null, Http, TimeSpan.FromMilliseconds(10), AttemptOutcome.ConnectionFailed, true),
                new FailoverAttempt("primary", 2, FailoverAttemptKind.Failure, null, Http, TimeSpan.FromMilliseconds(20), AttemptOutcome.ConnectionFailed, true),
                new FailoverAttempt("primary", 3, FailoverAttemptKind.Failure, null, Http, TimeSpan.FromMilliseconds(30), AttemptOutcome.ConnectionFailed, true),
                new FailoverAttempt("secondary", 1, FailoverAttemptKind.Success, null, null, TimeSpan.FromMilliseconds(25), AttemptOutcome.Success, true),
            ],
            result.Attempts);
    }

    [Fact]
    public async Task ExecuteAsync_TransientStatus_DisposesFailedResponseAndFailsOver()
    {
        var failed = new TrackedResponse(HttpStatusCode.ServiceUnavailable);
        var served = new TrackedResponse(HttpStatusCode.OK);
        var executor = Executor(
            new FailoverProvider<HttpResponseMessage>("a", Pipeline<HttpResponseMessage>()),
            new FailoverProvider<HttpResponseMessage>("b", Pipeline<HttpResponseMessage>()));

        var result = await executor.ExecuteAsync(context => ValueTask.FromResult<HttpResponseMessage>(context.Provider == "a" ? failed : served))
            .AsTask().WaitAsync(TestTimeout);

        Assert.Same(served, result.Outcome.Result);
        Assert.Equal("b", result.Provider);
        Assert.True(failed.Disposed);
        Assert.False(served.Disposed);
        Assert.Equal([503, 200], result.Attempts.Select(a => a.StatusCode));
        Assert.Equal([FailoverAttemptKind.Failure, FailoverAttemptKind.Success], result.Attempts.Select(a => a.Kind));
    }

    [Fact]
    public async Task ExecuteAsync_NonTransientStatus_ReturnedFromFirstProviderWithoutFailover()
    {
        var secondCalled = false;
        var executor = Executor(
            new FailoverProvider<HttpResponseMessage>("a", Pipeline<HttpResponseMessage>()),
            new FailoverProvider<HttpResponseMessage>("b", Pipeline<HttpResponseMessage>()));

        var result = await executor.ExecuteAsync(context =>
        {
            secondCalled |= context.Provider == "b";
            return ValueTask.FromResult(new HttpResponseMessage(HttpStatusCode.BadRequest));
        }).AsTask().WaitAsync(TestTimeout);

        Assert.Equal(HttpStatusCode.BadRequest, result.Outcome.Result!.StatusCode);
        Assert.Equal("a", result.Provider);
        Assert.False(secondCalled);
        Assert.Equal([new FailoverAttempt("a", 1, FailoverAttemptKind.Success, 400, null, TimeSpan.Zero, AttemptOutcome.Success, true)], result.Attempts);
    }

    [Fact]
    public async Task ExecuteAsync_ProviderUnavailable_IsSkippedAndRecorded()
    {
        var invoked = new List<string>();
        var executor = Executor(
            new FailoverProvider<int>("down", Pipeline<int>(), isAvailable: () => false),
            new FailoverProvider<int>("up", Pipeline<int>(), isAvailable: () => true));

        var result = await executor.ExecuteAsync(context =>
        {
            invoked.Add(context.Provider);
            return ValueTask.FromResult(context.ProviderIndex);
        }).AsTask().WaitAsync(TestTimeout);

        Assert.Equal(["up"], invoked);
        Assert.Equal(1, result.Outcome.Result);
        Assert.Equal("up", result.Provider);
        Assert.Equal(
            [
                new FailoverAttempt("down", 0, FailoverAttemptKind.Skipped, null, null, TimeSpan.Zero, AttemptOutcome.Skipped, false),
                new FailoverAttempt("up", 1, FailoverAttemptKind.Success, null, null, TimeSpan.Zero, AttemptOutcome.Success, true),
            ],
            result.Attempts);
    }

    [Fact]
    public async Task ExecuteAsync_ProviderCreatedWithClosedBreakerHandle_IsTried()
    {
        var executor = Executor(FailoverProvider.Create("a", Pipeline<int>(), new CircuitBreakerHandle()));

        var result = await executor.ExecuteAsync(_ => ValueTask.FromResult(7)).AsTask().WaitAsync(TestTimeout);

        Assert.Equal(7, result.Outcome.Result);
        Assert.True(FailoverProvider.Create("b", Pipeline<int>(), breaker: null).IsAvailable);
    }

    [Fact]
    public async Task ExecuteAsync_CircuitIsolated_RejectionRecordedAndNextProviderServes()
    {
        var control = new CircuitBreakerManualControl();
        var guarded = Pipeline<int>(b => b.AddCircuitBreaker(new CircuitBreakerStrategyOptions<int> { ManualControl = control }));
        await control.IsolateAsync();
        var executor = Executor(
            new FailoverProvider<int>("guarded", guarded),
            new FailoverProvider<int>("backup", Pipeline<int>()));

        var result = await executor.ExecuteAsync(_ => ValueTask.FromResult(1)).AsTask().WaitAsync(TestTimeout);

        Assert.Equal("backup", result.Provider);
        Assert.Equal(
            [
                new FailoverAttempt("guarded", 1, FailoverAttemptKind.Rejected, null, typeof(IsolatedCircuitException).FullName, TimeSpan.Zero, AttemptOutcome.Isolated, false),
                new FailoverAttempt("backup", 1, FailoverAttemptKind.Success, null, null, TimeSpan.Zero, AttemptOutcome.Success, true),
            ],
            result.Attempts);
    }

    [Fact]
    public async Task ExecuteAsync_BulkheadFullEvenIfPredicateSaysNo_MovesOn()
    {
        var handle = new BulkheadHandle();
        var bulkheaded = Pipeline<int>(b => b.AddBulwarkBulkhead(new BulwarkBulkheadStrategyOptions { MaxConcurrency = 1, QueueLimit = 0, Handle = handle }));
        var gate = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var holder = bulkheaded.ExecuteAsync(async _ => await gate.Task).AsTask();
        var executor = Executor(
            new FailoverProvider<int>("bulkheaded", bulkheaded),
            new FailoverProvider<int>("spare", Pipeline<int>()),
            options => options.ShouldFailover = _ => false);

        var result = await executor.ExecuteAsync(_ => ValueTask.FromResult(2)).AsTask().WaitAsync(TestTimeout);

        Assert.Equal("spare", result.Provider);
        Assert.Equal(FailoverAttemptKind.Rejected, result.Attempts[0].Kind);
        Assert.Equal(typeof(BulkheadRejectedException).FullName, result.Attempts[0].ExceptionType);
        gate.SetResult(0);
        await holder.WaitAsync(TestTimeout);
        Assert.Equal(0, handle.Active);
    }

    [Fact]
    public async Task ExecuteAsync_PipelineTimeout_RecordsTheTimedOutInvocationAsATimeout()
    {
        var slow = Pipeline<int>(b => b.AddTimeout(TimeSpan.FromSeconds(1)));
        var executor = Executor(
            new FailoverProvider<int>("slow", slow),
            new FailoverProvider<int>("fast", Pipeline<int>()));
        var slowStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var pending = executor.ExecuteAsync(async context =>
        {
            if (context.Provider == "slow")
            {
                slowStarted.SetResult();
                await Task.Delay(Timeout.InfiniteTimeSpan, context.CancellationToken);
            }

            return 3;
        }).AsTask();
        await slowStarted.Task.WaitAsync(TestTimeout);
        _time.Advance(TimeSpan.FromSeconds(1));
        var result = await pending.WaitAsync(TestTimeout);

        Assert.Equal(3, result.Outcome.Result);
        Assert.Equal("fast", result.Provider);
        Assert.Equal(
            [
                ("slow", 1, FailoverAttemptKind.Failure, typeof(TimeoutRejectedException).FullName),
                ("fast", 1, FailoverAttemptKind.Success, null),
            ],
            result.Attempts.Select(a => (a.Provider, a.AttemptNumber, a.Kind, a.ExceptionType)));
        Assert.Equal(TimeSpan.FromSeconds(1), result.Attempts[0].Duration);
    }

    [Fact]
    public async Task ExecuteAsync_AllFailWithFallback_UsesFallbackAndDisposesLastFailure()
    {
        var failed = new TrackedResponse(HttpStatusCode.BadGateway);
        FailoverFallbackArguments<HttpResponseMessage> seen = default;
        var fallback = new TrackedResponse(HttpStatusCode.OK);
        var executor = Executor(
            new FailoverProvider<HttpResponseMessage>("a", Pipeline<HttpResponseMessage>()),
            new FailoverProvider<HttpResponseMessage>("b", Pipeline<HttpResponseMessage>()),
            options => options.Fallback = args =>
            {
                seen = args;
                return ValueTask.FromResult<HttpResponseMessage>(fallback);
            });

        var result = await executor.ExecuteAsync(context =>
            context.Provider == "a"
                ? throw new HttpRequestException("refused")
                : ValueTask.FromResult<HttpResponseMessage>(failed)).AsTask().WaitAsync(TestTimeout);

        Assert.True(result.UsedFallback);
        Assert.Null(result.Provider);
        Assert.Same(fallback, result.Outcome.Result);
        Assert.Same(failed, seen.LastOutcome!.Value.Result);
        Assert.Equal(2, seen.Attempts.Count);
        Assert.True(failed.Disposed);
        Assert.False(fallback.Disposed);
    }

    [Fact]
    public async Task ExecuteAsync_AllFailWithoutFallback_ReturnsLastFailure()
    {
        var executor = Executor(
            new FailoverProvider<int>("a", Pipeline<int>()),
            new FailoverProvider<int>("b", Pipeline<int>()));

        var result = await executor.ExecuteAsync(context => throw new InvalidOperationException(context.Provider))
            .AsTask().WaitAsync(TestTimeout);

        Assert.False(result.UsedFallback);
        Assert.Null(result.Provider);
        Assert.Equal("b", Assert.IsType<InvalidOperationException>(result.Outcome.Exception).Message);
        Assert.Equal(2, result.Attempts.Count);
    }

    [Fact]
    public async Task ExecuteAsync_AllSkippedWithoutFallback_ReturnsNoAvailableProvider()
    {
        var executor = Executor(new FailoverProvider<int>("a", Pipeline<int>(), () => false));

        var result = await executor.ExecuteAsync(_ => ValueTask.FromResult(1)).AsTask().WaitAsync(TestTimeout);

        Assert.IsType<NoAvailableProviderException>(result.Outcome.Exception);
        Assert.Equal(FailoverAttemptKind.Skipped, Assert.Single(result.Attempts).Kind);
    }

    [Fact]
    public async Task ExecuteAsync_CallerCancelsDuringFirstProvider_StopsWithoutFailoverOrFallback()
    {
        using var cts = new CancellationTokenSource();
        var invoked = new List<string>();
        var fallbackUsed = false;
        var executor = Executor(
            new FailoverProvider<int>("a", Pipeline<int>(b => b.AddRetry(new RetryStrategyOptions<int> { Delay = TimeSpan.Zero }))),
            new FailoverProvider<int>("b", Pipeline<int>()),
            options => options.Fallback = _ =>
            {
                fallbackUsed = true;
                return ValueTask.FromResult(0);
            });

        var result = await executor.ExecuteAsync(
            async (context, source) =>
            {
                invoked.Add(context.Provider);
                await source.CancelAsync();
                context.CancellationToken.ThrowIfCancellationRequested();
                return 1;
            },
            cts,
            cts.Token).AsTask().WaitAsync(TestTimeout);

        Assert.Equal(["a"], invoked);
        Assert.False(fallbackUsed);
        Assert.Null(result.Provider);
        Assert.Equal(cts.Token, Assert.IsType<OperationCanceledException>(result.Outcome.Exception).CancellationToken);
        Assert.Equal(FailoverAttemptKind.Cancelled, Assert.Single(result.Attempts).Kind);
    }

    [Fact]
    public async Task ExecuteAsync_AlreadyCancelled_RunsNothing()
    {
        var executor = Executor(new FailoverProvider<int>("a", Pipeline<int>()));

        var result = await executor.ExecuteAsync(_ => ValueTask.FromResult(1), new CancellationToken(canceled: true)).AsTask().WaitAsync(TestTimeout);

        Assert.IsType<OperationCanceledException>(result.Outcome.Exception);
        Assert.Empty(result.Attempts);
    }

    [Fact]
    public void Ctor_NoProviders_Throws()
    {
        var exception = Assert.Throws<ArgumentException>(() => new FailoverExecutor<int>([]));

        Assert.StartsWith("At least one failover provider is required.", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ProviderCtor_BlankName_Throws()
    {
        Assert.Throws<ArgumentException>(() => new FailoverProvider<int>(" ", Pipeline<int>()));
    }

    [Theory]
    [InlineData(HttpStatusCode.RequestTimeout, true)]
    [InlineData(HttpStatusCode.TooManyRequests, true)]
    [InlineData(HttpStatusCode.InternalServerError, true)]
    [InlineData(HttpStatusCode.GatewayTimeout, true)]
    [InlineData(HttpStatusCode.OK, false)]
    [InlineData(HttpStatusCode.NotFound, false)]
    public void DefaultShouldFailover_HttpStatus_TransientOnly(HttpStatusCode status, bool expected)
    {
        using var response = new HttpResponseMessage(status);

        var actual = new FailoverOptions<HttpResponseMessage>().ShouldFailover(new(Outcome.FromResult(response), "p", CancellationToken.None));

        Assert.Equal(expected, actual);
    }

    [Fact]
    public void DefaultShouldFailover_CancellationNotFromCaller_FailsOver()
    {
        var predicate = new FailoverOptions<int>().ShouldFailover;
        var outcome = Outcome.FromException<int>(new OperationCanceledException());

        Assert.True(predicate(new(outcome, "p", CancellationToken.None)));
        Assert.False(predicate(new(outcome, "p", new CancellationToken(canceled: true))));
    }

    private ResiliencePipeline<T> Pipeline<T>(Action<ResiliencePipelineBuilder<T>>? configure = null)
    {
        var builder = new ResiliencePipelineBuilder<T> { TimeProvider = _time };
        configure?.Invoke(builder);
        return builder.Build();
    }

    private FailoverExecutor<T> Executor<T>(FailoverProvider<T> first, FailoverProvider<T>? second = null, Action<FailoverOptions<T>>? configure = null)
    {
        var options = new FailoverOptions<T> { TimeProvider = _time };
        configure?.Invoke(options);
        return new FailoverExecutor<T>(second is null ? [first] : [first, second], options);
    }

    private sealed class TrackedResponse(HttpStatusCode status) : HttpResponseMessage(status)
    {
        public bool Disposed { get; private set; }

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            base.Dispose(disposing);
        }
    }
}
