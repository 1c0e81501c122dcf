using Bulwark.Gateway.Configuration;

namespace Bulwark.Gateway.Alerts;

/// <summary>The validated <c>Bulwark:Alerts</c> settings as the <see cref="AlertBook"/> applies them.</summary>
internal sealed record AlertBookSettings
{
    public TimeSpan ResolveAfter { get; init; } = AlertsConstants.DefaultResolveAfter;

    public TimeSpan RepeatInterval { get; init; } = AlertsConstants.DefaultRepeatInterval;

    public IReadOnlyList<string> GroupBy { get; init; } = AlertsConstants.DefaultGroupBy;

    public int MaxAlerts { get; init; } = AlertsConstants.DefaultMaxAlerts;

    public TimeSpan ResolvedRetention { get; init; } = AlertsConstants.DefaultResolvedRetention;

    public string? ExternalUrl { get; init; }

    /// <summary>Gets the policies in the order they are tried: the others by name, then <c>default</c>.</summary>
    public IReadOnlyList<EscalationPolicy> Policies { get; init; } = [];

    public IReadOnlyList<InhibitRule> Inhibit { get; init; } = InhibitRule.From(AlertsConstants.DefaultInhibit());

    /// <summary>Reads validated options (a matcher that cannot be read is left out; validation refuses it first).</summary>
    public static AlertBookSettings From(GatewayAlertsOptions options)
    {
        // A level's channel is named as its key in Channels is spelled: the queue (and the channel's handler) is keyed by it.
        var channels = options.Channels.Keys.ToList();
        string Spelled(string channel) => channels.Find(k => string.Equals(k, channel, StringComparison.OrdinalIgnoreCase)) ?? channel;
        var policies = options.Escalation.Policies
            .Where(static p => p.Value is not null)
            .OrderBy(static p => string.Equals(p.Key, AlertsConstants.DefaultPolicy, StringComparison.OrdinalIgnoreCase) ? 1 : 0)
            .ThenBy(static p => p.Key, StringComparer.Ordinal)
            .Select(p => new EscalationPolicy(
                p.Key,
                AlertMatcher.ParseAll(p.Value.Matchers, p.Key, null),
                [.. p.Value.Levels.Where(static l => l is not null).Select(l => new EscalationLevel(
                    l.After,
                    Enum.TryParse(l.MinSeverity, ignoreCase: true, out AlertSeverity s) ? s : AlertSeverity.Info,
                    [.. l.Channels.Select(Spelled)]))],
                string.Equals(p.Key, AlertsConstants.DefaultPolicy, StringComparison.OrdinalIgnoreCase)))
            .ToList();
        return new AlertBookSettings
        {
            ResolveAfter = options.ResolveAfter,
            RepeatInterval = options.RepeatInterval,
            GroupBy = options.GroupBy is { } groupBy ? [.. groupBy] : AlertsConstants.DefaultGroupBy,
            MaxAlerts = options.MaxAlerts,
            ResolvedRetention = options.ResolvedRetention,
            ExternalUrl = options.ExternalUrl,
            Policies = policies,
            Inhibit = InhibitRule.From(options.Inhibit.Count > 0 ? [.. options.Inhibit] : AlertsConstants.DefaultInhibit()),
        };
    }
}

/// <summary>An escalation policy: the alerts it takes (all matchers; none for <c>default</c>) and its levels.</summary>
internal sealed record EscalationPolicy(string Name, IReadOnlyList<AlertMatcher> Matchers, IReadOnlyList<EscalationLevel> Levels, bool IsDefault)
{
    public bool Takes(Alert alert) => IsDefault || (Matchers.Count > 0 && Matchers.All(m => m.Matches(alert.Rule, alert.Labels)));
}

/// <summary>One escalation level: at <see cref="After"/> from the alert's start, for alerts of <see cref="MinSeverity"/> or worse.</summary>
internal sealed record EscalationLevel(TimeSpan After, AlertSeverity MinSeverity, IReadOnlyList<string> Channels);

/// <summary>An inhibition rule, as Alertmanager's: an active source alert keeps matching targets with equal labels from being notified.</summary>
internal sealed record InhibitRule(IReadOnlyList<AlertMatcher> Source, IReadOnlyList<AlertMatcher> Target, IReadOnlyList<string> Equal)
{
    public static IReadOnlyList<InhibitRule> From(IEnumerable<GatewayAlertInhibitRuleOptions> rules) =>
        [.. rules.Where(static r => r is not null).Select(static r => new InhibitRule(
            AlertMatcher.ParseAll(r.SourceMatchers, "source", null),
            AlertMatcher.ParseAll(r.TargetMatchers, "target", null),
            [.. r.Equal]))];

    public bool IsSource(Alert alert) => Source.Count > 0 && Source.All(m => m.Matches(alert.Rule, alert.Labels));

    public bool IsTarget(Alert alert) => Target.Count > 0 && Target.All(m => m.Matches(alert.Rule, alert.Labels));

    public bool EqualLabels(Alert source, Alert target)
    {
        foreach (string label in Equal)
        {
            string a = source.Labels.TryGetValue(label, out var x) ? x : string.Empty;
            string b = target.Labels.TryGetValue(label, out var y) ? y : string.Empty;
            if (!string.Equals(a, b, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }
}
