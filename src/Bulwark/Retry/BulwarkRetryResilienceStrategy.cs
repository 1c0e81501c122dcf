using Bulwark.Outcomes;
using Bulwark.Backoff;
using Bulwark.Classification;
using Bulwark.RetryBudget;
using Polly;
using Polly.Telemetry;

namespace Bulwark.Retry;

/// <summary>
/// Retries transient failures with backoff and jitter, Retry-After and an optional retry budget.
/// </summary>
/// <remarks>
/// The first attempt runs outside any async state machine: when it completes synchronously and is not handled,
/// the strategy allocates nothing and reports nothing. <c>ExecutionAttempt</c> telemetry is reported for handled
/// attempts and for every attempt after the first.
/// </remarks>
internal sealed class BulwarkRetryResilienceStrategy<T> : ResilienceStrategy<T>
{
    private static readonly ResilienceEvent OnRetryEvent = new(ResilienceEventSeverity.Warning, BulwarkRetryConstants.OnRetryEvent);
    private static readonly ResilienceEvent BudgetExhaustedEvent = new(ResilienceEventSeverity.Warning, BulwarkRetryConstants.OnRetryBudgetExhaustedEvent);
    private static readonly ResilienceEvent HandledAttemptEvent = new(ResilienceEventSeverity.Warning, BulwarkRetryConstants.ExecutionAttemptEvent);
    private static readonly ResilienceEvent AttemptEvent = new(ResilienceEventSeverity.Information, BulwarkRetryConstants.ExecutionAttemptEvent);

    private readonly TimeProvider _timeProvider;
    private readonly ResilienceStrategyTelemetry _telemetry;
    private readonly Func<BulwarkRetryPredicateArguments<T>, ValueTask<bool>> _shouldHandle;
    private readonly Func<OnBulwarkRetryArguments<T>, ValueTask>? _onRetry;
    private readonly BackoffCalculator _backoff;
    private readonly RetryBudgetTracker? _budget;
    private readonly int _maxRetries;
    private readonly bool _honorRetryAfter;
    private readonly TimeSpan _maxRetryAfter;

    public BulwarkRetryResilienceStrategy(BulwarkRetryStrategyOptions<T> options, TimeProvider timeProvider, ResilienceStrategyTelemetry telemetry)
    {
        _timeProvider = timeProvider;
        _telemetry = telemetry;
        _shouldHandle = options.ShouldHandle;
        _onRetry = options.OnRetry;
        _backoff = new BackoffCalculator(options.Backoff, options.Jitter, options.BaseDelay, options.MaxDelay, options.ExponentialFactor, options.RandomSource);
        _budget = options.SharedBudget ?? (options.Budget is { } budget ? new RetryBudgetTracker(budget, timeProvider) : null);
        _maxRetries = options.MaxRetries;
        _honorRetryAfter = options.HonorRetryAfter;
        _maxRetryAfter = options.MaxRetryAfter;
    }

    internal RetryBudgetTracker? Budget => _budget;

