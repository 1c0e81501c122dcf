using Bulwark.Backoff;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bulwark.Deliveries;

/// <summary>
/// Delivers stored entries in the background: leases the due ones, hands each to its queue's <see cref="IDeliveryHandler"/>,
/// records the outcome under the lease, tells the <see cref="IDeliveryObserver"/>s of each success, and returns stuck work
/// (entries whose dispatcher died mid-attempt) to the queue.
/// </summary>
internal sealed partial class DeliveryDispatcher : BackgroundService
{
    private static readonly TimeSpan PassFailureLogInterval = TimeSpan.FromMinutes(1);
    private readonly Lock _passFailureLock = new();
    private string? _lastPassFailure;
    private long _lastPassFailureLoggedAt;
    private readonly IDeliveryStore _store;
    private readonly IServiceProvider _services;
    private readonly IDeliveryObserver[] _observers;
    private readonly DeliveryOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly DeliverySignal _signal;
    private readonly ILogger<DeliveryDispatcher> _logger;
    private readonly BackoffCalculator _backoff;
    private readonly SemaphoreSlim _slots;
    private readonly DeliveryMetrics _metrics;
    private DateTimeOffset _nextSweep;

    public DeliveryDispatcher(
        IDeliveryStore store,
        IServiceProvider services,
        IEnumerable<IDeliveryObserver> observers,
        IOptions<DeliveryOptions> options,
        TimeProvider timeProvider,
        DeliverySignal signal,
        ILogger<DeliveryDispatcher> logger,
        DeliveryMetrics? metrics = null)
    {
        _metrics = metrics ?? new DeliveryMetrics(null);
        _store = store;
        _services = services;
        _observers = [.. observers];
        _options = options.Value;
        _timeProvider = timeProvider;
        _signal = signal;
        _logger = logger;
        _backoff = DeliveryBackoff.Create(_options);
        _slots = new SemaphoreSlim(_options.MaxConcurrentDeliveries, _options.MaxConcurrentDeliveries);
    }

    /// <summary>Gets this dispatcher's lease owner id: unique per process.</summary>
    public string Owner { get; } = DeliveryLeaseOwner.Create();

