using System.Text;
using System.Text.Json;
using Bulwark.Deliveries;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Storage;
using Bulwark.Storage;
using Bulwark.Storage.Alerts;
using Microsoft.Extensions.Options;

namespace Bulwark.Gateway.Alerts;

/// <summary>
/// Runs alerting off the request path: every <c>EvaluationInterval</c> it asks each <see cref="IAlertSignalSource"/> what
/// holds (a source that throws is logged and skipped; the others still count), applies the union to the
/// <see cref="AlertBook"/>, stores what changed, then puts each notification on its channel's durable delivery queue
/// (<see cref="AlertQueues"/>) with its id as idempotency key. A notification is stored before it is enqueued, so one
/// a stopped process did not enqueue is enqueued at the next start, and the queue keeps it once. Operators' actions
/// (acknowledge, resolve, silence) go through the same steps.
/// </summary>
internal sealed partial class AlertEngine : IHostedService, IDisposable
{
    private readonly AlertBook _book;
    private readonly GatewayStore _store;
    private readonly IDeferredDeliveryQueue _queue;
    private readonly IReadOnlyList<IAlertSignalSource> _sources;
    private readonly TimeSpan _interval;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<AlertEngine> _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();

    // Changes whose store write failed (stored, in order, before anything newer) and notifications stored but not yet enqueued.
    private readonly List<AlertChanges> _unsaved = [];
    private readonly List<AlertNotification> _unsent = [];
    private ITimer? _timer;

