using System.Collections.Concurrent;
using Bulwark.CircuitBreaker;
using Bulwark.Configuration;
using Bulwark.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;

namespace Bulwark.Persistence;

/// <summary>
/// Keeps circuit breakers' state across restarts: restores each breaker from its saved snapshot when it is created (or
/// once the snapshots are loaded, for breakers created before), and saves a snapshot after every transition, off the
/// call path, coalescing bursts to the latest snapshot per breaker.
/// </summary>
/// <remarks>
/// A snapshot whose breaker no longer exists (its provider was removed) is ignored. A breaker saved
/// <see cref="CircuitState.Isolated"/> comes back open for at most its maximum break duration, then probes: nothing stays
/// isolated forever because of a restart.
/// </remarks>
public sealed partial class CircuitBreakerStatePersistence
{
    private readonly ICircuitBreakerStateStore _store;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, CircuitBreakerHandle> _attached = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, CircuitBreakerSnapshot> _dirty = new(StringComparer.OrdinalIgnoreCase);
    private IReadOnlyDictionary<string, CircuitBreakerSnapshot>? _loaded;
    private Task _writer = Task.CompletedTask;
    private int _writing;

    private readonly IReadOnlyCollection<string>? _pipelineNames;

    /// <summary>Initializes a new instance of the <see cref="CircuitBreakerStatePersistence"/> class.</summary>
    /// <param name="store">Where snapshots are loaded from and saved to.</param>
    /// <param name="logger">Logs restores and failed saves; none when <see langword="null"/>.</param>
    /// <param name="options">The configured pipelines: a saved snapshot of one not built yet waits for it, others are ignored.</param>
    public CircuitBreakerStatePersistence(ICircuitBreakerStateStore store, ILogger<CircuitBreakerStatePersistence>? logger = null, IOptions<BulwarkOptions>? options = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;

        // Optional, as for the pipeline provider that pulls this in: services built without logging still resolve.
        _logger = logger ?? NullLogger<CircuitBreakerStatePersistence>.Instance;
        _pipelineNames = options?.Value.Pipelines.Keys is { } names ? new HashSet<string>(names, StringComparer.OrdinalIgnoreCase) : null;
    }

    /// <summary>Gets how many snapshots failed to save (the store was unavailable); each is logged.</summary>
    internal int FailedWrites { get; private set; }

    /// <summary>
    /// Follows a breaker: restores it from its snapshot if one was loaded, and saves its transitions. With
    /// <paramref name="replace"/>, a breaker that takes over a key from another (a pipeline rebuilt by a configuration
    /// reload, which carries the state over itself) is followed instead of the old one, and not restored.
    /// </summary>
    /// <summary>
    /// Follows the circuit breaker of a pipeline instance, saved under the key <c>{pipeline}/{instance}</c>: restores it from
    /// its snapshot if one was loaded, and saves its transitions. With <paramref name="replace"/>, a breaker that takes
    /// over from another of the same pipeline and instance (the pipeline was rebuilt because its options changed, and the
    /// caller carried the old breaker's state over) is followed instead of the old one, and not restored.
    /// </summary>
    /// <param name="pipelineName">The pipeline's name.</param>
    /// <param name="instanceName">The instance's name (the pipeline's name for its shared instance).</param>
    /// <param name="breaker">The instance's circuit breaker.</param>
    /// <param name="replace">Whether it replaces the breaker followed for the same pipeline and instance.</param>
    public void Attach(string pipelineName, string instanceName, CircuitBreakerHandle breaker, bool replace = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(pipelineName);
        ArgumentException.ThrowIfNullOrEmpty(instanceName);
        ArgumentNullException.ThrowIfNull(breaker);
        Attach(BreakerKey(pipelineName, instanceName), breaker, replace);
    }

    /// <summary>The key under which a pipeline instance's circuit breaker state is stored: <c>{pipeline}/{instance}</c>.</summary>
    internal static string BreakerKey(string name, string instanceName) => $"{name}/{instanceName}";

    internal void Attach(string key, CircuitBreakerHandle handle, bool replace = false)
    {
        CircuitBreakerSnapshot? saved = null;
        lock (_lock)
        {
            if (_attached.TryGetValue(key, out var existing) && (ReferenceEquals(existing, handle) || !replace))
            {
                return;
            }

            bool isNew = existing is null;
            _attached[key] = handle;
            if (isNew)
            {
                _loaded?.TryGetValue(key, out saved);
            }
        }

        handle.StateChanged += (_, _) => OnTransition(key, handle);
        if (saved is not null)
        {
            _ = RestoreOneAsync(key, handle, saved);
        }
    }

    /// <summary>Loads the saved snapshots and restores every breaker already attached; breakers attached later restore at once.</summary>
    internal async Task RestoreAsync(CancellationToken cancellationToken)
    {
        var loaded = await _store.LoadBreakerStatesAsync(cancellationToken).ConfigureAwait(false);
        List<(string Key, CircuitBreakerHandle Handle, CircuitBreakerSnapshot Snapshot)> restore = [];
        int waiting;
        int ignored;
        lock (_lock)
        {
            _loaded = loaded;

            // Pipelines are built on first use: a configured pipeline's breaker that is not built yet restores when it is.
            waiting = loaded.Keys.Count(k => !_attached.ContainsKey(k) && IsConfigured(k));
            ignored = loaded.Keys.Count(k => !_attached.ContainsKey(k) && !IsConfigured(k));
            foreach (var (key, handle) in _attached)
            {
                if (loaded.TryGetValue(key, out var snapshot))
                {
                    restore.Add((key, handle, snapshot));
                }
            }
        }

        foreach (var (key, handle, snapshot) in restore)
        {
            await RestoreOneAsync(key, handle, snapshot).ConfigureAwait(false);
        }

        Log.Restored(_logger, restore.Count, waiting, ignored);
    }

