namespace Bulwark.Gateway.Alerts;

/// <summary>A copy of an alert as <c>/admin/alerts</c> shows it.</summary>
internal sealed record AlertView
{
    public required string Id { get; init; }

    public required string Rule { get; init; }

    public required IReadOnlyDictionary<string, string> Labels { get; init; }

    public required AlertSeverity Severity { get; init; }

    public required AlertState State { get; init; }

    public required string Summary { get; init; }

    public string? Description { get; init; }

    public double? Value { get; init; }

    public required DateTimeOffset StartsAt { get; init; }

    public DateTimeOffset? EndsAt { get; init; }

    public string? AcknowledgedBy { get; init; }

    public DateTimeOffset? AcknowledgedAt { get; init; }

    public string? AcknowledgeNote { get; init; }

    public string? ResolvedBy { get; init; }

    public required IReadOnlyList<string> SilencedBy { get; init; }

    public required IReadOnlyList<string> InhibitedBy { get; init; }

    public required IReadOnlyList<AlertSentNotification> Notifications { get; init; }

    public static AlertView Of(Alert alert) => new()
    {
        Id = alert.Id,
        Rule = alert.Rule,
        Labels = new Dictionary<string, string>(alert.Labels, StringComparer.Ordinal),
        Severity = alert.Severity,
        State = alert.State,
        Summary = alert.Summary,
        Description = alert.Description,
        Value = alert.Value,
        StartsAt = alert.StartsAt,
        EndsAt = alert.EndsAt,
        AcknowledgedBy = alert.AcknowledgedBy,
        AcknowledgedAt = alert.AcknowledgedAt,
        AcknowledgeNote = alert.AcknowledgeNote,
        ResolvedBy = alert.ResolvedBy,
        SilencedBy = alert.IsActive ? alert.SilencedBy : [],
        InhibitedBy = alert.IsActive ? alert.InhibitedBy : [],
        Notifications = [.. alert.Notifications],
    };
}
