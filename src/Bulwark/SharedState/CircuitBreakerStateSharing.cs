using System.Threading.Channels;
using Bulwark.CircuitBreaker;
using Bulwark.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;

namespace Bulwark.SharedState;

/// <summary>
/// Shares circuit breaker transitions across the instances of a fleet through an <see cref="ICircuitBreakerStateExchange"/>:
/// when one instance's breaker opens, every instance's breaker of the same key opens until the same time (plus
/// <see cref="CircuitBreakerSharingOptions.ProbeGrace"/>), so the fleet stops calling a dead provider as soon as one
/// instance has seen it die; the instance that opened it probes alone and shares the outcome.
/// </summary>
/// <remarks>
/// <para>
/// Nothing here is on the request path: a closed breaker decides locally as without sharing. Transitions are published
/// from a background loop after they happen, and states from other instances are applied there too (as a restore, which
/// is not published again). Half-open is local: only open, closed and isolated are shared.
/// </para>
/// <para>
/// States are ordered by their snapshot's <see cref="CircuitBreakerSnapshot.TakenAt"/>: a state older than the last one a
/// breaker took is ignored, so instances' clocks should agree to well under a break duration (NTP). When two instances
/// open the same breaker at once, the one with the smaller <see cref="InstanceId"/> keeps probing; the other follows.
/// When the exchange is unreachable, breakers go on locally; states are read again on reconnection.
/// </para>
/// </remarks>
public sealed partial class CircuitBreakerStateSharing : IAsyncDisposable
{
    private readonly ICircuitBreakerStateExchange _exchange;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly TimeSpan _probeGrace;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, AttachedBreaker> _breakers = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, SharedBreakerState> _early = new(StringComparer.OrdinalIgnoreCase);
    private readonly Channel<Work> _work = Channel.CreateUnbounded<Work>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _idleLock = new();
    private TaskCompletionSource _idle = Completed();
    private Task _loop = Task.CompletedTask;
    private int _pending;
    private int _started;

    /// <summary>Initializes a new instance of the <see cref="CircuitBreakerStateSharing"/> class.</summary>
    /// <param name="exchange">The exchange between instances.</param>
    /// <param name="options">The options, or <see langword="null"/> for the defaults.</param>
    /// <param name="timeProvider">The clock, or <see langword="null"/> for the system's.</param>
    /// <param name="logger">The logger, or <see langword="null"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of its range.</exception>
    public CircuitBreakerStateSharing(
        ICircuitBreakerStateExchange exchange,
        IOptions<CircuitBreakerSharingOptions>? options = null,
        TimeProvider? timeProvider = null,
        ILogger<CircuitBreakerStateSharing>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(exchange);
        var value = options?.Value ?? new CircuitBreakerSharingOptions();
        if (value.ProbeGrace < TimeSpan.Zero || value.ProbeGrace > SharedStateConstants.MaxProbeGrace)
        {
            throw new ArgumentOutOfRangeException(nameof(options), value.ProbeGrace, $"ProbeGrace must be from 0 to {SharedStateConstants.MaxProbeGrace}.");
        }

        if (value.InstanceId is { } id && (id.Length is 0 or > SharedStateConstants.MaxInstanceIdLength))
        {
            throw new ArgumentOutOfRangeException(nameof(options), id, $"InstanceId must be 1 to {SharedStateConstants.MaxInstanceIdLength} characters.");
        }

        _exchange = exchange;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger<CircuitBreakerStateSharing>.Instance;
        _probeGrace = value.ProbeGrace;
        // A random part always: replicas deployed with one configuration (the same InstanceId) must not take each other's
        // transitions for their own and ignore them.
        string random = Guid.NewGuid().ToString("N")[..12];
        string generated = value.InstanceId is { } configured ? $"{configured}-{random}" : $"{Environment.MachineName}-{Environment.ProcessId}-{random}";
        InstanceId = generated.Length <= SharedStateConstants.MaxInstanceIdLength ? generated : generated[(generated.Length - SharedStateConstants.MaxInstanceIdLength)..];
    }

