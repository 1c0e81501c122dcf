using System.Text.Json.Serialization;
using Bulwark.Gateway.Configuration;

namespace Bulwark.Gateway.Alerts;

/// <summary>A silence: alerts matching every matcher between <see cref="StartsAt"/> and <see cref="EndsAt"/> are kept and shown, not notified.</summary>
internal sealed record AlertSilence
{
    public required string Id { get; init; }

    public required IReadOnlyList<AlertSilenceMatcher> Matchers { get; init; }

    public required DateTimeOffset StartsAt { get; init; }

    public required DateTimeOffset EndsAt { get; init; }

    public required string CreatedBy { get; init; }

    public string? Comment { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    [JsonIgnore]
    public IReadOnlyList<AlertMatcher> Compiled => _compiled ??= [.. Matchers.Select(static m => AlertMatcher.Create(m.Name, m.Operator, m.Value, out _)!)];

    private IReadOnlyList<AlertMatcher>? _compiled;

    public bool IsActiveAt(DateTimeOffset now) => StartsAt <= now && now < EndsAt;

    public string StateAt(DateTimeOffset now) => now < StartsAt ? "pending" : now < EndsAt ? "active" : "expired";

    public bool Matches(Alert alert)
    {
        foreach (var matcher in Compiled)
        {
            if (!matcher.Matches(alert.Rule, alert.Labels))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>One matcher of a silence, as the admin API takes and shows it.</summary>
internal sealed record AlertSilenceMatcher(string Name, string Operator, string Value);
