using System.Buffers;
using Bulwark.Classification;
using Bulwark.Outcomes;
using Bulwark.Failover.Execution;
using Polly;

namespace Bulwark.Failover;

/// <summary>
/// Runs one operation over an ordered chain of providers, each guarded by its own pipeline, moving to the next
/// provider when one fails, rejects or is unavailable.
/// </summary>
/// <typeparam name="TResult">The result type.</typeparam>
/// <remarks>
/// For each provider in order (configured, or as <see cref="FailoverOptions{TResult}.Balance"/> orders them for the execution): a provider whose <see cref="FailoverProvider{TResult}.IsAvailable"/> is
/// <see langword="false"/> is skipped; otherwise the callback runs through the provider's pipeline. Its final outcome
/// is accepted unless it carries an <see cref="ExecutionRejectedException"/> or
/// <see cref="FailoverOptions{TResult}.ShouldFailover"/> returns <see langword="true"/>, in which case a disposable
/// failed result is disposed and the next provider is tried. When the caller's token is cancelled the chain stops at
/// once and the outcome carries an <see cref="OperationCanceledException"/>. Failures and rejections are returned in
/// <see cref="FailoverResult{TResult}.Outcome"/>, never thrown. The executor is thread-safe.
/// </remarks>
public sealed class FailoverExecutor<TResult>
{
    private readonly FailoverProvider<TResult>[] _providers;
    private readonly Func<FailoverFallbackArguments<TResult>, ValueTask<TResult>>? _fallback;
    private readonly int _maxAttempts;
    private readonly int _panicThreshold;
    private readonly ProviderBalancer? _balancer;

    /// <summary>
    /// Initializes a new instance of the <see cref="FailoverExecutor{TResult}"/> class.
    /// </summary>
    /// <param name="providers">The providers, in configured order (the order they are tried with <see cref="FailoverBalance.Ordered"/>). At least one is required.</param>
    /// <param name="options">The options; <see langword="null"/> uses the defaults. Read once, here.</param>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="providers"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Thrown when there is no provider, a provider is <see langword="null"/>, or a required option is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">Thrown when <see cref="FailoverOptions{TResult}.MaxAttempts"/> is below the number of providers or above 1,000.</exception>
    public FailoverExecutor(IEnumerable<FailoverProvider<TResult>> providers, FailoverOptions<TResult>? options = null)
    {
        ArgumentNullException.ThrowIfNull(providers);
        options ??= new FailoverOptions<TResult>();

        _providers = [.. providers];
        if (_providers.Length == 0)
        {
            throw new ArgumentException("At least one failover provider is required.", nameof(providers));
        }

        if (Array.IndexOf(_providers, null) >= 0)
        {
            throw new ArgumentException("Failover providers cannot be null.", nameof(providers));
        }

        ShouldFailover = options.ShouldFailover ?? throw new ArgumentException("FailoverOptions.ShouldFailover is required.", nameof(options));
        TimeProvider = options.TimeProvider ?? throw new ArgumentException("FailoverOptions.TimeProvider is required.", nameof(options));
        _fallback = options.Fallback;
        if (options.MaxAttempts is { } maxAttempts)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(maxAttempts, _providers.Length, "options.MaxAttempts");
            ArgumentOutOfRangeException.ThrowIfGreaterThan(maxAttempts, FailoverConstants.MaxAttemptsLimit, "options.MaxAttempts");
            _maxAttempts = maxAttempts;
        }

