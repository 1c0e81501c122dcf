namespace Bulwark.Gateway.Configuration;

/// <summary>
/// One alert channel (<c>Bulwark:Alerts:Channels:{name}</c>): where and in which format notifications are sent. Each
/// type reads its own settings and validation refuses a setting of another type. A secret (a webhook or Slack URL, a
/// PagerDuty routing key, an SMTP password) is read from the environment variable its <c>...Environment</c> setting names;
/// the inline form is for tests and <c>check-config --production</c> flags it. Channels are read at start: a change needs a restart.
/// </summary>
public sealed class GatewayAlertChannelOptions
{
    /// <summary>Gets or sets the channel's kind, which decides the format and the settings it needs.</summary>
    /// <value>Required.</value>
    public AlertChannelType? Type { get; set; }

    /// <summary>
    /// Gets or sets where notifications are POSTed: the webhook's or Slack incoming webhook's URL, PagerDuty's Events API v2
    /// endpoint, or Alertmanager's base URL (<c>/api/v2/alerts</c> is appended). Not for Email.
    /// </summary>
    /// <value>An absolute http(s) URL. Required for Webhook and Slack unless <see cref="UrlEnvironment"/> is set; PagerDuty defaults to
    /// <c>https://events.pagerduty.com/v2/enqueue</c>; required for Alertmanager.</value>
    public string? Url { get; set; }

    /// <summary>Gets or sets the environment variable holding <see cref="Url"/> (a Slack or webhook URL is a secret). Exclusive with <see cref="Url"/>.</summary>
    /// <value>Defaults to none.</value>
    public string? UrlEnvironment { get; set; }

    /// <summary>Gets or sets extra request headers of a Webhook channel (an authorization header from the environment, for example).</summary>
    /// <value>Defaults to none. Webhook only.</value>
    public IDictionary<string, GatewayHeaderOptions> Headers { get; set; } =
        new Dictionary<string, GatewayHeaderOptions>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets or sets the PagerDuty integration's routing key (32 characters). Prefer <see cref="RoutingKeyEnvironment"/>.</summary>
    /// <value>PagerDuty only; it or <see cref="RoutingKeyEnvironment"/> is required.</value>
    public string? RoutingKey { get; set; }

    /// <summary>Gets or sets the environment variable holding the PagerDuty routing key. Exclusive with <see cref="RoutingKey"/>.</summary>
    /// <value>PagerDuty only.</value>
    public string? RoutingKeyEnvironment { get; set; }

    /// <summary>Gets or sets the SMTP server's host name.</summary>
    /// <value>Email only; required.</value>
    public string? Host { get; set; }

    /// <summary>Gets or sets the SMTP server's port.</summary>
    /// <value>Email only. Defaults to 587 (465 with <see cref="AlertEmailSecurity.SslOnConnect"/>, 25 with <see cref="AlertEmailSecurity.None"/>). Range 1 to 65535.</value>
    public int? Port { get; set; }

    /// <summary>Gets or sets how the SMTP connection is protected.</summary>
    /// <value>Email only. Defaults to <see cref="AlertEmailSecurity.StartTls"/>.</value>
    public AlertEmailSecurity? Security { get; set; }

    /// <summary>Gets or sets the SMTP user name; with it the channel authenticates (AUTH) with the password.</summary>
    /// <value>Email only. Defaults to none: no authentication.</value>
    public string? UserName { get; set; }

    /// <summary>Gets or sets the SMTP password inline. Prefer <see cref="PasswordEnvironment"/>.</summary>
    /// <value>Email only, with <see cref="UserName"/>.</value>
    public string? Password { get; set; }

    /// <summary>Gets or sets the environment variable holding the SMTP password. Exclusive with <see cref="Password"/>.</summary>
    /// <value>Email only, with <see cref="UserName"/>.</value>
    public string? PasswordEnvironment { get; set; }

    /// <summary>Gets or sets the sender address, such as <c>Bulwark &lt;alerts@example.com&gt;</c>.</summary>
    /// <value>Email only; required.</value>
    public string? From { get; set; }

    /// <summary>Gets or sets the recipients' addresses.</summary>
    /// <value>Email only; at least one.</value>
    public IList<string> To { get; set; } = [];

    /// <summary>Gets or sets the least severe alert the channel sends; a notification whose alerts are all less severe is not sent.</summary>
    /// <value>Defaults to <see cref="AlertChannelSeverity.Info"/>: every alert.</value>
    public AlertChannelSeverity MinSeverity { get; set; } = AlertChannelSeverity.Info;

    /// <summary>Gets or sets how long one send may take (the HTTP request, or the SMTP session) before it fails and is retried.</summary>
    /// <value>Defaults to 10 seconds. Range 1 second to 5 minutes, and at most <c>Bulwark:Deliveries:AttemptTimeout</c>.</value>
    public TimeSpan Timeout { get; set; } = AlertChannelConstants.DefaultTimeout;
}