    protected override ValueTask<Outcome<T>> ExecuteCore<TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<T>>> callback,
        ResilienceContext context,
        TState state)
    {
        var start = _timeProvider.GetTimestamp();
        _budget?.RecordCall(start);
        var attempt = InvokeSafe(callback, context, state);
        if (!attempt.IsCompletedSuccessfully)
        {
            return ExecuteSlowAsync(callback, context, state, attempt, start);
        }

        var outcome = attempt.Result;
        if (_maxRetries == 0 || context.CancellationToken.IsCancellationRequested)
        {
            return new ValueTask<Outcome<T>>(outcome);
        }

        var handle = _shouldHandle(new BulwarkRetryPredicateArguments<T>(context, outcome, 0));
        if (handle.IsCompletedSuccessfully && !handle.Result)
        {
            return new ValueTask<Outcome<T>>(outcome);
        }

        return RetryAsync(callback, context, state, outcome, handle, start);
    }

    // Read only once a first attempt failed. A strategy configured to make no retry (MaxRetries 0) never reaches it.
    private int MaxRetriesOf(ResilienceContext context) =>
        context.Properties.TryGetValue(BulwarkResilienceProperties.MaxAttempts, out int maxAttempts)
            ? Math.Max(0, maxAttempts - 1)
            : _maxRetries;

    private static ValueTask<Outcome<T>> InvokeSafe<TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<T>>> callback,
        ResilienceContext context,
        TState state)
    {
        try
        {
            return callback(context, state);
        }
        catch (Exception e)
        {
            return new ValueTask<Outcome<T>>(Outcome.FromException<T>(e));
        }
    }

    private static async ValueTask<Outcome<T>> AwaitSafeAsync(ValueTask<Outcome<T>> attempt, ResilienceContext context)
    {
        try
        {
            return await attempt.ConfigureAwait(context.ContinueOnCapturedContext);
        }
        catch (Exception e)
        {
            return Outcome.FromException<T>(e);
        }
    }

    // The first attempt did not complete synchronously: await it, classify it, then retry as usual.
    private async ValueTask<Outcome<T>> ExecuteSlowAsync<TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<T>>> callback,
        ResilienceContext context,
        TState state,
        ValueTask<Outcome<T>> attempt,
        long start)
    {
        // AwaitSafeAsync inlined: one async state machine per request instead of two.
        Outcome<T> outcome;
        try
        {
            outcome = await attempt.ConfigureAwait(context.ContinueOnCapturedContext);
        }
        catch (Exception e)
        {
            outcome = Outcome.FromException<T>(e);
        }

        if (_maxRetries == 0 || context.CancellationToken.IsCancellationRequested)
        {
            return outcome;
        }

        var handle = _shouldHandle(new BulwarkRetryPredicateArguments<T>(context, outcome, 0));
        return await RetryAsync(callback, context, state, outcome, handle, start).ConfigureAwait(context.ContinueOnCapturedContext);
    }

    // Entered with the first outcome and its pending or handled classification; no path here is allocation-free.
    private async ValueTask<Outcome<T>> RetryAsync<TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<T>>> callback,
        ResilienceContext context,
        TState state,
        Outcome<T> outcome,
        ValueTask<bool> pendingHandle,
        long start)
    {
        var cancellationToken = context.CancellationToken;
        var maxRetries = MaxRetriesOf(context);
        var previousDelay = TimeSpan.Zero;
        var attemptNumber = 0;
        var handled = await pendingHandle.ConfigureAwait(context.ContinueOnCapturedContext);

        while (true)
        {
            var duration = _timeProvider.GetElapsedTime(start);
            if (handled || attemptNumber > 0)
            {
                _telemetry.Report(handled ? HandledAttemptEvent : AttemptEvent, context, outcome, new ExecutionAttemptArguments(attemptNumber, duration, handled));
            }

            if (!handled || attemptNumber >= maxRetries || cancellationToken.IsCancellationRequested)
            {
                return outcome;
            }

            // A non-idempotent operation is sent again only after a failure that proves it was not processed (or not sent).
            if (!RequestDelivery.MaySendAgain(outcome, BulwarkResilienceProperties.ReplayOf(context)))
            {
                return outcome;
            }

            if (_budget is not null && !_budget.TryAcquireRetry())
            {
                _telemetry.Report(BudgetExhaustedEvent, context, outcome, new OnRetryBudgetExhaustedArguments(attemptNumber));
                return outcome;
            }

            var isRetryAfter = false;
            TimeSpan delay;
            if (_honorRetryAfter && RetryAfterParser.TryGetRetryAfter(outcome, _timeProvider, out var retryAfter))
            {
                delay = retryAfter < _maxRetryAfter ? retryAfter : _maxRetryAfter;
                isRetryAfter = true;
            }
            else
            {
                delay = _backoff.GetDelay(attemptNumber, previousDelay);
                previousDelay = delay;
            }

            var onRetryArgs = new OnBulwarkRetryArguments<T>(context, outcome, attemptNumber, delay, duration, isRetryAfter);
            _telemetry.Report(OnRetryEvent, context, outcome, onRetryArgs);
            if (_onRetry is not null)
            {
                await _onRetry(onRetryArgs).ConfigureAwait(context.ContinueOnCapturedContext);
            }

            // The caller never sees this result: release it (an HttpResponseMessage holds a connection).
            await ResultDisposal.DisposeResultAsync(outcome, context.ContinueOnCapturedContext).ConfigureAwait(context.ContinueOnCapturedContext);

            try
            {
                if (delay > TimeSpan.Zero)
                {
                    await Task.Delay(delay, _timeProvider, cancellationToken).ConfigureAwait(context.ContinueOnCapturedContext);
                }

                cancellationToken.ThrowIfCancellationRequested();
            }
            catch (OperationCanceledException e)
            {
                return Outcome.FromException<T>(e);
            }

            attemptNumber++;
            start = _timeProvider.GetTimestamp();
            outcome = await AwaitSafeAsync(InvokeSafe(callback, context, state), context).ConfigureAwait(context.ContinueOnCapturedContext);
            handled = !cancellationToken.IsCancellationRequested
                && await _shouldHandle(new BulwarkRetryPredicateArguments<T>(context, outcome, attemptNumber)).ConfigureAwait(context.ContinueOnCapturedContext);
        }
    }
}