    /// <summary>Waits until every transition so far is saved (or failed to save, which is logged): call it at shutdown.</summary>
    /// <param name="cancellationToken">Stops waiting; saves go on.</param>
    /// <returns>A task that completes once nothing is left to save.</returns>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task writer;
            lock (_lock)
            {
                writer = _writer;
            }

            await writer.WaitAsync(cancellationToken).ConfigureAwait(false);
            if (_dirty.IsEmpty && Volatile.Read(ref _writing) == 0)
            {
                return;
            }

            if (Volatile.Read(ref _writing) == 0)
            {
                StartWriter();
            }
        }
    }

    private bool IsConfigured(string key)
    {
        if (_pipelineNames is null)
        {
            return true;
        }

        int slash = key.IndexOf('/', StringComparison.Ordinal);
        return _pipelineNames.Contains(slash < 0 ? key : key[..slash]);
    }

    private async Task RestoreOneAsync(string key, CircuitBreakerHandle handle, CircuitBreakerSnapshot snapshot)
    {
        if (snapshot.State == CircuitState.Isolated)
        {
            // Open until "forever": the breaker caps it at its maximum break duration from now, then probes.
            snapshot = snapshot with { State = CircuitState.Open, OpenUntil = DateTimeOffset.MaxValue };
        }

        try
        {
            await handle.RestoreAsync(snapshot).ConfigureAwait(false);
            if (snapshot.State != CircuitState.Closed)
            {
                Log.RestoredOpen(_logger, key, snapshot.State.ToString(), snapshot.OpenUntil);
            }
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            // A snapshot the breaker rejects (values out of range): start closed, as without a store.
            Log.RestoreRejected(_logger, key, e.Message);
        }
    }

    private void OnTransition(string key, CircuitBreakerHandle handle)
    {
        lock (_lock)
        {
            if (!_attached.TryGetValue(key, out var current) || !ReferenceEquals(current, handle))
            {
                // A breaker replaced by a reload: requests still running on it must not overwrite its successor's state.
                return;
            }
        }

        // Two transitions saved from two threads: keep the newer snapshot whichever thread writes last.
        var snapshot = handle.CreateSnapshot();
        _dirty.AddOrUpdate(key, snapshot, (_, existing) => existing.TakenAt > snapshot.TakenAt ? existing : snapshot);
        if (Interlocked.CompareExchange(ref _writing, 1, 0) == 0)
        {
            StartWriterCore();
        }
    }

    private void StartWriter()
    {
        if (Interlocked.CompareExchange(ref _writing, 1, 0) == 0)
        {
            StartWriterCore();
        }
    }

    private void StartWriterCore()
    {
        lock (_lock)
        {
            _writer = Task.Run(WriteAsync);
        }
    }

    private async Task WriteAsync()
    {
        while (true)
        {
            foreach (var key in _dirty.Keys)
            {
                if (!_dirty.TryRemove(key, out var snapshot))
                {
                    continue;
                }

                try
                {
                    await _store.SaveBreakerStateAsync(key, snapshot, CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception e)
                {
                    FailedWrites++;
                    Log.SaveFailed(_logger, key, e.GetType().Name, e.Message);
                }
            }

            Volatile.Write(ref _writing, 0);
            if (_dirty.IsEmpty || Interlocked.CompareExchange(ref _writing, 1, 0) != 0)
            {
                return;
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.BreakerStatesRestored, Level = LogLevel.Information, Message = "Circuit breaker state restored for {Restored} breaker(s), {Waiting} more when their pipeline is first used; {Ignored} saved state(s) belong to pipelines no longer configured and were ignored")]
        public static partial void Restored(ILogger logger, int restored, int waiting, int ignored);

        [LoggerMessage(EventId = EventIds.BreakerRestoredOpen, Level = LogLevel.Warning, Message = "Circuit breaker {Breaker} restored {State} until {OpenUntil:o} from its saved state")]
        public static partial void RestoredOpen(ILogger logger, string breaker, string state, DateTimeOffset? openUntil);

        [LoggerMessage(EventId = EventIds.BreakerRestoreRejected, Level = LogLevel.Warning, Message = "Circuit breaker {Breaker}: the saved state was rejected ({Reason}); it starts closed")]
        public static partial void RestoreRejected(ILogger logger, string breaker, string reason);

        [LoggerMessage(EventId = EventIds.BreakerSaveFailed, Level = LogLevel.Error, Message = "Circuit breaker {Breaker}: saving its state failed ({ExceptionType}: {Message}); it will not survive a restart until the store recovers")]
        public static partial void SaveFailed(ILogger logger, string breaker, string exceptionType, string message);
    }
}