    /// <summary>Gets this instance's id in the fleet.</summary>
    public string InstanceId { get; }

    /// <summary>Gets whether the exchange answered the last time it was used (a publication, a read or the subscription).</summary>
    public bool IsConnected { get; private set; }

    /// <summary>Gets why the exchange last failed, or <see langword="null"/> when it answered since.</summary>
    public string? LastError { get; private set; }

    /// <summary>Attaches a pipeline's breaker: its transitions are shared, and other instances' transitions of the same key applied to it.</summary>
    /// <param name="pipelineName">The pipeline's name.</param>
    /// <param name="instanceName">The pipeline instance's name (the provider, for the gateway).</param>
    /// <param name="breaker">The breaker.</param>
    /// <param name="replace"><see langword="true"/> to replace a breaker attached under the same key (a live reload rebuilt it).</param>
    public void Attach(string pipelineName, string instanceName, CircuitBreakerHandle breaker, bool replace = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(pipelineName);
        ArgumentException.ThrowIfNullOrEmpty(instanceName);
        ArgumentNullException.ThrowIfNull(breaker);
        string key = $"{pipelineName}/{instanceName}";
        SharedBreakerState? early;
        lock (_lock)
        {
            if (_breakers.TryGetValue(key, out var existing) && (ReferenceEquals(existing.Handle, breaker) || !replace))
            {
                return;
            }

            _breakers[key] = new AttachedBreaker(breaker);
            _early.Remove(key, out early);
        }

        breaker.StateChanged += (_, transition) => OnLocalTransition(key, breaker, transition);
        if (breaker.IsBound && breaker.Counting.Mode == CircuitBreakerMode.ConsecutiveFailures)
        {
            // Failures in a row are counted for the fleet: with traffic spread over N instances, each sees a share.
            breaker.ObserveFailureRun(run => OnFailureRun(key, breaker, run));
        }

        if (early is not null)
        {
            Post(new Work(early, null));
        }
    }

    /// <summary>Starts sharing: listens to the other instances, then applies the latest state of every breaker. Retries in the background when the exchange is unreachable.</summary>
    /// <param name="cancellationToken">Cancels the first attempt (the background retries go on).</param>
    /// <returns>A task that completes after the first attempt.</returns>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _started, 1) == 1)
        {
            return;
        }

