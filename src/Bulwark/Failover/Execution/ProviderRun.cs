using Bulwark.Outcomes;
using Polly;
using Polly.Timeout;

namespace Bulwark.Failover.Execution;

/// <summary>
/// One provider's turn in a failover execution: wraps the user's callback so that every invocation by the provider's
/// pipeline (each retry, each hedged attempt) is timed and recorded.
/// </summary>
internal sealed class ProviderRun<TResult, TState>
{
    private readonly FailoverExecutor<TResult> _executor;
    private readonly Func<FailoverAttemptContext, TState, ValueTask<TResult>>? _callback;
    private readonly Func<FailoverAttemptContext, TState, ValueTask<Outcome<TResult>>>? _outcomeCallback;
    private readonly TState _state;
    private readonly List<FailoverAttempt> _attempts;
    private readonly CancellationToken _callerToken;
    private readonly long _started;
    private int _invocations;
    private long _lastEnded;
    private Exception? _lastException;
    private Outcome<TResult> _lastOutcome;
    private bool _lastFailover;
    private bool _hasLast;

    public ProviderRun(
        FailoverExecutor<TResult> executor,
        FailoverProvider<TResult> provider,
        int providerIndex,
        Func<FailoverAttemptContext, TState, ValueTask<TResult>>? callback,
        Func<FailoverAttemptContext, TState, ValueTask<Outcome<TResult>>>? outcomeCallback,
        TState state,
        List<FailoverAttempt> attempts,
        CancellationToken callerToken)
    {
        _executor = executor;
        Provider = provider;
        ProviderIndex = providerIndex;
        _callback = callback;
        _outcomeCallback = outcomeCallback;
        _state = state;
        _attempts = attempts;
        _callerToken = callerToken;
        _started = executor.TimeProvider.GetTimestamp();
        _lastEnded = _started;
    }

    public FailoverProvider<TResult> Provider { get; }

    public int ProviderIndex { get; }

    /// <summary>Gets how many times the provider's pipeline invoked the callback.</summary>
    public int Invocations => Volatile.Read(ref _invocations);

    public async ValueTask<Outcome<TResult>> InvokeAsync(ResilienceContext context)
    {
        var attemptNumber = Interlocked.Increment(ref _invocations);
        var started = _executor.TimeProvider.GetTimestamp();

        Outcome<TResult> outcome;
        try
        {
            var attempt = new FailoverAttemptContext(Provider.Name, ProviderIndex, attemptNumber, context.CancellationToken);
            outcome = _outcomeCallback is { } outcomeCallback
                ? await outcomeCallback(attempt, _state).ConfigureAwait(context.ContinueOnCapturedContext)
                : Outcome.FromResult(await _callback!(attempt, _state).ConfigureAwait(context.ContinueOnCapturedContext));
        }
        catch (Exception exception)
        {
            outcome = Outcome.FromException<TResult>(exception);
        }

        Record(outcome, attemptNumber, started, context.CancellationToken.IsCancellationRequested);
        return outcome;
    }

    /// <summary>
    /// As <see cref="InvokeAsync"/>, for a pipeline run with <see cref="object"/> results (<see cref="FailoverProvider{TResult}.Untyped"/>):
    /// the same attempt, recorded the same way, its outcome handed to the pipeline as an <see cref="Outcome{TResult}"/> of
    /// <see cref="object"/>, as Polly's bridge would have converted it.
    /// </summary>
    public async ValueTask<Outcome<object>> InvokeUntypedAsync(ResilienceContext context)
    {
        // InvokeAsync's body again rather than a call to it: one async state machine less per attempt.
        var attemptNumber = Interlocked.Increment(ref _invocations);
        var started = _executor.TimeProvider.GetTimestamp();

        Outcome<TResult> outcome;
        try
        {
            var attempt = new FailoverAttemptContext(Provider.Name, ProviderIndex, attemptNumber, context.CancellationToken);
            outcome = _outcomeCallback is { } outcomeCallback
                ? await outcomeCallback(attempt, _state).ConfigureAwait(context.ContinueOnCapturedContext)
                : Outcome.FromResult(await _callback!(attempt, _state).ConfigureAwait(context.ContinueOnCapturedContext));
        }
        catch (Exception exception)
        {
            outcome = Outcome.FromException<TResult>(exception);
        }

        Record(outcome, attemptNumber, started, context.CancellationToken.IsCancellationRequested);
        return outcome.Exception is { } failure ? Outcome.FromException<object>(failure) : Outcome.FromResult<object>(outcome.Result!);
    }

