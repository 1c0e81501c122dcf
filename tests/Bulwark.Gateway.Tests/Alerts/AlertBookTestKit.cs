using Bulwark.Gateway.Alerts;
using Bulwark.Gateway.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Bulwark.Gateway.Tests.Alerts;

/// <summary>Books on fake time, signals and the seed's four escalation levels, for the alert tests.</summary>
internal static class AlertBookTestKit
{
    public static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    /// <summary>The seed's escalation: Slack and email at once, PagerDuty at 30 min, phone at 60, SMS at 120 — by severity.</summary>
    public static EscalationPolicy SeedPolicy(string name = "default", params AlertMatcher[] matchers) => new(
        name,
        matchers,
        [
            new EscalationLevel(TimeSpan.Zero, AlertSeverity.Warning, ["slack", "email"]),
            new EscalationLevel(TimeSpan.FromMinutes(30), AlertSeverity.Error, ["pagerduty"]),
            new EscalationLevel(TimeSpan.FromMinutes(60), AlertSeverity.Critical, ["phone"]),
            new EscalationLevel(TimeSpan.FromMinutes(120), AlertSeverity.Critical, ["sms"]),
        ],
        name == AlertsConstants.DefaultPolicy);

    public static AlertBookSettings Settings(params EscalationPolicy[] policies) => new() { Policies = policies.Length == 0 ? [SeedPolicy()] : policies };

    public static (AlertBook Book, FakeTimeProvider Time) Book(AlertBookSettings? settings = null)
    {
        var time = new FakeTimeProvider(Start);
        return (new AlertBook(settings ?? Settings(), time, NullLogger<AlertBook>.Instance), time);
    }

    public static AlertSignal Signal(string rule, AlertSeverity severity = AlertSeverity.Critical, string provider = "openai", string? route = null, double? value = null)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal) { ["provider"] = provider };
        if (route is not null)
        {
            labels["route"] = route;
        }

        return new AlertSignal(rule, labels, severity, $"{rule} on {provider}", Value: value);
    }

    public static AlertMatcher Matcher(string text) => AlertMatcher.Parse(text, out string? error) ?? throw new ArgumentException(error);

    /// <summary>The (kind, level, channel) of each notification, ordered, for compact assertions.</summary>
    public static IReadOnlyList<string> Brief(AlertChanges changes) =>
        [.. changes.Notifications.Select(static n => $"{n.Kind}:{(n.Level is { } l ? l.ToString(System.Globalization.CultureInfo.InvariantCulture) : "-")}:{n.Channel}").Order(StringComparer.Ordinal)];
}
