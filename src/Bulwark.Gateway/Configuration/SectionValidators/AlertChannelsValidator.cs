using MimeKit;

namespace Bulwark.Gateway.Configuration.SectionValidators;

/// <summary>
/// <c>Bulwark:Alerts:Channels</c>: each channel has a known type, the settings of its type and no other's, its secrets
/// from one source (an environment variable that is set, or inline), absolute http(s) URLs, valid email addresses, and
/// a timeout in range. Values read from the environment are never printed.
/// </summary>
internal sealed class AlertChannelsValidator(Func<string, string?> environment) : ISectionValidator
{
    private const string Types = "Webhook, Slack, Email, PagerDuty or Alertmanager";

    public void Validate(GatewayOptions options, List<string> errors)
    {
        if (options.Alerts?.Channels is not { } channels)
        {
            return;
        }

        foreach (var (name, channel) in channels)
        {
            if (channel is null)
            {
                continue;
            }

            string path = $"{GatewayConstants.ConfigurationRoot}:Alerts:Channels:{name}";
            ValidateName(name, path, errors);
            ValidateCommon(channel, path, options, errors);
            if (channel.Type is not { } type)
            {
                errors.Add($"{path}: Type is required; use {Types}.");
                continue;
            }

            if (!Enum.IsDefined(type))
            {
                errors.Add($"{path}:Type: '{type}' is not a channel type; use {Types}.");
                continue;
            }

            RefuseForeignSettings(channel, type, path, errors);
            switch (type)
            {
                case AlertChannelType.Webhook:
                    ValidateUrl(channel, path, required: true, errors);
                    ValidateHeaders(channel, path, errors);
                    break;
                case AlertChannelType.Slack:
                case AlertChannelType.Alertmanager:
                    ValidateUrl(channel, path, required: true, errors);
                    break;
                case AlertChannelType.PagerDuty:
                    ValidateUrl(channel, path, required: false, errors);
                    ValidateSecret(channel.RoutingKey, channel.RoutingKeyEnvironment, path, "RoutingKey", required: true, errors);
                    break;
                case AlertChannelType.Email:
                    ValidateEmail(channel, path, errors);
                    break;
            }
        }
    }

