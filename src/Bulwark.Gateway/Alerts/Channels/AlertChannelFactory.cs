using Bulwark.Gateway.Configuration;

namespace Bulwark.Gateway.Alerts.Channels;

/// <summary>Builds a configured channel, its secrets read from the environment (validation has checked they are set).</summary>
internal static class AlertChannelFactory
{
    public static AlertChannel Create(string name, GatewayAlertChannelOptions options, GatewayEnvironment environment, HttpClient http, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        var minSeverity = (AlertSeverity)(int)options.MinSeverity;
        var timeout = options.Timeout;
        return options.Type switch
        {
            AlertChannelType.Webhook => new WebhookAlertChannel(name, Url(options, environment, null), Headers(options, environment), http, minSeverity, timeout, time, logger),
            AlertChannelType.Slack => new SlackAlertChannel(name, Url(options, environment, null), http, minSeverity, timeout, time, logger),
            AlertChannelType.PagerDuty => new PagerDutyAlertChannel(
                name,
                Url(options, environment, AlertChannelConstants.PagerDutyEventsUrl),
                Secret(options.RoutingKey, options.RoutingKeyEnvironment, environment) ?? throw Unset(name, "RoutingKey"),
                http, minSeverity, timeout, time, logger),
            AlertChannelType.Alertmanager => new AlertmanagerAlertChannel(name, Url(options, environment, null), http, minSeverity, timeout, time, logger),
            AlertChannelType.Email => new EmailAlertChannel(name, Email(name, options, environment), minSeverity, timeout, time, logger),
            _ => throw new InvalidOperationException($"Alert channel '{name}' has no known Type."),
        };
    }

    public static EmailSettings Email(string name, GatewayAlertChannelOptions options, GatewayEnvironment environment)
    {
        var security = options.Security ?? AlertEmailSecurity.StartTls;
        int port = options.Port ?? security switch
        {
            AlertEmailSecurity.SslOnConnect => AlertChannelConstants.SmtpsPort,
            AlertEmailSecurity.None => AlertChannelConstants.SmtpPort,
            _ => AlertChannelConstants.SubmissionPort,
        };
        return new EmailSettings(
            options.Host ?? throw Unset(name, "Host"),
            port,
            security,
            options.UserName,
            Secret(options.Password, options.PasswordEnvironment, environment),
            options.From ?? throw Unset(name, "From"),
            [.. options.To]);
    }

    private static Uri Url(GatewayAlertChannelOptions options, GatewayEnvironment environment, string? fallback) =>
        new(Secret(options.Url, options.UrlEnvironment, environment) ?? fallback ?? throw new InvalidOperationException("An alert channel has no Url."), UriKind.Absolute);

    private static string? Secret(string? inline, string? variable, GatewayEnvironment environment) =>
        variable is not null ? environment.Get(variable) : inline;

    private static List<KeyValuePair<string, string>> Headers(GatewayAlertChannelOptions options, GatewayEnvironment environment) =>
        [.. options.Headers.Where(h => h.Value is not null).Select(h => KeyValuePair.Create(
            h.Key,
            string.Format(System.Globalization.CultureInfo.InvariantCulture, h.Value.Format, h.Value.FromEnvironment is { } variable ? environment.Get(variable) : h.Value.Value)))];

    private static InvalidOperationException Unset(string name, string setting) => new($"Alert channel '{name}' has no {setting}.");
}
