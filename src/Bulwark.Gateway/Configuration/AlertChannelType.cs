namespace Bulwark.Gateway.Configuration;

/// <summary>The kinds of alert channel.</summary>
public enum AlertChannelType
{
    /// <summary>A generic webhook: the notification as JSON, POSTed to a URL.</summary>
    Webhook = 0,

    /// <summary>A Slack incoming webhook.</summary>
    Slack = 1,

    /// <summary>Email over SMTP.</summary>
    Email = 2,

    /// <summary>PagerDuty Events API v2.</summary>
    PagerDuty = 3,

    /// <summary>Prometheus Alertmanager's API v2 (<c>POST /api/v2/alerts</c>).</summary>
    Alertmanager = 4,
}