        _loop = Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
        if (!await TryConnectAsync(cancellationToken).ConfigureAwait(false))
        {
            _ = RetryConnectAsync(_stopping.Token);
        }
    }

    /// <summary>Waits until every transition so far is published or failed to publish (which is logged), and every received state applied.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>A task that completes when nothing is pending.</returns>
    public Task FlushAsync(CancellationToken cancellationToken)
    {
        lock (_idleLock)
        {
            return _idle.Task.WaitAsync(cancellationToken);
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        _work.Writer.TryComplete();
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _stopping.Dispose();
    }

    private void OnLocalTransition(string key, CircuitBreakerHandle handle, CircuitTransition transition)
    {
        lock (_lock)
        {
            if (_breakers.TryGetValue(key, out var attached) && ReferenceEquals(attached.Handle, handle))
            {
                // Every instance's run ends when the fleet's breaker opens: what the others had counts no more.
                attached.OthersRun = 0;
            }
        }

        if (transition.From == CircuitState.Closed)
        {
            // The run this instance reported ended with the breaker's closing period: it no longer counts for the fleet.
            QueueRun(key, handle, 0);
        }

        // A restore is this class applying another instance's state (or the store's at start): not news to share.
        if (transition.Reason == CircuitTransitionReason.Restored || transition.To == CircuitState.HalfOpen)
        {
            return;
        }

        var snapshot = handle.CreateSnapshot();
        lock (_lock)
        {
            if (!_breakers.TryGetValue(key, out var shared) || !ReferenceEquals(shared.Handle, handle))
            {
                return;
            }

            shared.LastTakenAt = snapshot.TakenAt > shared.LastTakenAt ? snapshot.TakenAt : shared.LastTakenAt;
            shared.Following = false;
        }

        Post(new Work(null, new SharedBreakerState(key, InstanceId, snapshot)));
    }

    private void OnReceived(SharedBreakerState state)
    {
        if (!string.Equals(state.Origin, InstanceId, StringComparison.Ordinal))
        {
            Post(new Work(state, null));
        }
    }

    private static TaskCompletionSource Completed()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        done.SetResult();
        return done;
    }

    private void Post(Work work)
    {
        lock (_idleLock)
        {
            if (_pending++ == 0)
            {
                _idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }

        if (!_work.Writer.TryWrite(work))
        {
            Done();
        }
    }

    private void Done()
    {
        lock (_idleLock)
        {
            if (--_pending == 0)
            {
                _idle.TrySetResult();
            }
        }
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        await foreach (var work in _work.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            try
            {
                if (work.Publish is { } publish)
                {
                    await PublishAsync(publish, cancellationToken).ConfigureAwait(false);
                }
                else if (work.Run is { } run)
                {
                    await ReportRunAsync(run, cancellationToken).ConfigureAwait(false);
                }
                else if (work.Apply is { } apply)
                {
                    await ApplyAsync(apply).ConfigureAwait(false);
                }
            }
            finally
            {
                Done();
            }
        }
    }

    private async Task PublishAsync(SharedBreakerState state, CancellationToken cancellationToken)
    {
        try
        {
            await _exchange.PublishAsync(state, cancellationToken).ConfigureAwait(false);
            MarkConnected();
            Log.Published(_logger, state.Key, state.Snapshot.State.ToString());
        }
        catch (StoreUnavailableException e)
        {
            MarkFailed(e.Message);
            Log.PublishFailed(_logger, state.Key, state.Snapshot.State.ToString(), e.Message);
        }
    }

    /// <summary>
    /// A local failure (or the success after failures): reported to the fleet in the background. When the others' runs as
    /// last heard plus this one already make the threshold, the breaker opens now, without waiting for the report.
    /// </summary>
    private void OnFailureRun(string key, CircuitBreakerHandle handle, int run)
    {
        if (run > 0)
        {
            int others = 0;
            lock (_lock)
            {
                if (_breakers.TryGetValue(key, out var attached) && ReferenceEquals(attached.Handle, handle)
                    && _timeProvider.GetElapsedTime(attached.OthersHeardAt) <= SharedStateConstants.OthersRunFreshness)
                {
                    others = attached.OthersRun;
                }
            }

            if (others > 0 && run + others >= handle.Counting.FailureThreshold)
            {
                _ = Task.Run(() => TripAsync(key, handle, run + others, run), CancellationToken.None);
            }
        }

        QueueRun(key, handle, run);
    }

    /// <summary>
    /// Keeps the breaker's latest run to report, and queues one report when none is waiting: however fast failures come,
    /// the queue holds at most one report per breaker, and the report sent is the latest run.
    /// </summary>
    private void QueueRun(string key, CircuitBreakerHandle handle, int run)
    {
        lock (_lock)
        {
            if (!_breakers.TryGetValue(key, out var attached) || !ReferenceEquals(attached.Handle, handle))
            {
                return;
            }

            bool waiting = attached.PendingRun is not null;
            attached.PendingRun = run;
            if (waiting)
            {
                return;
            }
        }

        Post(new Work(null, null, new FailureRun(key, handle)));
    }

    private async Task TripAsync(string key, CircuitBreakerHandle handle, int fleetRun, int localRun)
    {
        if (handle.State == CircuitState.Closed)
        {
            Log.FleetTripped(_logger, key, fleetRun, localRun);
            await handle.TripAsync(CircuitTransitionReason.FleetConsecutiveFailures).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Reports this instance's run of consecutive failures, and opens the breaker when the fleet's run (the sum of every
    /// instance's) reached its threshold: the instance whose failure completed it opens, and the others follow it.
    /// </summary>
    private async Task ReportRunAsync(FailureRun run, CancellationToken cancellationToken)
    {
        AttachedBreaker? shared;
        int length;
        lock (_lock)
        {
            if (!_breakers.TryGetValue(run.Key, out shared) || !ReferenceEquals(shared.Handle, run.Handle) || shared.PendingRun is not { } pending)
            {
                return;
            }

            shared.PendingRun = null;
            if (pending == 0 && shared.ReportedRun == 0)
            {
                return;
            }

            length = pending;
            shared.ReportedRun = length;
        }

        int? fleet;
        try
        {
            fleet = await _exchange.ReportFailureRunAsync(run.Key, InstanceId, length, cancellationToken).ConfigureAwait(false);
            MarkConnected();
        }
        catch (StoreUnavailableException e)
        {
            MarkFailed(e.Message);
            return;
        }

        if (fleet is not { } total)
        {
            return;
        }

        lock (_lock)
        {
            shared.OthersRun = Math.Max(0, total - length);
            shared.OthersHeardAt = _timeProvider.GetTimestamp();
        }

        if (length > 0 && total >= run.Handle.Counting.FailureThreshold)
        {
            await TripAsync(run.Key, run.Handle, total, length).ConfigureAwait(false);
        }
    }

    private async Task ApplyAsync(SharedBreakerState state)
    {
        CircuitBreakerHandle handle;
        CircuitBreakerSnapshot apply;
        bool following;
        lock (_lock)
        {
            if (!_breakers.TryGetValue(state.Key, out var shared))
            {
                // Not built yet (pipelines are built on first use): applied when it is attached.
                if (!_early.TryGetValue(state.Key, out var kept) || kept.Snapshot.TakenAt < state.Snapshot.TakenAt)
                {
                    _early[state.Key] = state;
                }

                return;
            }

            if (state.Snapshot.TakenAt <= shared.LastTakenAt)
            {
                return;
            }

            handle = shared.Handle;
            var local = handle.State;
            switch (state.Snapshot.State)
            {
                case CircuitState.Open:
                    // Two instances opened it at once: the smaller id keeps probing, the other follows.
                    if (local == CircuitState.Open && !shared.Following && string.CompareOrdinal(InstanceId, state.Origin) < 0)
                    {
                        return;
                    }

                    var until = state.Snapshot.OpenUntil is { } u && u < DateTimeOffset.MaxValue - _probeGrace ? u + _probeGrace : state.Snapshot.OpenUntil;
                    apply = state.Snapshot with { OpenUntil = until };
                    following = true;
                    break;
                case CircuitState.Isolated:
                    apply = state.Snapshot;
                    following = true;
                    break;
                case CircuitState.Closed when local != CircuitState.Closed:
                    apply = state.Snapshot;
                    following = false;
                    break;
                default:
                    shared.LastTakenAt = state.Snapshot.TakenAt;
                    return;
            }

            shared.LastTakenAt = state.Snapshot.TakenAt;
            shared.Following = following;
        }

        try
        {
            await handle.RestoreAsync(apply).ConfigureAwait(false);
            Log.Applied(_logger, state.Key, state.Snapshot.State.ToString(), state.Origin, apply.OpenUntil);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            Log.ApplyRejected(_logger, state.Key, e.Message);
        }
    }

    private async Task<bool> TryConnectAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _exchange.SubscribeAsync(OnReceived, OnReconnected, cancellationToken).ConfigureAwait(false);
            await LoadAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (StoreUnavailableException e)
        {
            MarkFailed(e.Message);
            Log.ConnectFailed(_logger, e.Message);
            return false;
        }
    }

    private async Task RetryConnectAsync(CancellationToken cancellationToken)
    {
        try
        {
            do
            {
                await Task.Delay(SharedStateConstants.ReconnectInterval, _timeProvider, cancellationToken).ConfigureAwait(false);
            }
            while (!await TryConnectAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void OnReconnected() => _ = ReloadAfterReconnectAsync(_stopping.Token);

    private async Task ReloadAfterReconnectAsync(CancellationToken cancellationToken)
    {
        try
        {
            // The connection may come back before Redis answers everything: the read is tried until it succeeds, so the
            // states missed meanwhile are applied and readiness reports sharing again.
            while (true)
            {
                try
                {
                    await LoadAsync(cancellationToken).ConfigureAwait(false);
                    return;
                }
                catch (StoreUnavailableException e)
                {
                    MarkFailed(e.Message);
                    await Task.Delay(SharedStateConstants.ReloadRetryInterval, _timeProvider, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var states = await _exchange.LoadAsync(cancellationToken).ConfigureAwait(false);
        MarkConnected();
        foreach (var state in states)
        {
            OnReceived(state);
        }

        Log.Loaded(_logger, states.Count);
    }

    private void MarkConnected()
    {
        IsConnected = true;
        LastError = null;
    }

    private void MarkFailed(string error)
    {
        IsConnected = false;
        LastError = error;
    }

    private readonly record struct Work(SharedBreakerState? Apply, SharedBreakerState? Publish, FailureRun? Run = null);

    private sealed record FailureRun(string Key, CircuitBreakerHandle Handle);

    private sealed class AttachedBreaker(CircuitBreakerHandle handle)
    {
        public CircuitBreakerHandle Handle { get; } = handle;

        public DateTimeOffset LastTakenAt { get; set; } = DateTimeOffset.MinValue;

        public bool Following { get; set; }

        /// <summary>Gets or sets the run of consecutive failures last reported for this instance (0: none counts).</summary>
        public int ReportedRun { get; set; }

        /// <summary>Gets or sets the other instances' runs added up, as the last report heard them.</summary>
        public int OthersRun { get; set; }

        /// <summary>Gets or sets when <see cref="OthersRun"/> was heard (a timestamp of the clock): older than a second, it is not trusted.</summary>
        public long OthersHeardAt { get; set; }

        /// <summary>Gets or sets the run waiting to be reported, or <see langword="null"/> when no report waits.</summary>
        public int? PendingRun { get; set; }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.SharedBreakerPublished, Level = LogLevel.Debug, Message = "Circuit breaker {Breaker} shared as {State}")]
        public static partial void Published(ILogger logger, string breaker, string state);

        [LoggerMessage(EventId = EventIds.SharedBreakerPublishFailed, Level = LogLevel.Warning, Message = "Circuit breaker {Breaker} went {State} but could not be shared (it goes on locally): {Error}")]
        public static partial void PublishFailed(ILogger logger, string breaker, string state, string error);

        [LoggerMessage(EventId = EventIds.SharedBreakerApplied, Level = LogLevel.Information, Message = "Circuit breaker {Breaker} set {State} by instance {Origin} (open until {OpenUntil})")]
        public static partial void Applied(ILogger logger, string breaker, string state, string origin, DateTimeOffset? openUntil);

        [LoggerMessage(EventId = EventIds.SharedBreakerApplyRejected, Level = LogLevel.Warning, Message = "Circuit breaker {Breaker}: a shared state was rejected: {Error}")]
        public static partial void ApplyRejected(ILogger logger, string breaker, string error);

        [LoggerMessage(EventId = EventIds.SharedBreakerConnectFailed, Level = LogLevel.Warning, Message = "Circuit breaker sharing cannot reach its exchange (breakers go on locally; retrying): {Error}")]
        public static partial void ConnectFailed(ILogger logger, string error);

        [LoggerMessage(EventId = EventIds.SharedBreakerFleetTripped, Level = LogLevel.Warning, Message = "Circuit breaker {Breaker} opened: the fleet saw {FleetRun} failures in a row ({LocalRun} of them here)")]
        public static partial void FleetTripped(ILogger logger, string breaker, int fleetRun, int localRun);

        [LoggerMessage(EventId = EventIds.SharedBreakerStatesLoaded, Level = LogLevel.Information, Message = "Circuit breaker sharing read {Count} shared state(s)")]
        public static partial void Loaded(ILogger logger, int count);
    }
}
