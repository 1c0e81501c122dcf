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

    protected override async ValueTask<Outcome<TResult>> ExecuteCore<TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<TResult>>> callback,
        ResilienceContext context,
        TState state)
    {
        var permit = _controller.Enter();
        if (permit.Transition is { } entered)
        {
            await RaiseAsync(entered, context).ConfigureAwait(context.ContinueOnCapturedContext);
        }

        if (permit.IsRejected)
        {
            return Outcome.FromException<TResult>(CreateRejection(permit));
        }

        long started = _slowCallTimestampTicks > 0 ? _time.GetTimestamp() : 0;
        Outcome<TResult> outcome;
        try
        {
            outcome = await callback(context, state).ConfigureAwait(context.ContinueOnCapturedContext);
        }
        catch (Exception e)
        {
            // Polly callbacks return exceptions as outcomes; this only guards against a callback that throws anyway,
            // so that a probe slot is never leaked.
            outcome = Outcome.FromException<TResult>(e);
        }

        if (outcome.Exception is OperationCanceledException && context.CancellationToken.IsCancellationRequested)
        {
            // The caller gave up: says nothing about the dependency.
            _controller.OnIgnored(permit);
            return outcome;
        }

        bool failure;
        try
        {
            failure = await _shouldHandle(new BulwarkCircuitBreakerPredicateArguments<TResult>(context, outcome))
                .ConfigureAwait(context.ContinueOnCapturedContext);
        }
        catch
        {
            _controller.OnIgnored(permit);
            throw;
        }

        if (!failure && started != 0 && _time.GetTimestamp() - started >= _slowCallTimestampTicks)
        {
            failure = true;
        }

        var transition = failure ? _controller.OnFailure(permit) : _controller.OnSuccess(permit);
        if (transition is { } changed)
        {
            await RaiseAsync(changed, context).ConfigureAwait(context.ContinueOnCapturedContext);
        }

        return outcome;
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
