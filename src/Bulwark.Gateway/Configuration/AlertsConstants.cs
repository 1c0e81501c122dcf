namespace Bulwark.Gateway.Configuration;

/// <summary>Defaults and ranges of <c>Bulwark:Alerts</c>.</summary>
internal static class AlertsConstants
{
    public static readonly TimeSpan DefaultEvaluationInterval = TimeSpan.FromSeconds(15);
    public static readonly TimeSpan MinEvaluationInterval = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxEvaluationInterval = TimeSpan.FromMinutes(10);

    public static readonly TimeSpan DefaultResolveAfter = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan MinResolveAfter = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxResolveAfter = TimeSpan.FromDays(7);

    public static readonly TimeSpan DefaultRepeatInterval = TimeSpan.FromHours(4);
    public static readonly TimeSpan MinRepeatInterval = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan MaxRepeatInterval = TimeSpan.FromDays(30);

    public static readonly TimeSpan DefaultResolvedRetention = TimeSpan.FromHours(24);
    public static readonly TimeSpan MinResolvedRetention = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan MaxResolvedRetention = TimeSpan.FromDays(30);

    /// <summary>How long a notification is retried before it becomes a dead letter: a notifier outage of up to this long delays alerts but loses none.</summary>
    public static readonly TimeSpan NotificationTimeToLive = TimeSpan.FromDays(3);

    /// <summary>The attempts of a notification: the queue's most, so that the time to live, not a count, ends it (backoff tops at Deliveries:MaxDelay).</summary>
    public const int NotificationMaxAttempts = 1_000;

    /// <summary>How long after a notification Alertmanager keeps a firing alert without news (the endsAt the channel sends).</summary>
    public static readonly TimeSpan AlertmanagerFiringHorizon = TimeSpan.FromHours(24);

    public const int DefaultMaxAlerts = 1_000;
    public const int MaxMaxAlerts = 100_000;

    public const int MaxGroupBy = 10;
    public const int MaxLevels = 20;
    public static readonly TimeSpan MaxLevelAfter = TimeSpan.FromDays(7);

    public const string DefaultMinSeverity = "Info";

    /// <summary>The policy an alert takes when no other policy's matchers match it.</summary>
    public const string DefaultPolicy = "default";

    /// <summary>The label name a matcher uses for the alert's rule.</summary>
    public const string RuleLabel = "rule";

    public static readonly IReadOnlyList<string> DefaultGroupBy = ["provider"];

    /// <summary>The severities a level's <c>MinSeverity</c> may name (case-insensitive), least first.</summary>
    public static readonly IReadOnlyList<string> Severities = ["Info", "Warning", "Error", "Critical"];

    /// <summary>The inhibition in force when none is configured: a provider whose breaker is open does not also page for its errors.</summary>
    public static IReadOnlyList<GatewayAlertInhibitRuleOptions> DefaultInhibit() =>
    [
        new GatewayAlertInhibitRuleOptions
        {
            SourceMatchers = ["rule=breaker-open"],
            TargetMatchers = ["rule=~error-rate-high|error-rate-critical|error-anomaly|repeated-error"],
            Equal = ["provider"],
        },
    ];
}