    /// <summary>
    /// Gets whether the chain moves on after <paramref name="outcome"/>, the provider pipeline's final outcome: what was
    /// decided when the attempt that produced it was recorded, so the failover rule runs once per attempt; decided now
    /// only for an outcome no attempt produced (a pipeline's own fallback result).
    /// </summary>
    public bool ShouldFailover(Outcome<TResult> outcome, CancellationToken cancellationToken)
    {
        lock (_attempts)
        {
            if (_hasLast && IsLastRecorded(outcome))
            {
                return _lastFailover;
            }
        }

        return Decide(outcome, cancellationToken);
    }

    private void Record(Outcome<TResult> outcome, int attemptNumber, long started, bool attemptCancelled)
    {
        var timeProvider = _executor.TimeProvider;
        var ended = timeProvider.GetTimestamp();
        lock (_attempts)
        {
            _attempts.Add(Describe(outcome, attemptNumber, timeProvider.GetElapsedTime(started, ended), attemptCancelled));
            _lastEnded = ended;
            _lastException = outcome.Exception;
        }
    }

    /// <summary>
    /// Records the pipeline's final outcome when the pipeline produced it itself (a rejection, or a timeout replacing
    /// the callback's cancellation) rather than passing on the outcome of the last invocation.
    /// </summary>
    public void RecordPipelineOutcome(Outcome<TResult> outcome)
    {
        lock (_attempts)
        {
            if (outcome.Exception is null || ReferenceEquals(outcome.Exception, _lastException))
            {
                return;
            }

            // A timeout that cancelled the last invocation is that invocation's outcome, not one more attempt.
            if (outcome.Exception is TimeoutRejectedException && _lastException is OperationCanceledException && _attempts.Count > 0 && _attempts[^1].Provider == Provider.Name)
            {
                var last = _attempts[^1];
                _attempts[^1] = Describe(outcome, last.AttemptNumber, last.Duration, attemptCancelled: true);
                return;
            }

            var duration = _executor.TimeProvider.GetElapsedTime(_lastEnded);
            _attempts.Add(Describe(outcome, _invocations + 1, duration, attemptCancelled: true));
        }
    }

    private bool IsLastRecorded(Outcome<TResult> outcome) =>
        outcome.Exception is { } exception
            ? ReferenceEquals(exception, _lastOutcome.Exception)
            : _lastOutcome.Exception is null && EqualityComparer<TResult>.Default.Equals(outcome.Result!, _lastOutcome.Result!);

    // The chain's rule: a rejection by the provider's own pipeline always moves on; anything else is the predicate's call.
    private bool Decide(Outcome<TResult> outcome, CancellationToken cancellationToken) =>
        outcome.Exception is ExecutionRejectedException
        || _executor.ShouldFailover(new FailoverPredicateArguments<TResult>(outcome, Provider.Name, cancellationToken, Provider.Classifier));

    // Called under the attempts' lock.
    private FailoverAttempt Describe(Outcome<TResult> outcome, int attemptNumber, TimeSpan duration, bool attemptCancelled)
    {
        var callerCancelled = _callerToken.IsCancellationRequested;
        var failover = Decide(outcome, _callerToken);
        _lastOutcome = outcome;
        _lastFailover = failover;
        _hasLast = true;
        var detail = AttemptClassification.Classify(outcome, failover, callerCancelled, attemptCancelled, Provider.Classifier);
        var kind = detail switch
        {
            AttemptOutcome.Success => FailoverAttemptKind.Success,
            AttemptOutcome.Cancelled => FailoverAttemptKind.Cancelled,
            _ when outcome.Exception is ExecutionRejectedException and not TimeoutRejectedException => FailoverAttemptKind.Rejected,
            _ => FailoverAttemptKind.Failure,
        };

        int? statusCode = AttemptClassification.StatusOf(outcome.Result)
            ?? (outcome.Exception is HttpRequestException { StatusCode: { } status } ? (int)status : null);
        return new FailoverAttempt(
            Provider.Name,
            attemptNumber,
            kind,
            statusCode,
            outcome.Exception?.GetType().FullName,
            duration,
            detail,
            AttemptClassification.ReachedProvider(outcome, detail),
            AttemptClassification.ProvedNotProcessed(outcome, detail));
    }
}