    public AlertEngine(AlertBook book, GatewayStore store, IDeferredDeliveryQueue queue, IEnumerable<IAlertSignalSource> sources, IOptions<GatewayOptions> options, TimeProvider timeProvider, ILogger<AlertEngine> logger)
    {
        _book = book;
        _store = store;
        _queue = queue;
        _sources = [.. sources];
        _interval = options.Value.Alerts.EvaluationInterval;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>Gets or sets a step run after changes are stored and before their notifications are enqueued (tests stop the process there).</summary>
    internal Func<ValueTask>? AfterStore { get; set; }

    public AlertBook Book => _book;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken).ConfigureAwait(false);
        _timer = _timeProvider.CreateTimer(static engine => _ = ((AlertEngine)engine!).TickAsync(), this, _interval, _interval);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _timer?.Dispose();
        if (Volatile.Read(ref _disposed) == 0)
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _timer?.Dispose();
            _stopping.Dispose();
        }
    }

    private int _disposed;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<IAlertSignalSource, IReadOnlyList<AlertSignal>> _lastSignals = new(ReferenceEqualityComparer.Instance);

    /// <summary>One evaluation now: asks every source, applies, stores, enqueues.</summary>
    public async Task EvaluateAsync(CancellationToken cancellationToken)
    {
        var now = _timeProvider.GetUtcNow();
        var signals = new List<AlertSignal>();
        foreach (var source in _sources)
        {
            try
            {
                var found = await source.EvaluateAsync(now, cancellationToken).ConfigureAwait(false);
                _lastSignals[source] = found;
                signals.AddRange(found);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // A source that cannot look now is taken to see what it saw last: its alerts neither resolve nor fire because it failed.
                Log.SourceFailed(_logger, source.GetType().Name, e);
                if (_lastSignals.TryGetValue(source, out var last))
                {
                    signals.AddRange(last);
                }
            }
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await CommitAsync(_book.Evaluate(signals), cancellationToken).ConfigureAwait(false);
            await PruneAsync(now, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>How often the marks of notifications enqueued longer than <c>ResolvedRetention</c> ago are deleted.</summary>
    public static readonly TimeSpan PruneInterval = TimeSpan.FromHours(1);

    /// <summary>The most changes, and notifications, kept in memory while the store refuses them; the oldest go first.</summary>
    public const int MaxBacklog = 10_000;

    private DateTimeOffset _lastPrune = DateTimeOffset.MinValue;

    private async Task PruneAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (now - _lastPrune < PruneInterval || _store.AlertStore is not { } alertStore || !_store.IsAvailable)
        {
            return;
        }

        _lastPrune = now;
        try
        {
            await alertStore.PruneAlertNotificationsAsync(now - _book.Settings.ResolvedRetention, cancellationToken).ConfigureAwait(false);
        }
        catch (StoreUnavailableException e)
        {
            Log.StoreFailed(_logger, e.Message);
        }
    }

    private void Bound<T>(List<T> backlog)
    {
        if (backlog.Count > MaxBacklog)
        {
            int dropped = backlog.Count - MaxBacklog;
            backlog.RemoveRange(0, dropped);
            Log.BacklogDropped(_logger, dropped, MaxBacklog);
        }
    }

    /// <summary>Acknowledges an alert; <see langword="false"/> in Stored when it is changed in memory but not yet stored.</summary>
    public Task<(AlertActionOutcome Outcome, bool Stored)> AcknowledgeAsync(string id, string? by, string? note, CancellationToken cancellationToken) =>
        ActAsync(() => _book.Acknowledge(id, by, note), cancellationToken);

    public Task<(AlertActionOutcome Outcome, bool Stored)> ResolveAsync(string id, string? by, CancellationToken cancellationToken) =>
        ActAsync(() => _book.Resolve(id, by), cancellationToken);

    public async Task<bool> AddSilenceAsync(AlertSilence silence, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await CommitAsync(_book.AddSilence(silence), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<(AlertSilence? Silence, bool Stored)> ExpireSilenceAsync(string id, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var (changes, silence) = _book.ExpireSilence(id);
            return changes is null ? (null, true) : (silence, await CommitAsync(changes, cancellationToken).ConfigureAwait(false));
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<(AlertActionOutcome Outcome, bool Stored)> ActAsync(Func<(AlertChanges? Changes, AlertActionOutcome Outcome)> act, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var (changes, outcome) = act();
            return changes is null ? (outcome, true) : (outcome, await CommitAsync(changes, cancellationToken).ConfigureAwait(false));
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task TickAsync()
    {
        try
        {
            await EvaluateAsync(_stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (ObjectDisposedException)
        {
        }
        catch (Exception e)
        {
            Log.EvaluationFailed(_logger, e);
        }
    }

    /// <summary>Reads the book from the store and enqueues the notifications a stopped process stored but did not enqueue.</summary>
    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        if (_store.AlertStore is not { } alertStore || !_store.IsAvailable)
        {
            return;
        }

        try
        {
            var stored = await alertStore.LoadAlertsAsync(cancellationToken).ConfigureAwait(false);
            var alerts = new List<Alert>();
            foreach (var alert in stored.Alerts)
            {
                if (TryRead<Alert>(alert.Data) is { } read)
                {
                    alerts.Add(read);
                }
            }

            var silences = stored.Silences.Select(static s => TryRead<AlertSilence>(s.Data)).OfType<AlertSilence>().ToList();
            _book.Load(alerts, silences);
            foreach (var pending in stored.PendingNotifications)
            {
                if (TryReadNotification(pending.Payload) is { } notification)
                {
                    _unsent.Add(notification);
                }
            }

            Log.Loaded(_logger, alerts.Count, silences.Count, _unsent.Count);
            await EnqueueAsync(cancellationToken).ConfigureAwait(false);
            await PruneAsync(_timeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        }
        catch (StoreUnavailableException e)
        {
            Log.StoreFailed(_logger, e.Message);
        }
    }

    /// <summary>Reads a pending notification in the one form it is written in (<see cref="AlertNotificationJson"/>).</summary>
    private static AlertNotification? TryReadNotification(string json)
    {
        try
        {
            return AlertJson.ReadNotification(Encoding.UTF8.GetBytes(json));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static T? TryRead<T>(string json)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(json, AlertJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Stores the changes (and any earlier ones a failed write left), then enqueues their notifications.</summary>
    /// <returns>Whether everything up to these changes is stored.</returns>
    private async Task<bool> CommitAsync(AlertChanges changes, CancellationToken cancellationToken)
    {
        if (!changes.IsEmpty)
        {
            _unsaved.Add(changes);
            Bound(_unsaved);
        }

        if (_store.AlertStore is { } alertStore && _store.IsAvailable)
        {
            while (_unsaved.Count > 0)
            {
                var next = _unsaved[0];
                try
                {
                    await alertStore.SaveAlertChangesAsync(ToStore(next), _timeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false);
                }
                catch (StoreUnavailableException e)
                {
                    Log.StoreFailed(_logger, e.Message);
                    return false;
                }

                _unsaved.RemoveAt(0);
                _unsent.AddRange(next.Notifications);
            }

            if (AfterStore is { } hook)
            {
                await hook().ConfigureAwait(false);
            }
        }
        else
        {
            // In memory (or no store at all): nothing survives a restart anyway; the queue takes them as they come.
            foreach (var each in _unsaved)
            {
                _unsent.AddRange(each.Notifications);
            }

            _unsaved.Clear();
        }

        await EnqueueAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// How a notification is delivered: in order within its group on its channel (a firing notice retried after a 429 is
    /// never overtaken by its own resolved notice), and retried for <see cref="AlertsConstants.NotificationTimeToLive"/>
    /// rather than for the route deliveries' attempts.
    /// </summary>
    private static DeliveryEnqueueOptions NotificationDelivery(AlertNotification notification) => new()
    {
        OrderingKey = notification.GroupKey,
        MaxAttempts = AlertsConstants.NotificationMaxAttempts,
        TimeToLive = AlertsConstants.NotificationTimeToLive,
    };

    private async Task EnqueueAsync(CancellationToken cancellationToken)
    {
        Bound(_unsent);
        if (_unsent.Count == 0)
        {
            return;
        }

        var enqueued = new List<string>();
        try
        {
            foreach (var notification in _unsent)
            {
                var envelope = DeliveryEnvelope.ForPayload(AlertJson.Serialize(notification), "application/json");
                await _queue.EnqueueAsync(AlertQueues.ForChannel(notification.Channel), notification.Id, envelope, NotificationDelivery(notification), cancellationToken).ConfigureAwait(false);
                enqueued.Add(notification.Id);
            }
        }
        catch (StoreUnavailableException e)
        {
            Log.EnqueueFailed(_logger, _unsent.Count - enqueued.Count, e.Message);
        }

        _unsent.RemoveRange(0, enqueued.Count);
        if (enqueued.Count > 0)
        {
            Log.Notified(_logger, enqueued.Count);
            if (_store.AlertStore is { } alertStore && _store.IsAvailable)
            {
                try
                {
                    await alertStore.MarkAlertNotificationsEnqueuedAsync(enqueued, _timeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false);
                }
                catch (StoreUnavailableException e)
                {
                    // Left pending: enqueued again at the next start, where the queue keeps the first.
                    Log.StoreFailed(_logger, e.Message);
                }
            }
        }
    }

    private static AlertStoreChanges ToStore(AlertChanges changes) => new()
    {
        Alerts = [.. changes.Alerts.Select(static a => new StoredAlert(a.Id, a.Json))],
        RemovedAlertIds = changes.RemovedAlertIds,
        Silences = [.. changes.Silences.Select(static s => new StoredAlertSilence(s.Id, JsonSerializer.Serialize(s, AlertJson.Options)))],
        RemovedSilenceIds = changes.RemovedSilenceIds,
        Notifications = [.. changes.Notifications.Select(static n => new StoredAlertNotification(n.Id, AlertQueues.ForChannel(n.Channel), Encoding.UTF8.GetString(AlertJson.Serialize(n)), n.CreatedAt))],
    };

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.AlertSourceFailed, Level = LogLevel.Error, Message = "Alert signal source {Source} failed; the other sources' signals still count")]
        public static partial void SourceFailed(ILogger logger, string source, Exception exception);

        [LoggerMessage(EventId = EventIds.AlertsStoreFailed, Level = LogLevel.Error, Message = "Alerts could not be stored ({Reason}); their changes and notifications wait in memory and are stored, then sent, when the store takes them")]
        public static partial void StoreFailed(ILogger logger, string reason);

        [LoggerMessage(EventId = EventIds.AlertsEnqueueFailed, Level = LogLevel.Error, Message = "{Count} alert notification(s) could not be put on their delivery queue ({Reason}); tried again at the next evaluation")]
        public static partial void EnqueueFailed(ILogger logger, int count, string reason);

        [LoggerMessage(EventId = EventIds.AlertsLoaded, Level = LogLevel.Information, Message = "Alerts restored from the store: {Alerts} alert(s), {Silences} silence(s), {Pending} notification(s) to enqueue")]
        public static partial void Loaded(ILogger logger, int alerts, int silences, int pending);

        [LoggerMessage(EventId = EventIds.AlertsNotified, Level = LogLevel.Information, Message = "{Count} alert notification(s) put on their delivery queues")]
        public static partial void Notified(ILogger logger, int count);

        [LoggerMessage(EventId = EventIds.AlertsBacklogDropped, Level = LogLevel.Error, Message = "{Count} alert change(s) or notification(s) waiting for the store were dropped: more than {Max} waited")]
        public static partial void BacklogDropped(ILogger logger, int count, int max);

        [LoggerMessage(EventId = EventIds.AlertEvaluationFailed, Level = LogLevel.Error, Message = "An alert evaluation failed; the next one runs at its time")]
        public static partial void EvaluationFailed(ILogger logger, Exception exception);
    }
}
