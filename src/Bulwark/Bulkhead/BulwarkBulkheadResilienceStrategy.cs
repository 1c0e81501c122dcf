using Bulwark.Bulkhead.Controller;
using Polly;
using Polly.Telemetry;

namespace Bulwark.Bulkhead;

internal sealed class BulwarkBulkheadResilienceStrategy : ResilienceStrategy
{
    private readonly BulkheadController _controller;
    private readonly ResilienceStrategyTelemetry _telemetry;
    private readonly Func<OnBulkheadRejectedArguments, ValueTask>? _onRejected;
    private readonly TimeSpan? _retryAfter;

    public BulwarkBulkheadResilienceStrategy(
        BulkheadController controller,
        Func<OnBulkheadRejectedArguments, ValueTask>? onRejected,
        ResilienceStrategyTelemetry telemetry)
    {
        _controller = controller;
        _onRejected = onRejected;
        _telemetry = telemetry;

        // The only wait the bulkhead knows of: a caller rejected now could have waited this long for a slot.
        _retryAfter = controller.MaxWait > TimeSpan.Zero ? controller.MaxWait : null;
    }

    internal BulkheadController Controller => _controller;

    protected override ValueTask<Outcome<TResult>> ExecuteCore<TResult, TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<TResult>>> callback,
        ResilienceContext context,
        TState state)
    {
        if (!_controller.TryAcquire())
        {
            return ExecuteSlowAsync(callback, context, state);
        }

        // Not async: a callback that completes synchronously costs no state machine, so the success path allocates nothing.
        ValueTask<Outcome<TResult>> pending;
        try
        {
            pending = callback(context, state);
        }
        catch
        {
            _controller.Release();
            throw;
        }

        if (pending.IsCompleted)
        {
            _controller.Release();
            return pending;
        }

        return AwaitAndReleaseAsync(pending, context);
    }

    private async ValueTask<Outcome<TResult>> AwaitAndReleaseAsync<TResult>(ValueTask<Outcome<TResult>> pending, ResilienceContext context)
    {
        try
        {
            return await pending.ConfigureAwait(context.ContinueOnCapturedContext);
        }
        finally
        {
            _controller.Release();
        }
    }

    private async ValueTask<Outcome<TResult>> ExecuteSlowAsync<TResult, TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<TResult>>> callback,
        ResilienceContext context,
        TState state)
    {
        var acquired = await _controller.AcquireSlowAsync(context.CancellationToken).ConfigureAwait(context.ContinueOnCapturedContext);

        switch (acquired)
        {
            case BulkheadAcquireResult.Acquired:
                try
                {
                    return await callback(context, state).ConfigureAwait(context.ContinueOnCapturedContext);
                }
                finally
                {
                    _controller.Release();
                }

            case BulkheadAcquireResult.Cancelled:
                return Outcome.FromException<TResult>(new OperationCanceledException(context.CancellationToken));

            case BulkheadAcquireResult.QueueFull:
                return await RejectAsync<TResult>(BulkheadRejectionReason.QueueFull, context).ConfigureAwait(context.ContinueOnCapturedContext);

            default:
                return await RejectAsync<TResult>(BulkheadRejectionReason.WaitTimedOut, context).ConfigureAwait(context.ContinueOnCapturedContext);
        }
    }

    private async ValueTask<Outcome<TResult>> RejectAsync<TResult>(BulkheadRejectionReason reason, ResilienceContext context)
    {
        var args = new OnBulkheadRejectedArguments(context, reason, _retryAfter);
        _telemetry.Report(BulkheadConstants.RejectedEvent, context, args);

        if (_onRejected is not null)
        {
            await _onRejected(args).ConfigureAwait(context.ContinueOnCapturedContext);
        }

        var exception = new BulkheadRejectedException(reason, _retryAfter);
        _telemetry.SetTelemetrySource(exception);
        return Outcome.FromException<TResult>(exception);
    }
}
