namespace Bulwark.Gateway.Configuration;

/// <summary>
/// The production checks of the alert channels (<c>check-config --production</c>): alerts or credentials sent over plain
/// http to a non-loopback host, an SMTP channel without enforced TLS, and a secret written in the configuration file.
/// </summary>
internal static class AlertChannelReadiness
{
    public static void Check(GatewayOptions options, List<ReadinessFinding> findings)
    {
        foreach (var (name, channel) in options.Alerts.Channels)
        {
            if (channel?.Type is not { } type)
            {
                continue;
            }

            string path = $"Bulwark:Alerts:Channels:{name}";
            if (type != AlertChannelType.Email && Uri.TryCreate(channel.Url ?? (type == AlertChannelType.PagerDuty && channel.UrlEnvironment is null ? AlertChannelConstants.PagerDutyEventsUrl : null), UriKind.Absolute, out var url)
                && url.Scheme == Uri.UriSchemeHttp && !url.IsLoopback)
            {
                findings.Add(new(ReadinessSeverity.Warning, "alert-channel-plain-http",
                    $"Alert channel '{name}' ({type}) sends to {url.Host} over plain http: alerts{(type is AlertChannelType.Slack or AlertChannelType.PagerDuty or AlertChannelType.Webhook ? " and the credential in the URL or body" : string.Empty)} cross the network in clear text. Use https.",
                    $"{path}:Url"));
            }

            if (channel.Url is not null && type is AlertChannelType.Slack or AlertChannelType.Webhook)
            {
                findings.Add(new(ReadinessSeverity.Warning, "alert-channel-secret-inline",
                    $"Alert channel '{name}' has its {type} URL written in the configuration file: whoever has the URL can post to it. Put it in an environment variable and name that in UrlEnvironment.",
                    $"{path}:Url"));
            }

            if (channel.RoutingKey is not null)
            {
                findings.Add(new(ReadinessSeverity.Warning, "alert-channel-secret-inline",
                    $"Alert channel '{name}' has its PagerDuty routing key written in the configuration file. Put it in an environment variable and name that in RoutingKeyEnvironment.",
                    $"{path}:RoutingKey"));
            }

            if (channel.Password is not null)
            {
                findings.Add(new(ReadinessSeverity.Warning, "alert-channel-secret-inline",
                    $"Alert channel '{name}' has its SMTP password written in the configuration file. Put it in an environment variable and name that in PasswordEnvironment.",
                    $"{path}:Password"));
            }

            foreach (var (headerName, header) in channel.Headers)
            {
                if (header?.Value is not null && (ProductionReadinessConstants.SecretHeaderNames.Contains(headerName, StringComparer.OrdinalIgnoreCase)
                    || ProductionReadinessConstants.SecretHeaderWords.Any(word => headerName.Contains(word, StringComparison.OrdinalIgnoreCase))))
                {
                    findings.Add(new(ReadinessSeverity.Warning, "alert-channel-secret-inline",
                        $"The header {headerName} of alert channel '{name}' looks like a credential but is written in the configuration file (Value). Use FromEnvironment.",
                        $"{path}:Headers:{headerName}:Value"));
                }
            }

            if (type == AlertChannelType.Email && (channel.Security ?? AlertEmailSecurity.StartTls) is AlertEmailSecurity.None or AlertEmailSecurity.Auto && !IsLoopback(channel.Host))
            {
                findings.Add(new(ReadinessSeverity.Warning, "alert-channel-smtp-without-tls",
                    $"Alert channel '{name}' talks to the SMTP server {channel.Host} with Security {channel.Security}: TLS is not enforced, so the alerts{(channel.UserName is not null ? " and the password" : string.Empty)} can be read or the STARTTLS stripped on the way. Use StartTls (the default) or SslOnConnect.",
                    $"{path}:Security"));
            }
        }
    }

    private static bool IsLoopback(string? host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) || (System.Net.IPAddress.TryParse(host, out var address) && System.Net.IPAddress.IsLoopback(address));
}
