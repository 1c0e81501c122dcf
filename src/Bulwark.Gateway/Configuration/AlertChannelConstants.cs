namespace Bulwark.Gateway.Configuration;

/// <summary>Defaults and ranges of the alert channels' settings (<c>Bulwark:Alerts:Channels:{name}</c>).</summary>
internal static class AlertChannelConstants
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan MinTimeout = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromMinutes(5);

    /// <summary>PagerDuty's Events API v2 endpoint, the PagerDuty channel's default <c>Url</c>.</summary>
    public const string PagerDutyEventsUrl = "https://events.pagerduty.com/v2/enqueue";

    public const int SubmissionPort = 587;
    public const int SmtpsPort = 465;
    public const int SmtpPort = 25;
}
