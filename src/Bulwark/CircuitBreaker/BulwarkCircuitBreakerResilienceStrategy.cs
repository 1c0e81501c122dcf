using Bulwark.Classification;
using Bulwark.CircuitBreaker.Controller;
using Polly;
using Polly.CircuitBreaker;
using Polly.Telemetry;

namespace Bulwark.CircuitBreaker;

/// <summary>The Bulwark circuit breaker as a Polly reactive strategy.</summary>
internal sealed class BulwarkCircuitBreakerResilienceStrategy<TResult> : ResilienceStrategy<TResult>
{
    private static readonly ResilienceEvent OpenedEvent = new(ResilienceEventSeverity.Error, CircuitBreakerConstants.OnOpenedEvent);
    private static readonly ResilienceEvent HalfOpenedEvent = new(ResilienceEventSeverity.Warning, CircuitBreakerConstants.OnHalfOpenedEvent);
    private static readonly ResilienceEvent ClosedEvent = new(ResilienceEventSeverity.Information, CircuitBreakerConstants.OnClosedEvent);

    private readonly CircuitBreakerController _controller;
    private readonly Func<BulwarkCircuitBreakerPredicateArguments<TResult>, ValueTask<bool>> _shouldHandle;
    private readonly Func<CircuitTransitionArguments, ValueTask>? _onOpened;
    private readonly Func<CircuitTransitionArguments, ValueTask>? _onHalfOpened;
    private readonly Func<CircuitTransitionArguments, ValueTask>? _onClosed;
    private readonly ResilienceStrategyTelemetry _telemetry;
    private readonly TimeProvider _time;
    private readonly long _slowCallTimestampTicks;
    private readonly CircuitBreakerHandle? _handle;

    public BulwarkCircuitBreakerResilienceStrategy(
        BulwarkCircuitBreakerStrategyOptions<TResult> options,
        TimeProvider timeProvider,
        ResilienceStrategyTelemetry telemetry)
    {
        _time = timeProvider;
        _telemetry = telemetry;
        _shouldHandle = options.ShouldHandle;
        _onOpened = options.OnOpened;
        _onHalfOpened = options.OnHalfOpened;
        _onClosed = options.OnClosed;
        _slowCallTimestampTicks = options.SlowCallDuration is { } slow
            ? Math.Max(1, (long)(slow.TotalSeconds * timeProvider.TimestampFrequency))
            : 0;
        _controller = new CircuitBreakerController(CircuitBreakerSettings.From(options), timeProvider);
        _handle = options.Handle;
        _handle?.Bind(this);
    }

    internal CircuitBreakerController Controller => _controller;