    private static void ValidateName(string name, string path, List<string> errors)
    {
        if (name.Length is 0 or > 64 || !name.All(static c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            errors.Add($"{path}: a channel's name is 1 to 64 letters, digits, '-', '_' or '.' (it names the channel's delivery queue).");
        }
    }

    private static void ValidateCommon(GatewayAlertChannelOptions channel, string path, GatewayOptions options, List<string> errors)
    {
        if (!Enum.IsDefined(channel.MinSeverity))
        {
            errors.Add($"{path}:MinSeverity: '{channel.MinSeverity}' is not a severity; use Info, Warning, Error or Critical.");
        }

        if (channel.Timeout < AlertChannelConstants.MinTimeout || channel.Timeout > AlertChannelConstants.MaxTimeout)
        {
            errors.Add($"{path}:Timeout: {channel.Timeout:c} is out of range; allowed 00:00:01 to 00:05:00.");
        }
        else if (options.Deliveries is { } deliveries && channel.Timeout > deliveries.AttemptTimeout)
        {
            errors.Add($"{path}:Timeout: {channel.Timeout:c} is longer than Bulwark:Deliveries:AttemptTimeout ({deliveries.AttemptTimeout:c}), which cuts every send off first.");
        }
    }

    /// <summary>A setting of another type would be accepted and ignored: refused.</summary>
    private static void RefuseForeignSettings(GatewayAlertChannelOptions channel, AlertChannelType type, string path, List<string> errors)
    {
        void Refuse(bool set, string setting, params AlertChannelType[] owners)
        {
            if (set && !owners.Contains(type))
            {
                errors.Add($"{path}:{setting}: not a setting of {type} channels (only of {string.Join(", ", owners)}).");
            }
        }

        var http = new[] { AlertChannelType.Webhook, AlertChannelType.Slack, AlertChannelType.PagerDuty, AlertChannelType.Alertmanager };
        Refuse(channel.Url is not null, "Url", http);
        Refuse(channel.UrlEnvironment is not null, "UrlEnvironment", http);
        Refuse(channel.Headers.Count > 0, "Headers", AlertChannelType.Webhook);
        Refuse(channel.RoutingKey is not null, "RoutingKey", AlertChannelType.PagerDuty);
        Refuse(channel.RoutingKeyEnvironment is not null, "RoutingKeyEnvironment", AlertChannelType.PagerDuty);
        Refuse(channel.Host is not null, "Host", AlertChannelType.Email);
        Refuse(channel.Port is not null, "Port", AlertChannelType.Email);
        Refuse(channel.Security is not null, "Security", AlertChannelType.Email);
        Refuse(channel.UserName is not null, "UserName", AlertChannelType.Email);
        Refuse(channel.Password is not null, "Password", AlertChannelType.Email);
        Refuse(channel.PasswordEnvironment is not null, "PasswordEnvironment", AlertChannelType.Email);
        Refuse(channel.From is not null, "From", AlertChannelType.Email);
        Refuse(channel.To.Count > 0, "To", AlertChannelType.Email);
    }

    private void ValidateUrl(GatewayAlertChannelOptions channel, string path, bool required, List<string> errors)
    {
        if (!ValidateSecret(channel.Url, channel.UrlEnvironment, path, "Url", required, errors))
        {
            return;
        }

        if (channel.UrlEnvironment is { } variable)
        {
            // The URL of a Slack or webhook channel is a credential: never printed.
            if (!IsHttpUrl(environment(variable)))
            {
                errors.Add($"{path}:UrlEnvironment: the environment variable {variable} does not hold an absolute http or https URL.");
            }
        }
        else if (channel.Url is { } url && !IsHttpUrl(url))
        {
            errors.Add($"{path}:Url: '{url}' is not an absolute http or https URL.");
        }
    }

    /// <summary>One source of a secret: inline or an environment variable that is set. Returns whether there is one to check further.</summary>
    private bool ValidateSecret(string? inline, string? variable, string path, string setting, bool required, List<string> errors)
    {
        if (inline is not null && variable is not null)
        {
            errors.Add($"{path}:{setting}Environment: set either {setting} or {setting}Environment, not both.");
            return false;
        }

        if (variable is not null)
        {
            if (string.IsNullOrEmpty(environment(variable)))
            {
                errors.Add($"{path}:{setting}Environment: the environment variable {variable} is not set.");
                return false;
            }

            return true;
        }

        if (string.IsNullOrWhiteSpace(inline))
        {
            if (required || inline is not null)
            {
                errors.Add($"{path}:{setting}: required; set {setting}Environment to the environment variable that holds it (or {setting}).");
            }

            return false;
        }

        return true;
    }

    private void ValidateHeaders(GatewayAlertChannelOptions channel, string path, List<string> errors)
    {
        foreach (var (headerName, header) in channel.Headers)
        {
            string headerPath = $"{path}:Headers:{headerName}";
            if (header is null)
            {
                continue;
            }

            if (headerName.Length == 0 || !headerName.All(static c => c > ' ' && c < 127 && !"()<>@,;:\\\"/[]?={}".Contains(c)))
            {
                errors.Add($"{headerPath}: '{headerName}' is not a header name.");
            }
            else if (headerName.ToUpperInvariant() is "CONTENT-TYPE" or "CONTENT-LENGTH" or "HOST" or "IDEMPOTENCY-KEY" or "TRANSFER-ENCODING" or "CONNECTION")
            {
                errors.Add($"{headerPath}: the channel sets {headerName} itself.");
            }

            if ((header.FromEnvironment is null) == (header.Value is null))
            {
                errors.Add($"{headerPath}: set exactly one of FromEnvironment (for secrets) and Value.");
            }
            else if (header.FromEnvironment is { } variable && string.IsNullOrEmpty(environment(variable)))
            {
                errors.Add($"{headerPath}:FromEnvironment: the environment variable {variable} is not set.");
            }
            else if (header.Format is null || !header.Format.Contains("{0}", StringComparison.Ordinal))
            {
                errors.Add($"{headerPath}:Format: '{header.Format}' must contain the placeholder {{0}}.");
            }
            else
            {
                string? raw = header.FromEnvironment is { } source ? environment(source) : header.Value;
                string? value = null;
                try
                {
                    value = string.Format(System.Globalization.CultureInfo.InvariantCulture, header.Format, raw);
                }
                catch (FormatException)
                {
                    errors.Add($"{headerPath}:Format: '{header.Format}' is not a valid format; use {{0}} for the value, and {{{{ }}}} for literal braces.");
                }

                if (value is not null && value.Any(static c => c < ' ' || c > 126))
                {
                    errors.Add($"{headerPath}: the value contains control or non-ASCII characters, which a header cannot carry.");
                }
            }
        }
    }

    private void ValidateEmail(GatewayAlertChannelOptions channel, string path, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(channel.Host))
        {
            errors.Add($"{path}:Host: required: the SMTP server's host name.");
        }
        else if (Uri.CheckHostName(channel.Host) == UriHostNameType.Unknown)
        {
            errors.Add($"{path}:Host: '{channel.Host}' is not a host name or address.");
        }

        if (channel.Port is { } port)
        {
            RangeRule.Check(errors, $"{path}:Port", port, 1, 65535);
        }

        if (channel.Security is { } security && !Enum.IsDefined(security))
        {
            errors.Add($"{path}:Security: '{security}' is not a mode; use None, StartTls, SslOnConnect or Auto.");
        }

        if (channel.UserName is null)
        {
            if (channel.Password is not null || channel.PasswordEnvironment is not null)
            {
                errors.Add($"{path}:UserName: required with a password (Password or PasswordEnvironment).");
            }
        }
        else if (string.IsNullOrWhiteSpace(channel.UserName))
        {
            errors.Add($"{path}:UserName: empty; leave it out for a server without authentication.");
        }
        else
        {
            ValidateSecret(channel.Password, channel.PasswordEnvironment, path, "Password", required: true, errors);
        }

        if (string.IsNullOrWhiteSpace(channel.From))
        {
            errors.Add($"{path}:From: required: the sender's address, such as \"Bulwark <alerts@example.com>\".");
        }
        else if (!IsMailbox(channel.From))
        {
            errors.Add($"{path}:From: '{channel.From}' is not an email address.");
        }

        if (channel.To.Count == 0)
        {
            errors.Add($"{path}:To: at least one recipient's address is required.");
        }

        for (int i = 0; i < channel.To.Count; i++)
        {
            if (!IsMailbox(channel.To[i]))
            {
                errors.Add($"{path}:To:{i}: '{channel.To[i]}' is not an email address.");
            }
        }
    }

    private static bool IsHttpUrl(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps) && url.Host.Length > 0;

    private static bool IsMailbox(string? value) =>
        !string.IsNullOrWhiteSpace(value) && MailboxAddress.TryParse(value, out var mailbox) && mailbox.Address.Contains('@', StringComparison.Ordinal)
        && mailbox.Address.IndexOf('@', StringComparison.Ordinal) is var at && at > 0 && at < mailbox.Address.Length - 1;
}