    /// <summary>Runs one pass: sweeps stuck work when due, then leases and delivers every due entry.</summary>
    /// <returns>How many entries were attempted.</returns>
    internal async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var running = new List<Task>();
        int attempted = await PassAsync(running, cancellationToken).ConfigureAwait(false);
        await Task.WhenAll(running).ConfigureAwait(false);
        _metrics.SetCounts(await _store.CountAsync(cancellationToken).ConfigureAwait(false));
        return attempted;
    }

    /// <summary>
    /// One pass: sweeps when due, then leases and starts every due entry as slots allow, adding the attempts to
    /// <paramref name="running"/> without waiting for them, so a slow attempt never holds up the next pass.
    /// </summary>
    private async Task<int> PassAsync(List<Task> running, CancellationToken cancellationToken)
    {
        running.RemoveAll(t => t.IsCompleted);
        var now = _timeProvider.GetUtcNow();
        if (now >= _nextSweep)
        {
            _nextSweep = now + _options.SweepInterval;
            int released = await _store.ReleaseExpiredLeasesAsync(now, cancellationToken).ConfigureAwait(false);
            if (released > 0)
            {
                Log.StuckReturned(_logger, released);
            }

            await _store.PurgeAsync(DeliveryState.Delivered, now - _options.RetainDeliveredFor, cancellationToken).ConfigureAwait(false);
            await NotifyLeftoversAsync(cancellationToken).ConfigureAwait(false);
        }

        int attempted = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            // Hold a slot before leasing: an entry leased while every slot is busy would spend its lease waiting, and a
            // lease that runs out mid-attempt lets another dispatcher deliver the entry a second time.
            await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            IReadOnlyList<DeliveryEntry> batch;
            try
            {
                batch = await _store.LeaseDueAsync(Owner, _timeProvider.GetUtcNow(), _options.LeaseDuration, _slots.CurrentCount + 1, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                _slots.Release();
                throw;
            }

            if (batch.Count == 0)
            {
                _slots.Release();
                break;
            }

            for (int i = 0; i < batch.Count; i++)
            {
                // The first entry takes the slot held above; the others take slots that were free when leasing, and
                // only this loop takes slots.
                if (i > 0 && !_slots.Wait(0))
                {
                    try
                    {
                        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        // Stopping: hand back what was leased but not started, and let the started ones hand back theirs.
                        await HandBackAsync(batch.Skip(i)).ConfigureAwait(false);
                        await Task.WhenAll(running).ConfigureAwait(false);
                        throw;
                    }
                }

                attempted++;
                running.Add(DeliverAndReleaseAsync(batch[i], cancellationToken));
            }

            running.RemoveAll(t => t.IsCompleted);
        }

        return attempted;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await ReclaimFromDeadProcessesAsync(stoppingToken).ConfigureAwait(false);
            await NotifyLeftoversAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopped (or disposed without a stop) before the first pass: not a fault.
            return;
        }

        // Attempts outlive the pass that started them; they are all awaited (each hands its entry back) when stopping.
        var running = new List<Task>();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await PassAsync(running, stoppingToken).ConfigureAwait(false);
                    _metrics.SetCounts(await _store.CountAsync(stoppingToken).ConfigureAwait(false));
                    lock (_passFailureLock)
                    {
                        _lastPassFailure = null;
                    }
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e)
                {
                    // The store is unavailable for now (locked, full): keep the entries, try again at the next poll.
                    ReportPassFailure(e);
                }

                try
                {
                    await _signal.WaitAsync(_options.PollInterval, _timeProvider, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
        finally
        {
            await Task.WhenAll(running).ConfigureAwait(false);
        }
    }

    private async Task HandBackAsync(IEnumerable<DeliveryEntry> entries)
    {
        var now = _timeProvider.GetUtcNow();
        foreach (var entry in entries)
        {
            try
            {
                await _store.CompleteAsync(entry.Id, Owner, DeliveryCompletion.Retry(now, now, "Handed back unstarted at shutdown."), CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                // Its lease ends and the sweeper returns it.
                Log.RecordFailed(_logger, entry.Id, e.GetType().Name);
            }
        }
    }

    private async Task DeliverAndReleaseAsync(DeliveryEntry entry, CancellationToken cancellationToken)
    {
        try
        {
            await DeliverAsync(entry, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Recording the outcome failed: the lease will expire and the entry return to the queue.
            Log.RecordFailed(_logger, entry.Id, e.GetType().Name);
        }
        catch (OperationCanceledException)
        {
            // Stopping: the lease expires and the entry returns to the queue in a later process.
        }
        finally
        {
            _slots.Release();
        }
    }

    private async Task DeliverAsync(DeliveryEntry entry, CancellationToken cancellationToken)
    {
        var started = _timeProvider.GetUtcNow();
        if (started >= entry.ExpiresAt)
        {
            await CompleteAsync(entry, DeliveryCompletion.Dead(started, $"Time to live ended before delivery ({entry.Attempts - 1} attempt(s) made).")).ConfigureAwait(false);
            return;
        }

        var handler = _services.GetKeyedService<IDeliveryHandler>(entry.Queue);
        if (handler is null)
        {
            await CompleteAsync(entry, DeliveryCompletion.Dead(started, $"No delivery handler is registered for queue '{entry.Queue}'.")).ConfigureAwait(false);
            return;
        }

        DeliveryAttemptResult result;
        using (var timeout = new CancellationTokenSource(_options.AttemptTimeout, _timeProvider))
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token))
        {
            try
            {
                result = await handler.DeliverAsync(entry, linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Stopping: hand the entry back now rather than leave it to its lease, and do not count the attempt as failed.
                await _store.CompleteAsync(entry.Id, Owner, DeliveryCompletion.Retry(_timeProvider.GetUtcNow(), _timeProvider.GetUtcNow(), "Interrupted by shutdown."), CancellationToken.None).ConfigureAwait(false);
                throw;
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                result = DeliveryAttemptResult.Failed($"The attempt timed out after {_options.AttemptTimeout.TotalSeconds:0.###} s.");
            }
            catch (Exception e)
            {
                result = DeliveryAttemptResult.Failed($"The handler threw {e.GetType().Name}.");
            }
        }

        var now = _timeProvider.GetUtcNow();
        _metrics.Attempted(entry.Queue, result.Outcome);
        var completion = result.Outcome switch
        {
            DeliveryState.Delivered => DeliveryCompletion.Delivered(now, Trim(result.Response!)),
            DeliveryState.Dead => DeliveryCompletion.Dead(now, result.Error ?? "Refused by the dependency.", Trim(result.Response!)),
            _ when entry.Attempts >= entry.MaxAttempts => DeliveryCompletion.Dead(now, $"Gave up after {entry.Attempts} attempt(s); last error: {result.Error}"),
            _ => RetryOrExpire(entry, now, result),
        };

        if (await CompleteAsync(entry, completion).ConfigureAwait(false) && completion.State == DeliveryState.Delivered)
        {
            await NotifyAsync(entry with { State = DeliveryState.Delivered, Response = completion.Response, CompletedAt = now, LeaseOwner = null, LeaseExpiresAt = null }).ConfigureAwait(false);
        }
    }

    private DeliveryCompletion RetryOrExpire(DeliveryEntry entry, DateTimeOffset now, DeliveryAttemptResult result)
    {
        var delay = _backoff.GetDelay(entry.Attempts - 1);
        if (result.RetryAfter is { } asked && asked > delay)
        {
            delay = asked < _options.MaxDelay ? asked : _options.MaxDelay;
        }

        var next = now + delay;
        return next >= entry.ExpiresAt
            ? DeliveryCompletion.Dead(now, $"Time to live ends before the next attempt; last error: {result.Error}")
            : DeliveryCompletion.Retry(now, next, result.Error ?? "Failed.");
    }

    private async Task<bool> CompleteAsync(DeliveryEntry entry, DeliveryCompletion completion)
    {
        bool recorded = await _store.CompleteAsync(entry.Id, Owner, completion, CancellationToken.None).ConfigureAwait(false);
        if (!recorded)
        {
            Log.LeaseLost(_logger, entry.Id);
            return false;
        }

        if (completion.State is DeliveryState.Delivered or DeliveryState.Dead)
        {
            _metrics.Completed(entry.Queue, completion.State);
        }

        switch (completion.State)
        {
            case DeliveryState.Delivered:
                Log.Delivered(_logger, entry.Id, entry.Queue, completion.Response?.Status ?? 0, entry.Attempts);
                break;
            case DeliveryState.Dead:
                Log.Dead(_logger, entry.Id, entry.Queue, entry.Attempts, completion.Error ?? string.Empty);
                break;
            default:
                Log.AttemptFailed(_logger, entry.Id, entry.Queue, entry.Attempts, completion.NextAttemptAt!.Value, completion.Error ?? string.Empty);
                break;
        }

        return true;
    }

    private async Task NotifyAsync(DeliveryEntry entry)
    {
        foreach (var observer in _observers)
        {
            try
            {
                // Not the stopping token: an observer cut short by a shutdown would be told again at the next start.
                await observer.OnDeliveredAsync(entry, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                Log.ObserverFailed(_logger, entry.Id, observer.GetType().Name, e.GetType().Name);
            }
        }

        await _store.MarkNotifiedAsync(entry.Id, CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>
    /// Returns at once the work of dispatchers that ran on this machine and whose process is gone (a crash, a kill -9, a
    /// restarted container that kept its host name), rather than waiting for their leases to end. Work leased elsewhere
    /// waits for its lease: only its own machine can tell that a process died.
    /// </summary>
    internal async Task<int> ReclaimFromDeadProcessesAsync(CancellationToken cancellationToken)
    {
        int reclaimed = 0;
        try
        {
            var leased = await _store.ListAsync(DeliveryState.InProgress, 100_000, cancellationToken).ConfigureAwait(false);
            foreach (var owner in leased.Select(e => e.LeaseOwner).OfType<string>().Distinct(StringComparer.Ordinal))
            {
                if (DeliveryLeaseOwner.IsDeadLocalProcess(owner, Owner))
                {
                    int released = await _store.ReleaseLeasesOfAsync(owner, _timeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false);
                    reclaimed += released;
                    Log.DeadOwnerReclaimed(_logger, released, owner);
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            ReportPassFailure(e);
        }

        return reclaimed;
    }

    private async Task NotifyLeftoversAsync(CancellationToken cancellationToken)
    {
        try
        {
            // Only deliveries recorded a lease ago or more: a live dispatcher on the same file tells its own in that time.
            var settled = _timeProvider.GetUtcNow() - _options.LeaseDuration;
            foreach (var entry in await _store.ListUnnotifiedAsync(10_000, cancellationToken).ConfigureAwait(false))
            {
                if (entry.CompletedAt is { } completed && completed > settled)
                {
                    continue;
                }

                await NotifyAsync(entry).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            ReportPassFailure(e);
        }
    }

    private DeliveryResponse Trim(DeliveryResponse response) =>
        response.Body.Length <= _options.MaxKeptResponseBytes ? response : response with { Body = response.Body[.._options.MaxKeptResponseBytes], BodyTruncated = true };

    /// <summary>
    /// Logs a failed pass, but the same failure only once a minute: a store that stays unavailable (failed for good, or
    /// full) would otherwise write the same error at every poll. A pass that succeeds clears it.
    /// </summary>
    private void ReportPassFailure(Exception e)
    {
        // Elapsed time, not the wall clock: a clock set back must not silence the log.
        long now = _timeProvider.GetTimestamp();
        string failure = e.GetType().Name + ": " + e.Message;
        lock (_passFailureLock)
        {
            if (string.Equals(failure, _lastPassFailure, StringComparison.Ordinal) && _timeProvider.GetElapsedTime(_lastPassFailureLoggedAt, now) < PassFailureLogInterval)
            {
                return;
            }

            _lastPassFailure = failure;
            _lastPassFailureLoggedAt = now;
        }

        Log.PassFailed(_logger, e.GetType().Name, e.Message);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.DeliveryDelivered, Level = LogLevel.Information, Message = "Delivery {DeliveryId} to {Queue} delivered with status {Status} after {Attempts} attempt(s)")]
        public static partial void Delivered(ILogger logger, string deliveryId, string queue, int status, int attempts);

        [LoggerMessage(EventId = EventIds.DeliveryAttemptFailed, Level = LogLevel.Warning, Message = "Delivery {DeliveryId} to {Queue} attempt {Attempts} failed; next attempt at {NextAttemptAt:o}: {Error}")]
        public static partial void AttemptFailed(ILogger logger, string deliveryId, string queue, int attempts, DateTimeOffset nextAttemptAt, string error);

        [LoggerMessage(EventId = EventIds.DeliveryDead, Level = LogLevel.Error, Message = "Delivery {DeliveryId} to {Queue} is a dead letter after {Attempts} attempt(s): {Error}")]
        public static partial void Dead(ILogger logger, string deliveryId, string queue, int attempts, string error);

        [LoggerMessage(EventId = EventIds.DeliveryLeaseLost, Level = LogLevel.Warning, Message = "Delivery {DeliveryId}: the lease was lost before the outcome was recorded; another dispatcher owns it now")]
        public static partial void LeaseLost(ILogger logger, string deliveryId);

        [LoggerMessage(EventId = EventIds.DeliveryStuckReturned, Level = LogLevel.Warning, Message = "{Count} stuck delivery(ies) whose dispatcher stopped mid-attempt were returned to the queue")]
        public static partial void StuckReturned(ILogger logger, int count);

        [LoggerMessage(EventId = EventIds.DeliveryPassFailed, Level = LogLevel.Error, Message = "The delivery dispatcher's pass failed ({ExceptionType}): {Message}; entries stay stored and are tried again")]
        public static partial void PassFailed(ILogger logger, string exceptionType, string message);

        [LoggerMessage(EventId = EventIds.DeliveryRecordFailed, Level = LogLevel.Error, Message = "Delivery {DeliveryId}: recording the outcome failed ({ExceptionType}); the entry returns to the queue when its lease ends")]
        public static partial void RecordFailed(ILogger logger, string deliveryId, string exceptionType);

        [LoggerMessage(EventId = EventIds.DeliveryDeadOwnerReclaimed, Level = LogLevel.Warning, Message = "{Count} delivery(ies) left in progress by {Owner}, a process on this machine that is gone, were returned to the queue")]
        public static partial void DeadOwnerReclaimed(ILogger logger, int count, string owner);

        [LoggerMessage(EventId = EventIds.DeliveryObserverFailed, Level = LogLevel.Error, Message = "Delivery {DeliveryId}: observer {Observer} threw {ExceptionType}")]
        public static partial void ObserverFailed(ILogger logger, string deliveryId, string observer, string exceptionType);
    }
}
