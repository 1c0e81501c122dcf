using System.Text.Json.Serialization;

namespace Bulwark.Gateway.Alerts;

/// <summary>
/// One alert as the <see cref="AlertBook"/> keeps it (and stores it, as JSON): mutated under the book's lock only, copied
/// out as <see cref="AlertView"/>.
/// </summary>
internal sealed class Alert
{
    public required string Id { get; init; }

    public required string Rule { get; init; }

    /// <summary>Gets the labels, sorted by name.</summary>
    public required SortedDictionary<string, string> Labels { get; init; }

    public required AlertSeverity Severity { get; set; }

    public required AlertState State { get; set; }

    public required string Summary { get; set; }

    public string? Description { get; set; }

    public double? Value { get; set; }

    public required DateTimeOffset StartsAt { get; init; }

    public DateTimeOffset? EndsAt { get; set; }

    /// <summary>Gets or sets when the condition was last signalled (after a restart: when the book was loaded, a grace period).</summary>
    [JsonIgnore]
    public DateTimeOffset LastSeenAt { get; set; }

    public string? AcknowledgedBy { get; set; }

    public DateTimeOffset? AcknowledgedAt { get; set; }

    public string? AcknowledgeNote { get; set; }

    /// <summary>Gets or sets who resolved it (an operator), or <see langword="null"/> when it resolved by itself.</summary>
    public string? ResolvedBy { get; set; }

    // The collections have setters, not init: the stored form is read by generated metadata, which sets every init
    // property in one initializer (a row written before a collection existed would read it as null); a setter is only
    // called for what the row holds (AlertJsonTests).

    /// <summary>Gets or sets the escalation levels already notified.</summary>
    public SortedSet<int> NotifiedLevels { get; set; } = [];

    /// <summary>Gets or sets the channels notified, each with the level that first chose it (resolved notifications go to them all).</summary>
    public SortedDictionary<string, int> NotifiedChannels { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets or sets how many repeat notifications went out (the next one's ordinal is one more).</summary>
    public int Repeats { get; set; }

    /// <summary>Gets or sets when it was last notified as firing (a level or a repeat): the next repeat is due an interval later.</summary>
    public DateTimeOffset? LastNotifiedAt { get; set; }

    /// <summary>Gets or sets whether it was silenced or inhibited at the last evaluation (a notified alert is notified again when that ends).</summary>
    public bool Suppressed { get; set; }

    /// <summary>Gets or sets the notifications made for it, oldest first (at most <see cref="AlertBook.MaxNotificationsKept"/>).</summary>
    public List<AlertSentNotification> Notifications { get; set; } = [];

    [JsonIgnore]
    public string Identity => AlertBook.IdentityOf(Rule, Labels);

    [JsonIgnore]
    public IReadOnlyList<string> SilencedBy { get; set; } = [];

    [JsonIgnore]
    public IReadOnlyList<string> InhibitedBy { get; set; } = [];

    [JsonIgnore]
    public bool IsActive => State != AlertState.Resolved;
}

/// <summary>A notification made for an alert: what <c>/admin/alerts</c> lists under <c>notifications</c>.</summary>
internal sealed record AlertSentNotification(string Id, AlertNotificationKind Kind, int? Level, string Channel, DateTimeOffset At);
