namespace Bulwark.Gateway.Alerts;

/// <summary>
/// What the alert engine hands to one channel: the alerts of one group that changed together, as stored in the durable
/// delivery queue (JSON, camelCase, enums as strings) under the channel's queue (<see cref="AlertQueues.ForChannel"/>)
/// with <see cref="Id"/> as idempotency key, so a restart never sends it twice and a notifier outage delays it but
/// loses nothing. The channel's handler formats it (webhook JSON, Slack, email, PagerDuty, Alertmanager) when it sends.
/// </summary>
internal sealed record AlertNotification
{
    /// <summary>Gets the notification's id, unique per (group, kind, escalation level, channel, occurrence): the idempotency key.</summary>
    public required string Id { get; init; }

    /// <summary>Gets why it is sent.</summary>
    public required AlertNotificationKind Kind { get; init; }

    /// <summary>Gets the channel's name (a key of <c>Bulwark:Alerts:Channels</c>).</summary>
    public required string Channel { get; init; }

    /// <summary>Gets the escalation level (0 = first) that chose this channel, or <see langword="null"/> for resolved notifications.</summary>
    public int? Level { get; init; }

    /// <summary>Gets the group's key: the rule and the grouping labels' values.</summary>
    public required string GroupKey { get; init; }

    /// <summary>Gets the group's labels (the grouping labels the alerts share).</summary>
    public required IReadOnlyDictionary<string, string> GroupLabels { get; init; }

    /// <summary>Gets the alerts, at least one.</summary>
    public required IReadOnlyList<AlertNotificationItem> Alerts { get; init; }

    /// <summary>Gets when the engine created the notification.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets the gateway's external URL (<c>Bulwark:Alerts:ExternalUrl</c>) for links back, or <see langword="null"/>.</summary>
    public string? ExternalUrl { get; init; }
}

/// <summary>One alert as a notification shows it.</summary>
internal sealed record AlertNotificationItem
{
    /// <summary>Gets the alert's id: stable for (rule, labels) while it fires; a new id after it resolved and fires again.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the rule, such as <c>breaker-open</c>.</summary>
    public required string Rule { get; init; }

    /// <summary>Gets the labels (the rule is not among them).</summary>
    public required IReadOnlyDictionary<string, string> Labels { get; init; }

    /// <summary>Gets the severity.</summary>
    public required AlertSeverity Severity { get; init; }

    /// <summary>Gets the state when the notification was made: firing, acknowledged or resolved.</summary>
    public required AlertState State { get; init; }

    /// <summary>Gets the one-line summary.</summary>
    public required string Summary { get; init; }

    /// <summary>Gets the detail, or <see langword="null"/>.</summary>
    public string? Description { get; init; }

    /// <summary>Gets the last measured value, or <see langword="null"/>.</summary>
    public double? Value { get; init; }

    /// <summary>Gets when it started firing.</summary>
    public required DateTimeOffset StartsAt { get; init; }

    /// <summary>Gets when it resolved, or <see langword="null"/> while it fires.</summary>
    public DateTimeOffset? EndsAt { get; init; }
}