    protected override ValueTask<Outcome<TResult>> ExecuteCore<TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<TResult>>> callback,
        ResilienceContext context,
        TState state)
    {
        var permit = _controller.Enter();
        if (permit.Transition is not null)
        {
            return ExecuteAfterTransitionAsync(permit, callback, context, state);
        }

        if (permit.IsRejected)
        {
            return PassesThrough(permit, context)
                ? InvokeSafely(callback, context, state)
                : new ValueTask<Outcome<TResult>>(Outcome.FromException<TResult>(CreateRejection(permit)));
        }

        // Fast path without an async state machine: callback and predicate that complete synchronously.
        long started = _slowCallTimestampTicks > 0 ? _time.GetTimestamp() : 0;
        ValueTask<Outcome<TResult>> pending;
        try
        {
            pending = callback(context, state);
        }
        catch (Exception e)
        {
            // Polly callbacks return exceptions as outcomes; one that throws anyway must not leak a probe slot.
            pending = new ValueTask<Outcome<TResult>>(Outcome.FromException<TResult>(e));
        }

        if (!pending.IsCompletedSuccessfully)
        {
            return AwaitCallbackAsync(permit, pending, context, started);
        }

        var outcome = pending.Result;
        if (IsIgnored(outcome, context))
        {
            _controller.OnIgnored(permit);
            return new ValueTask<Outcome<TResult>>(outcome);
        }

        ValueTask<bool> handled;
        try
        {
            handled = _shouldHandle(new BulwarkCircuitBreakerPredicateArguments<TResult>(context, outcome));
        }
        catch
        {
            _controller.OnIgnored(permit);
            throw;
        }

        if (!handled.IsCompletedSuccessfully)
        {
            return AwaitPredicateAsync(permit, handled, outcome, context, started);
        }

        var transition = Record(permit, handled.Result, started);
        return transition is null
            ? new ValueTask<Outcome<TResult>>(outcome)
            : RaiseThenReturnAsync(transition.Value, context, outcome);
    }

    /// <summary>Raises a transition that did not come from a call (manual control, restore).</summary>
    internal async ValueTask RaiseDetachedAsync(CircuitTransition? transition, CancellationToken cancellationToken)
    {
        if (transition is not { } changed)
        {
            return;
        }

        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        try
        {
            await RaiseAsync(changed, context).ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>Polly callbacks return exceptions as outcomes; one that throws anyway must not leak a probe slot.</summary>
    private static ValueTask<Outcome<TResult>> InvokeSafely<TState>(Func<ResilienceContext, TState, ValueTask<Outcome<TResult>>> callback, ResilienceContext context, TState state)
    {
        try
        {
            return callback(context, state);
        }
        catch (Exception e)
        {
            return new ValueTask<Outcome<TResult>>(Outcome.FromException<TResult>(e));
        }
    }

    /// <summary>
    /// Outcomes that say nothing about the dependency: the caller's cancellation, and a rejection by a strategy inside the
    /// breaker (a bulkhead at capacity) — the call never reached the dependency, so it is neither a failure nor a success.
    /// </summary>
    /// <summary>
    /// Whether a call the breaker rejects goes through all the same, uncounted: the caller asked for it
    /// (<see cref="BulwarkResilienceProperties.BypassOpenBreaker"/>) and the breaker is open or half-open, not isolated.
    /// </summary>
    private static bool PassesThrough(in CircuitPermit permit, ResilienceContext context) =>
        permit.Kind != PermitKind.RejectedIsolated
        && context.Properties.TryGetValue(BulwarkResilienceProperties.BypassOpenBreaker, out bool bypass) && bypass;

    private static bool IsIgnored(in Outcome<TResult> outcome, ResilienceContext context) =>
        outcome.Exception is { } exception && IsIgnored(exception, context);

    private static bool IsIgnored(Exception exception, ResilienceContext context) => exception switch
    {
        OperationCanceledException => context.CancellationToken.IsCancellationRequested,
        ExecutionRejectedException rejection => !RequestDelivery.MayHaveReachedDependency(rejection),
        _ => false,
    };

    private CircuitTransition? Record(in CircuitPermit permit, bool failure, long started)
    {
        if (!failure && started != 0 && _time.GetTimestamp() - started >= _slowCallTimestampTicks)
        {
            failure = true;
        }

        return failure ? _controller.OnFailure(permit) : _controller.OnSuccess(permit);
    }

    private async ValueTask<Outcome<TResult>> ExecuteAfterTransitionAsync<TState>(
        CircuitPermit permit,
        Func<ResilienceContext, TState, ValueTask<Outcome<TResult>>> callback,
        ResilienceContext context,
        TState state)
    {
        try
        {
            await RaiseAsync(permit.Transition!.Value, context).ConfigureAwait(context.ContinueOnCapturedContext);
        }
        catch
        {
            // A throwing OnHalfOpened (or StateChanged handler) must not keep the probe slot taken for ever.
            _controller.OnIgnored(permit);
            throw;
        }

        if (permit.IsRejected)
        {
            return PassesThrough(permit, context)
                ? await InvokeSafely(callback, context, state).ConfigureAwait(context.ContinueOnCapturedContext)
                : Outcome.FromException<TResult>(CreateRejection(permit));
        }

        long started = _slowCallTimestampTicks > 0 ? _time.GetTimestamp() : 0;
        var pending = InvokeSafely(callback, context, state);

        return await AwaitCallbackAsync(permit, pending, context, started).ConfigureAwait(context.ContinueOnCapturedContext);
    }

    private async ValueTask<Outcome<TResult>> AwaitCallbackAsync(CircuitPermit permit, ValueTask<Outcome<TResult>> pending, ResilienceContext context, long started)
    {
        Outcome<TResult> outcome;
        try
        {
            outcome = await pending.ConfigureAwait(context.ContinueOnCapturedContext);
        }
        catch (Exception e)
        {
            // Polly callbacks return exceptions as outcomes; this guards against one that throws anyway,
            // so that a probe slot is never leaked.
            outcome = Outcome.FromException<TResult>(e);
        }

        if (IsIgnored(outcome, context))
        {
            _controller.OnIgnored(permit);
            return outcome;
        }

        ValueTask<bool> handled;
        try
        {
            handled = _shouldHandle(new BulwarkCircuitBreakerPredicateArguments<TResult>(context, outcome));
        }
        catch
        {
            _controller.OnIgnored(permit);
            throw;
        }

        return await AwaitPredicateAsync(permit, handled, outcome, context, started).ConfigureAwait(context.ContinueOnCapturedContext);
    }

    private async ValueTask<Outcome<TResult>> AwaitPredicateAsync(CircuitPermit permit, ValueTask<bool> handled, Outcome<TResult> outcome, ResilienceContext context, long started)
    {
        bool failure;
        try
        {
            failure = await handled.ConfigureAwait(context.ContinueOnCapturedContext);
        }
        catch
        {
            _controller.OnIgnored(permit);
            throw;
        }

        if (Record(permit, failure, started) is { } transition)
        {
            await RaiseAsync(transition, context).ConfigureAwait(context.ContinueOnCapturedContext);
        }

        return outcome;
    }

    private async ValueTask<Outcome<TResult>> RaiseThenReturnAsync(CircuitTransition transition, ResilienceContext context, Outcome<TResult> outcome)
    {
        await RaiseAsync(transition, context).ConfigureAwait(context.ContinueOnCapturedContext);
        return outcome;
    }

    private Exception CreateRejection(in CircuitPermit permit)
    {
        ExecutionRejectedException rejection = permit.Kind switch
        {
            PermitKind.RejectedIsolated => new IsolatedCircuitException(),
            PermitKind.RejectedHalfOpen => BulwarkBrokenCircuitException.HalfOpen(permit.RetryAfter),
            _ => BulwarkBrokenCircuitException.Open(permit.RetryAfter),
        };
        _telemetry.SetTelemetrySource(rejection);
        return rejection;
    }

    private async ValueTask RaiseAsync(CircuitTransition transition, ResilienceContext context)
    {
        var args = new CircuitTransitionArguments(context, transition);
        var (resilienceEvent, callback) = transition.To switch
        {
            CircuitState.Closed => (ClosedEvent, _onClosed),
            CircuitState.HalfOpen => (HalfOpenedEvent, _onHalfOpened),
            _ => (OpenedEvent, _onOpened),
        };

        _telemetry.Report(resilienceEvent, context, args);
        _handle?.OnTransition(transition);
        if (callback is not null)
        {
            await callback(args).ConfigureAwait(context.ContinueOnCapturedContext);
        }
    }
}