        ArgumentOutOfRangeException.ThrowIfNegative(options.PanicThreshold, "options.PanicThreshold");
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.PanicThreshold, 100, "options.PanicThreshold");
        _panicThreshold = options.PanicThreshold;
        _balancer = ProviderBalancer.Create(options.Balance, _providers.Length, options.Bandit, options.Random);
        Providers = Array.AsReadOnly(_providers);
    }

    /// <summary>Gets how the providers are ordered for each execution (<see cref="FailoverOptions{TResult}.Balance"/>).</summary>
    public FailoverBalance Balance => _balancer?.Balance ?? FailoverBalance.Ordered;

    /// <summary>Gets the balancer, or <see langword="null"/> for <see cref="FailoverBalance.Ordered"/>.</summary>
    internal ProviderBalancer? Balancer => _balancer;

    /// <summary>
    /// Records what one execution served by the provider at <paramref name="providerIndex"/> (its index in
    /// <see cref="Providers"/>) cost, such as its token usage at that provider's prices, for the cost term of
    /// <see cref="FailoverBalance.Bandit"/> (<see cref="FailoverBanditOptions.CostWeight"/>). Any unit, the same for every
    /// provider. Ignored with the other balances.
    /// </summary>
    /// <param name="providerIndex">The provider's index in <see cref="Providers"/>.</param>
    /// <param name="cost">The cost; zero or more and finite.</param>
    /// <exception cref="ArgumentOutOfRangeException">Thrown when the index is outside the providers or the cost is negative, NaN or infinite.</exception>
    public void RecordCost(int providerIndex, double cost)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(providerIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(providerIndex, _providers.Length);
        if (!double.IsFinite(cost) || cost < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(cost), cost, "A cost is zero or more and finite.");
        }

        _balancer?.ObserveCost(providerIndex, cost);
    }

    /// <summary>Gets the panic threshold (<see cref="FailoverOptions{TResult}.PanicThreshold"/>), in percent; 0 never panics.</summary>
    public int PanicThreshold => _panicThreshold;

    /// <summary>Whether fewer than <see cref="PanicThreshold"/> percent of the providers can serve now.</summary>
    private bool InPanic()
    {
        if (_panicThreshold == 0)
        {
            return false;
        }

        int available = 0;
        foreach (var provider in _providers)
        {
            if (provider.IsAvailable)
            {
                available++;
            }
        }

        return available * 100 < _panicThreshold * _providers.Length;
    }

    /// <summary>Gets the chain's attempt allowance (<see cref="FailoverOptions{TResult}.MaxAttempts"/>), or <see langword="null"/> when each provider makes only its own attempts.</summary>
    public int? MaxAttempts => _maxAttempts == 0 ? null : _maxAttempts;

    /// <summary>Gets the providers, in configured order.</summary>
    public IReadOnlyList<FailoverProvider<TResult>> Providers { get; }

    internal Func<FailoverPredicateArguments<TResult>, bool> ShouldFailover { get; }

    internal TimeProvider TimeProvider { get; }

    /// <summary>
    /// Runs <paramref name="callback"/> through the provider chain.
    /// </summary>
    /// <param name="callback">The operation; it must observe <see cref="FailoverAttemptContext.CancellationToken"/>.</param>
    /// <param name="cancellationToken">The caller's cancellation token.</param>
    /// <returns>The outcome, who served it, and every attempt.</returns>
    public ValueTask<FailoverResult<TResult>> ExecuteAsync(Func<FailoverAttemptContext, ValueTask<TResult>> callback, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(callback);
        return ExecuteAsync(static (context, cb) => cb(context), callback, cancellationToken);
    }

    /// <summary>
    /// Runs <paramref name="callback"/> through the provider chain, passing <paramref name="state"/> to avoid a closure.
    /// </summary>
    /// <typeparam name="TState">The state type.</typeparam>
    /// <param name="callback">The operation; it must observe <see cref="FailoverAttemptContext.CancellationToken"/>.</param>
    /// <param name="state">The state passed to <paramref name="callback"/>.</param>
    /// <param name="cancellationToken">The caller's cancellation token.</param>
    /// <returns>The outcome, who served it, and every attempt.</returns>
    public ValueTask<FailoverResult<TResult>> ExecuteAsync<TState>(
        Func<FailoverAttemptContext, TState, ValueTask<TResult>> callback,
        TState state,
        CancellationToken cancellationToken = default) =>
        ExecuteAsync(callback, state, ReplayCondition.Always, cancellationToken);

    /// <summary>
    /// Runs <paramref name="callback"/> through the provider chain. Unless <paramref name="replay"/> is
    /// <see cref="ReplayCondition.Always"/>, the operation is retried or moved to the next provider only after failures
    /// that meet it (<see cref="RequestDelivery.MaySendAgain{TResult}(Outcome{TResult}, ReplayCondition)"/>): for a
    /// non-idempotent write (<see cref="ReplayCondition.NotProcessed"/>), those that prove no provider processed it; each
    /// provider's pipeline sees <see cref="BulwarkResilienceProperties.Replay"/> set accordingly.
    /// </summary>
    /// <typeparam name="TState">The state type.</typeparam>
    /// <param name="callback">The operation; it must observe <see cref="FailoverAttemptContext.CancellationToken"/>.</param>
    /// <param name="state">The state passed to <paramref name="callback"/>.</param>
    /// <param name="replay">After which failures the operation may be sent again.</param>
    /// <param name="cancellationToken">The caller's cancellation token.</param>
    /// <returns>The outcome, who served it, and every attempt.</returns>
    public ValueTask<FailoverResult<TResult>> ExecuteAsync<TState>(
        Func<FailoverAttemptContext, TState, ValueTask<TResult>> callback,
        TState state,
        ReplayCondition replay,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(callback);
        return ExecuteChainAsync(callback, null, state, replay, null, cancellationToken);
    }

    /// <summary>
    /// Runs <paramref name="callback"/> through the provider chain; the callback returns a failure as an
    /// <see cref="Outcome{TResult}"/> (<see cref="Outcome.FromException{TResult}(Exception)"/>) instead of throwing it,
    /// as Polly's <c>ExecuteOutcomeAsync</c>: a failure the chain handles anyway (retried, failed over) costs no throw.
    /// An exception the callback does throw is treated the same as a returned one.
    /// </summary>
    /// <typeparam name="TState">The state type.</typeparam>
    /// <param name="callback">The operation; it must observe <see cref="FailoverAttemptContext.CancellationToken"/>.</param>
    /// <param name="state">The state passed to <paramref name="callback"/>.</param>
    /// <param name="replay">After which failures the operation may be sent again (see <see cref="ExecuteAsync{TState}(Func{FailoverAttemptContext, TState, ValueTask{TResult}}, TState, ReplayCondition, CancellationToken)"/>).</param>
    /// <param name="cancellationToken">The caller's cancellation token.</param>
    /// <returns>The outcome, who served it, and every attempt.</returns>
    public ValueTask<FailoverResult<TResult>> ExecuteOutcomeAsync<TState>(
        Func<FailoverAttemptContext, TState, ValueTask<Outcome<TResult>>> callback,
        TState state,
        ReplayCondition replay,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(callback);
        return ExecuteChainAsync(null, callback, state, replay, null, cancellationToken);
    }

    /// <summary>
    /// As <see cref="ExecuteOutcomeAsync{TState}(Func{FailoverAttemptContext, TState, ValueTask{Outcome{TResult}}}, TState, ReplayCondition, CancellationToken)"/>,
    /// passing over the providers <paramref name="skip"/> names for this operation (such as one that cannot serve the
    /// model a request asks for): each is recorded as a <see cref="AttemptOutcome.Skipped"/> attempt with the reason,
    /// runs nothing and spends none of the chain's attempts.
    /// </summary>
    /// <typeparam name="TState">The state type.</typeparam>
    /// <param name="callback">The operation; it must observe <see cref="FailoverAttemptContext.CancellationToken"/>.</param>
    /// <param name="state">The state passed to <paramref name="callback"/> and <paramref name="skip"/>.</param>
    /// <param name="replay">After which failures the operation may be sent again.</param>
    /// <param name="skip">
    /// Asked before each provider whose breaker lets calls through, with its index in the chain: a reason to pass it over
    /// (<see cref="FailoverAttempt.SkipReason"/>), or <see langword="null"/> to try it.
    /// </param>
    /// <param name="cancellationToken">The caller's cancellation token.</param>
    /// <returns>The outcome, who served it, and every attempt; <see cref="NoAvailableProviderException"/> when every provider was passed over.</returns>
    public ValueTask<FailoverResult<TResult>> ExecuteOutcomeAsync<TState>(
        Func<FailoverAttemptContext, TState, ValueTask<Outcome<TResult>>> callback,
        TState state,
        ReplayCondition replay,
        Func<int, TState, string?> skip,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(callback);
        ArgumentNullException.ThrowIfNull(skip);
        return ExecuteChainAsync(null, callback, state, replay, skip, cancellationToken);
    }

    /// <summary>In configured order straight to the chain (no order array, no extra state machine); else with this execution's order.</summary>
    private ValueTask<FailoverResult<TResult>> ExecuteChainAsync<TState>(
        Func<FailoverAttemptContext, TState, ValueTask<TResult>>? callback,
        Func<FailoverAttemptContext, TState, ValueTask<Outcome<TResult>>>? outcomeCallback,
        TState state,
        ReplayCondition replay,
        Func<int, TState, string?>? skip,
        CancellationToken cancellationToken) =>
        _balancer is null
            ? ExecuteCoreAsync(callback, outcomeCallback, state, replay, skip, null, cancellationToken)
            : ExecuteBalancedAsync(callback, outcomeCallback, state, replay, skip, cancellationToken);

    private async ValueTask<FailoverResult<TResult>> ExecuteBalancedAsync<TState>(
        Func<FailoverAttemptContext, TState, ValueTask<TResult>>? callback,
        Func<FailoverAttemptContext, TState, ValueTask<Outcome<TResult>>>? outcomeCallback,
        TState state,
        ReplayCondition replay,
        Func<int, TState, string?>? skip,
        CancellationToken cancellationToken)
    {
        var order = ArrayPool<int>.Shared.Rent(_providers.Length);
        try
        {
            _balancer!.Order(order.AsSpan(0, _providers.Length));
            return await ExecuteCoreAsync(callback, outcomeCallback, state, replay, skip, order, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(order);
        }
    }

    // order: the providers' indexes in the order to try them (its first n entries), or null for configured order.
    private async ValueTask<FailoverResult<TResult>> ExecuteCoreAsync<TState>(
        Func<FailoverAttemptContext, TState, ValueTask<TResult>>? callback,
        Func<FailoverAttemptContext, TState, ValueTask<Outcome<TResult>>>? outcomeCallback,
        TState state,
        ReplayCondition replay,
        Func<int, TState, string?>? skip,
        int[]? order,
        CancellationToken cancellationToken)
    {

        var attempts = new List<FailoverAttempt>(_providers.Length);
        Outcome<TResult>? lastFailure = null;
        var allowance = _maxAttempts;

        // Providers passed over while their breaker was open, before the chain was in panic: tried at the end if it is by
        // then (their breakers, or the ones tried since, having opened during this execution).
        List<int>? passedOver = null;
        for (var step = 0; ; step++)
        {
            int index = order is null || step >= _providers.Length ? step : order[step];
            bool secondPass = step >= _providers.Length;
            if (secondPass)
            {
                // Within the chain's attempt allowance, as every other attempt is.
                if (passedOver is null || step - _providers.Length >= passedOver.Count || (_maxAttempts > 0 && allowance <= 0)
                    || (step == _providers.Length && !InPanic()))
                {
                    break;
                }

                index = passedOver[step - _providers.Length];
            }

            if (cancellationToken.IsCancellationRequested)
            {
                return await CancelledAsync(lastFailure, attempts, cancellationToken).ConfigureAwait(false);
            }

            var provider = _providers[index];
            bool passThrough = false;
            // Judged as the chain reaches the provider: a breaker that opened during this execution counts too.
            if (!provider.IsAvailable && !(passThrough = provider.MayPassThrough?.Invoke() == true && (secondPass || InPanic())))
            {
                if (!secondPass)
                {
                    attempts.Add(new FailoverAttempt(provider.Name, 0, FailoverAttemptKind.Skipped, null, null, TimeSpan.Zero, AttemptOutcome.Skipped, ReachedProvider: false, ProvedNotProcessed: false));
                    if (_panicThreshold > 0 && provider.MayPassThrough is not null)
                    {
                        (passedOver ??= []).Add(index);
                    }
                }

                continue;
            }

            if (skip?.Invoke(index, state) is { } reason)
            {
                attempts.Add(new FailoverAttempt(provider.Name, 0, FailoverAttemptKind.Skipped, null, null, TimeSpan.Zero, AttemptOutcome.Skipped, ReachedProvider: false, ProvedNotProcessed: false, reason));
                continue;
            }

            if (lastFailure is { } previous)
            {
                await ResultDisposal.DisposeResultAsync(previous).ConfigureAwait(false);
                lastFailure = null;
            }

            var run = new ProviderRun<TResult, TState>(this, provider, index, callback, outcomeCallback, state, attempts, cancellationToken);

            // The provider's pipeline, run here rather than in a method of its own: one async state machine less per provider.
            var context = ResilienceContextPool.Shared.Get(cancellationToken);
            if (replay != ReplayCondition.Always)
            {
                context.Properties.Set(BulwarkResilienceProperties.Replay, replay);
            }

            if (passThrough)
            {
                context.Properties.Set(BulwarkResilienceProperties.BypassOpenBreaker, true);
            }

            if (_maxAttempts > 0)
            {
                // Set even when it equals the provider's own count: it also caps a Bulwark retry whose pipeline
                // declared fewer attempts than it makes.
                context.Properties.Set(BulwarkResilienceProperties.MaxAttempts, ShareOf(PositionOf(index, order), order, allowance));
            }

            Outcome<TResult> outcome;
            var started = _balancer is null ? 0 : TimeProvider.GetTimestamp();
            _balancer?.Enter(index);
            try
            {
                if (provider.Untyped is { } untyped)
                {
                    // Run with the object results its reactive strategies take: no bridge converting outcomes at each of them.
                    var result = await untyped.ExecuteOutcomeAsync(
                        static (ctx, r) => r.InvokeUntypedAsync(ctx),
                        context,
                        run).ConfigureAwait(false);
                    // As Polly's bridge converts: a null result is the type's default, not a failed cast.
                    outcome = result.Exception is { } exception
                        ? Outcome.FromException<TResult>(exception)
                        : Outcome.FromResult(result.Result is null ? default! : (TResult)result.Result);
                }
                else
                {
                    outcome = await provider.Pipeline.ExecuteOutcomeAsync(
                        static (ctx, r) => r.InvokeAsync(ctx),
                        context,
                        run).ConfigureAwait(false);
                }
            }
            finally
            {
                _balancer?.Exit(index);
                ResilienceContextPool.Shared.Return(context);
            }

            run.RecordPipelineOutcome(outcome);
            allowance -= run.Invocations;

            // A write that this provider may have processed is not sent to another one.
            var failed = run.ShouldFailover(outcome, cancellationToken);
            var failover = failed && RequestDelivery.MaySendAgain(outcome, replay);
            if (_balancer is { Observes: true } && !cancellationToken.IsCancellationRequested)
            {
                _balancer.Observe(index, !failed, TimeProvider.GetElapsedTime(started));
            }

            // The caller's cancellation is never the provider's fault, and never served by one: stop here.
            if (cancellationToken.IsCancellationRequested && (failover || outcome.Exception is not null))
            {
                return await CancelledAsync(outcome, attempts, cancellationToken).ConfigureAwait(false);
            }

            if (!failover)
            {
                return new FailoverResult<TResult>(outcome, provider.Name, usedFallback: false, attempts);
            }

            lastFailure = outcome;
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return await CancelledAsync(lastFailure, attempts, cancellationToken).ConfigureAwait(false);
        }

        if (_fallback is not null)
        {
            return await FallbackAsync(lastFailure, attempts, cancellationToken).ConfigureAwait(false);
        }

        return new FailoverResult<TResult>(
            lastFailure ?? Outcome.FromException<TResult>(new NoAvailableProviderException()),
            provider: null,
            usedFallback: false,
            attempts);
    }

    /// <summary>
    /// The attempts the provider at <paramref name="position"/> in this execution’s order may make: what is left of the allowance once each later provider keeps
    /// its own attempts if it is available now, and one if not (its breaker may let a probe through by the time the chain
    /// reaches it), and at least one. With an allowance no smaller than the number of providers, the chain never makes
    /// more attempts than the allowance, whatever the providers' availability does meanwhile.
    /// </summary>
    private int ShareOf(int position, int[]? order, int allowance)
    {
        var kept = 0;
        for (var later = position + 1; later < _providers.Length; later++)
        {
            var provider = _providers[order is null ? later : order[later]];
            kept += provider.IsAvailable ? provider.MaxAttempts : 1;
        }

        return Math.Max(1, allowance - kept);
    }

    /// <summary>Where provider <paramref name="index"/> stands in this execution's order.</summary>
    private int PositionOf(int index, int[]? order) => order is null ? index : Array.IndexOf(order, index, 0, _providers.Length);

    private static async ValueTask<FailoverResult<TResult>> CancelledAsync(Outcome<TResult>? lastFailure, List<FailoverAttempt> attempts, CancellationToken cancellationToken)
    {
        // The failed result is discarded; its exception is kept only if it already reports the cancellation.
        if (lastFailure is { } failure)
        {
            await ResultDisposal.DisposeResultAsync(failure).ConfigureAwait(false);
        }

        var exception = lastFailure?.Exception as OperationCanceledException ?? new OperationCanceledException(cancellationToken);
        return new FailoverResult<TResult>(
            Outcome.FromException<TResult>(exception),
            provider: null,
            usedFallback: false,
            attempts);
    }

    private async ValueTask<FailoverResult<TResult>> FallbackAsync(Outcome<TResult>? lastFailure, List<FailoverAttempt> attempts, CancellationToken cancellationToken)
    {
        Outcome<TResult> outcome;
        try
        {
            var result = await _fallback!(new FailoverFallbackArguments<TResult>(lastFailure, attempts, cancellationToken)).ConfigureAwait(false);
            outcome = Outcome.FromResult(result);
        }
        catch (Exception exception)
        {
            outcome = Outcome.FromException<TResult>(exception);
        }

        if (lastFailure is { } failure && !ReferenceEquals(failure.Result, outcome.Result))
        {
            await ResultDisposal.DisposeResultAsync(failure).ConfigureAwait(false);
        }

        return new FailoverResult<TResult>(outcome, provider: null, usedFallback: true, attempts);
    }
}
