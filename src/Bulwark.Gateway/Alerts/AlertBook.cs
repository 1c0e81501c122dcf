using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Bulwark.Gateway.Alerts;

/// <summary>
/// Every alert and silence, and the rules that move them: signals of each evaluation → firing alerts (deduplicated by rule
/// and labels), unsignalled for <c>ResolveAfter</c> → resolved, operators acknowledge and resolve; silences and inhibition
/// keep alerts from being notified; escalation levels, repeats and resolved notices become notifications, grouped by rule
/// and the <c>GroupBy</c> labels. Pure logic under one lock: the <see cref="AlertEngine"/> stores what each step returns
/// before it counts as done, and enqueues the notifications.
/// </summary>
internal sealed partial class AlertBook
{
    /// <summary>The most notifications an alert lists (the oldest go first).</summary>
    public const int MaxNotificationsKept = 100;

    private readonly object _gate = new();
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Dictionary<string, Alert> _active = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Alert> _byId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AlertSilence> _silences = new(StringComparer.Ordinal);
    private readonly AlertBookSettings _settings;

    public AlertBook(AlertBookSettings settings, TimeProvider timeProvider, ILogger<AlertBook> logger)
    {
        _settings = settings;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>Gets the settings (read at start: a reload that changes <c>Bulwark:Alerts</c> is reported as needing a restart).</summary>
    public AlertBookSettings Settings => _settings;

    /// <summary>The identity of an alert: its rule and its labels, sorted.</summary>
    public static string IdentityOf(string rule, IEnumerable<KeyValuePair<string, string>> labels)
    {
        var builder = new StringBuilder(rule);
        foreach (var (name, value) in labels.OrderBy(static l => l.Key, StringComparer.Ordinal))
        {
            builder.Append('\n').Append(name).Append('=').Append(value);
        }

        return builder.ToString();
    }

    /// <summary>Puts back what the store held (at start): the alerts, the silences. Active alerts count as signalled now.</summary>
    public void Load(IEnumerable<Alert> alerts, IEnumerable<AlertSilence> silences)
    {
        var now = _timeProvider.GetUtcNow();
        lock (_gate)
        {
            foreach (var alert in alerts)
            {
                alert.LastSeenAt = now;
                _byId[alert.Id] = alert;
                if (alert.IsActive)
                {
                    _active[alert.Identity] = alert;
                }
            }

            foreach (var silence in silences)
            {
                _silences[silence.Id] = silence;
            }

            // Shown with what silences and inhibits them from the start, not only after the first evaluation.
            MarkSuppression(now);
        }
    }

    /// <summary>Applies the signals of one evaluation (the union of every source's) at the current time.</summary>
    public AlertChanges Evaluate(IReadOnlyList<AlertSignal> signals)
    {
        ArgumentNullException.ThrowIfNull(signals);
        var now = _timeProvider.GetUtcNow();
        lock (_gate)
        {
            var step = new Step();
            ApplySignals(signals, now, step);
            foreach (var alert in _active.Values.ToList())
            {
                if (now - alert.LastSeenAt >= _settings.ResolveAfter)
                {
                    ResolveLocked(alert, now, by: null, step);
                }
            }

            Prune(now, step);
            return Finish(now, step);
        }
    }

    /// <summary>Acknowledges an active alert: its escalation and repeats stop; it still resolves when the condition clears.</summary>
    /// <returns>The changes, or an outcome saying why nothing changed.</returns>
    public (AlertChanges? Changes, AlertActionOutcome Outcome) Acknowledge(string id, string? by, string? note)
    {
        var now = _timeProvider.GetUtcNow();
        lock (_gate)
        {
            if (!_byId.TryGetValue(id, out var alert))
            {
                return (null, AlertActionOutcome.NotFound);
            }

            if (alert.State == AlertState.Resolved)
            {
                return (null, AlertActionOutcome.AlreadyResolved);
            }

            if (alert.State == AlertState.Acknowledged)
            {
                return (AlertChanges.None, AlertActionOutcome.Done);
            }

            alert.State = AlertState.Acknowledged;
            alert.AcknowledgedBy = by;
            alert.AcknowledgedAt = now;
            alert.AcknowledgeNote = note;
            var step = new Step();
            step.Changed.Add(alert);
            return (Finish(now, step), AlertActionOutcome.Done);
        }
    }

    /// <summary>Resolves an alert now (an operator's word); it fires again, as a new alert, when its condition is signalled again.</summary>
    public (AlertChanges? Changes, AlertActionOutcome Outcome) Resolve(string id, string? by)
    {
        var now = _timeProvider.GetUtcNow();
        lock (_gate)
        {
            if (!_byId.TryGetValue(id, out var alert))
            {
                return (null, AlertActionOutcome.NotFound);
            }

            if (alert.State == AlertState.Resolved)
            {
                return (AlertChanges.None, AlertActionOutcome.Done);
            }

            var step = new Step();
            ResolveLocked(alert, now, by ?? "admin", step);
            return (Finish(now, step), AlertActionOutcome.Done);
        }
    }

    /// <summary>Adds a silence; alerts it matches are no longer notified from now (from its start).</summary>
    public AlertChanges AddSilence(AlertSilence silence)
    {
        var now = _timeProvider.GetUtcNow();
        lock (_gate)
        {
            _silences[silence.Id] = silence;
            var step = new Step();
            step.Silences.Add(silence);
            return Finish(now, step);
        }
    }

    /// <summary>Ends a silence now; alerts it kept quiet that still fire are notified at the next evaluation.</summary>
    public (AlertChanges? Changes, AlertSilence? Silence) ExpireSilence(string id)
    {
        var now = _timeProvider.GetUtcNow();
        lock (_gate)
        {
            if (!_silences.TryGetValue(id, out var silence))
            {
                return (null, null);
            }

            if (silence.EndsAt <= now)
            {
                return (AlertChanges.None, silence);
            }

            var expired = silence with { EndsAt = now, StartsAt = silence.StartsAt > now ? now : silence.StartsAt };
            _silences[id] = expired;
            var step = new Step();
            step.Silences.Add(expired);
            return (Finish(now, step), expired);
        }
    }

    /// <summary>Gets copies of the alerts, most severe and newest first.</summary>
    public IReadOnlyList<AlertView> Alerts(Func<AlertView, bool>? filter = null)
    {
        lock (_gate)
        {
            return [.. _byId.Values
                .OrderBy(static a => a.State == AlertState.Resolved ? 1 : 0)
                .ThenByDescending(static a => a.Severity)
                .ThenByDescending(static a => a.StartsAt)
                .ThenBy(static a => a.Id, StringComparer.Ordinal)
                .Select(AlertView.Of)
                .Where(v => filter is null || filter(v))];
        }
    }

    public AlertView? Find(string id)
    {
        lock (_gate)
        {
            return _byId.TryGetValue(id, out var alert) ? AlertView.Of(alert) : null;
        }
    }

    /// <summary>Gets the silences (active, pending and recently expired), newest first.</summary>
    public IReadOnlyList<AlertSilence> Silences()
    {
        lock (_gate)
        {
            return [.. _silences.Values.OrderByDescending(static s => s.CreatedAt).ThenBy(static s => s.Id, StringComparer.Ordinal)];
        }
    }

    /// <summary>Gets the active alerts (firing or acknowledged) that no silence holds, counted by severity.</summary>
    public IReadOnlyDictionary<AlertSeverity, int> ActiveCounts()
    {
        var now = _timeProvider.GetUtcNow();
        var counts = Enum.GetValues<AlertSeverity>().ToDictionary(static s => s, static _ => 0);
        lock (_gate)
        {
            foreach (var alert in _active.Values)
            {
                if (!_silences.Values.Any(s => s.IsActiveAt(now) && s.Matches(alert)))
                {
                    counts[alert.Severity]++;
                }
            }
        }

        return counts;
    }

    private void ApplySignals(IReadOnlyList<AlertSignal> signals, DateTimeOffset now, Step step)
    {
        // One evaluation's signals of one identity are one: the most severe, its text.
        var merged = new Dictionary<string, AlertSignal>(StringComparer.Ordinal);
        foreach (var signal in signals)
        {
            if (signal is null || string.IsNullOrEmpty(signal.Rule))
            {
                continue;
            }

            string identity = IdentityOf(signal.Rule, signal.Labels ?? new Dictionary<string, string>());
            if (!merged.TryGetValue(identity, out var seen) || signal.Severity > seen.Severity)
            {
                merged[identity] = signal;
            }
        }

        int dropped = 0;
        foreach (var (identity, signal) in merged)
        {
            if (_active.TryGetValue(identity, out var alert))
            {
                alert.LastSeenAt = now;
                bool changed = false;
                if (signal.Severity > alert.Severity)
                {
                    alert.Severity = signal.Severity;
                    changed = true;
                }

                if (alert.Summary != signal.Summary || alert.Description != signal.Description || alert.Value != signal.Value)
                {
                    alert.Summary = signal.Summary;
                    alert.Description = signal.Description;
                    alert.Value = signal.Value;
                    changed = true;
                }

                if (changed)
                {
                    step.Changed.Add(alert);
                }

                continue;
            }

            if (_active.Count >= _settings.MaxAlerts && !MakeRoom(signal.Severity, step))
            {
                dropped++;
                continue;
            }

            var fresh = new Alert
            {
                Id = Guid.NewGuid().ToString("N"),
                Rule = signal.Rule,
                Labels = new SortedDictionary<string, string>(signal.Labels?.ToDictionary() ?? [], StringComparer.Ordinal),
                Severity = signal.Severity,
                State = AlertState.Firing,
                Summary = signal.Summary,
                Description = signal.Description,
                Value = signal.Value,
                StartsAt = now,
                LastSeenAt = now,
            };
            _active[identity] = fresh;
            _byId[fresh.Id] = fresh;
            step.Changed.Add(fresh);
        }

        if (dropped > 0 || step.Evicted > 0)
        {
            Log.AlertsDropped(_logger, dropped + step.Evicted, _settings.MaxAlerts);
        }
    }

    /// <summary>At the bound, evicts the least severe, newest active alert if it is less severe than the newcomer.</summary>
    private bool MakeRoom(AlertSeverity newcomer, Step step)
    {
        var weakest = _active.Values.OrderBy(static a => a.Severity).ThenByDescending(static a => a.StartsAt).ThenBy(static a => a.Id, StringComparer.Ordinal).First();
        if (weakest.Severity >= newcomer)
        {
            return false;
        }

        _active.Remove(weakest.Identity);
        _byId.Remove(weakest.Id);
        step.Changed.Remove(weakest);
        step.Removed.Add(weakest.Id);
        step.Evicted++;
        return true;
    }

    private void ResolveLocked(Alert alert, DateTimeOffset now, string? by, Step step)
    {
        alert.State = AlertState.Resolved;
        alert.EndsAt = now;
        alert.ResolvedBy = by;
        _active.Remove(alert.Identity);
        step.Changed.Add(alert);
        foreach (var (channel, _) in alert.NotifiedChannels)
        {
            step.Items.Add(new Item(alert, AlertNotificationKind.Resolved, null, channel, 0));
        }
    }

    private void Prune(DateTimeOffset now, Step step)
    {
        foreach (var alert in _byId.Values.Where(a => a.State == AlertState.Resolved && a.EndsAt + _settings.ResolvedRetention <= now).ToList())
        {
            _byId.Remove(alert.Id);
            step.Removed.Add(alert.Id);
        }

        foreach (var silence in _silences.Values.Where(s => s.EndsAt + _settings.ResolvedRetention <= now).ToList())
        {
            _silences.Remove(silence.Id);
            step.RemovedSilences.Add(silence.Id);
        }
    }

    /// <summary>Marks silenced and inhibited alerts, plans the escalation levels and repeats due, and makes the notifications.</summary>
    private AlertChanges Finish(DateTimeOffset now, Step step)
    {
        MarkSuppression(now);
        foreach (var alert in _active.Values)
        {
            bool suppressed = alert.SilencedBy.Count > 0 || alert.InhibitedBy.Count > 0;
            if (suppressed != alert.Suppressed)
            {
                bool ended = alert.Suppressed;
                alert.Suppressed = suppressed;
                step.Changed.Add(alert);
                if (ended && alert.State == AlertState.Firing && alert.NotifiedChannels.Count > 0)
                {
                    // Kept quiet while it fired: those it paged hear it still does, now.
                    Repeat(alert, now, step);
                    continue;
                }
            }

            if (suppressed || alert.State != AlertState.Firing)
            {
                continue;
            }

            PlanLevels(alert, now, step);
            if (alert.LastNotifiedAt is { } last && now - last >= _settings.RepeatInterval && alert.NotifiedChannels.Count > 0)
            {
                Repeat(alert, now, step);
            }
        }

        var notifications = MakeNotifications(now, step);
        return new AlertChanges
        {
            Alerts = [.. step.Changed.Where(a => _byId.ContainsKey(a.Id)).Select(static a => (a.Id, JsonSerializer.Serialize(a, AlertJson.Options)))],
            RemovedAlertIds = [.. step.Removed],
            Silences = [.. step.Silences],
            RemovedSilenceIds = [.. step.RemovedSilences],
            Notifications = notifications,
        };
    }

    private void MarkSuppression(DateTimeOffset now)
    {
        var silences = _silences.Values.Where(s => s.IsActiveAt(now)).ToList();
        var rules = _settings.Inhibit;
        var sources = rules.Select(r => _active.Values.Where(r.IsSource).ToList()).ToList();
        foreach (var alert in _active.Values)
        {
            alert.SilencedBy = silences.Count == 0 ? [] : [.. silences.Where(s => s.Matches(alert)).Select(static s => s.Id)];
            List<string>? inhibitors = null;
            for (int r = 0; r < rules.Count; r++)
            {
                if (sources[r].Count == 0 || !rules[r].IsTarget(alert))
                {
                    continue;
                }

                foreach (var source in sources[r])
                {
                    if (!ReferenceEquals(source, alert) && rules[r].EqualLabels(source, alert))
                    {
                        (inhibitors ??= []).Add(source.Id);
                    }
                }
            }

            alert.InhibitedBy = inhibitors is null ? [] : [.. inhibitors.Distinct(StringComparer.Ordinal)];
        }
    }

    private void PlanLevels(Alert alert, DateTimeOffset now, Step step)
    {
        if (_settings.Policies.FirstOrDefault(p => p.Takes(alert)) is not { } policy)
        {
            return;
        }

        for (int level = 0; level < policy.Levels.Count; level++)
        {
            var spec = policy.Levels[level];
            if (alert.NotifiedLevels.Contains(level) || now < alert.StartsAt + spec.After || alert.Severity < spec.MinSeverity)
            {
                continue;
            }

            alert.NotifiedLevels.Add(level);
            foreach (string channel in spec.Channels)
            {
                alert.NotifiedChannels.TryAdd(channel, level);
                step.Items.Add(new Item(alert, AlertNotificationKind.Firing, level, channel, 0));
            }

            alert.LastNotifiedAt = now;
            step.Changed.Add(alert);
        }
    }

    private static void Repeat(Alert alert, DateTimeOffset now, Step step)
    {
        alert.Repeats++;
        alert.LastNotifiedAt = now;
        foreach (var (channel, level) in alert.NotifiedChannels)
        {
            step.Items.Add(new Item(alert, AlertNotificationKind.Repeat, level, channel, alert.Repeats));
        }

        step.Changed.Add(alert);
    }

    private List<AlertNotification> MakeNotifications(DateTimeOffset now, Step step)
    {
        var notifications = new List<AlertNotification>();
        foreach (var group in step.Items
            .GroupBy(i => (GroupKey: GroupKeyOf(i.Alert), i.Kind, i.Level, Channel: i.Channel.ToLowerInvariant()))
            .OrderBy(static g => g.Key.GroupKey, StringComparer.Ordinal).ThenBy(static g => g.Key.Kind).ThenBy(static g => g.Key.Level).ThenBy(static g => g.Key.Channel, StringComparer.Ordinal))
        {
            var items = group.DistinctBy(static i => i.Alert.Id).OrderBy(static i => i.Alert.Id, StringComparer.Ordinal).ToList();
            string channel = items[0].Channel;
            string id = NotificationId(group.Key.GroupKey, group.Key.Kind, group.Key.Level, group.Key.Channel, items);
            var first = items[0].Alert;
            notifications.Add(new AlertNotification
            {
                Id = id,
                Kind = group.Key.Kind,
                Channel = channel,
                Level = group.Key.Level,
                GroupKey = group.Key.GroupKey,
                GroupLabels = GroupLabelsOf(first),
                Alerts = [.. items.Select(static i => new AlertNotificationItem
                {
                    Id = i.Alert.Id,
                    Rule = i.Alert.Rule,
                    Labels = new Dictionary<string, string>(i.Alert.Labels, StringComparer.Ordinal),
                    Severity = i.Alert.Severity,
                    State = i.Alert.State,
                    Summary = i.Alert.Summary,
                    Description = i.Alert.Description,
                    Value = i.Alert.Value,
                    StartsAt = i.Alert.StartsAt,
                    EndsAt = i.Alert.EndsAt,
                })],
                CreatedAt = now,
                ExternalUrl = _settings.ExternalUrl,
            });
            foreach (var item in items)
            {
                var sent = item.Alert.Notifications;
                sent.Add(new AlertSentNotification(id, group.Key.Kind, group.Key.Level, channel, now));
                if (sent.Count > MaxNotificationsKept)
                {
                    sent.RemoveAt(0);
                }

                step.Changed.Add(item.Alert);
            }
        }

        return notifications;
    }

    /// <summary>The notification's id: the same alerts, kind, level, channel and repeat ordinals always give the same id.</summary>
    private static string NotificationId(string groupKey, AlertNotificationKind kind, int? level, string channel, List<Item> items)
    {
        var text = new StringBuilder(groupKey).Append('\0').Append((int)kind).Append('\0').Append(level ?? -1).Append('\0').Append(channel);
        foreach (var item in items)
        {
            text.Append('\0').Append(item.Alert.Id).Append(':').Append(item.Ordinal);
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())).AsSpan(0, 16));
    }

    private string GroupKeyOf(Alert alert) => IdentityOf(alert.Rule, GroupLabelsOf(alert));

    private SortedDictionary<string, string> GroupLabelsOf(Alert alert)
    {
        var labels = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (string name in _settings.GroupBy)
        {
            if (alert.Labels.TryGetValue(name, out var value))
            {
                labels[name] = value;
            }
        }

        return labels;
    }

    private sealed record Item(Alert Alert, AlertNotificationKind Kind, int? Level, string Channel, int Ordinal);

    private sealed class Step
    {
        public HashSet<Alert> Changed { get; } = new(ReferenceEqualityComparer.Instance);

        public List<string> Removed { get; } = [];

        public List<AlertSilence> Silences { get; } = [];

        public List<string> RemovedSilences { get; } = [];

        public List<Item> Items { get; } = [];

        public int Evicted { get; set; }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.AlertsDropped, Level = LogLevel.Warning, Message = "{Count} alert(s) dropped: more than {MaxAlerts} (Bulwark:Alerts:MaxAlerts) would be active; the least severe, newest go first")]
        public static partial void AlertsDropped(ILogger logger, int count, int maxAlerts);
    }
}

/// <summary>What an operator's action on an alert came to.</summary>
internal enum AlertActionOutcome
{
    Done = 0,
    NotFound = 1,
    AlreadyResolved = 2,
}
