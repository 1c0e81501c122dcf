using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Bulwark.Gateway.Tests.Configuration;

/// <summary><c>Bulwark:Alerts:Channels</c>: every mistake reported at start, at once, under its path; secrets never printed.</summary>
public class AlertChannelsValidationTests
{
    private const string P = "Bulwark:Alerts:Channels";

    private static readonly Dictionary<string, string> Environment = new()
    {
        ["SLACK_URL"] = "https://hooks.slack.com/services/T0/B0/secretpart",
        ["BAD_URL"] = "ftp://secret-host/secretpart",
        ["PD_KEY"] = "0123456789abcdef0123456789abcdef",
        ["SMTP_PASSWORD"] = "pw",
        ["TOKEN"] = "t",
    };

    private static string Json(string channels, string extra = "") => $$"""
        {
          "Bulwark": {
            {{extra}}
            "Providers": { "p": { "BaseUrl": "http://127.0.0.1:9" } },
            "Routes": [ { "Path": "/api/{**rest}", "Providers": [ "p" ] } ],
            "Alerts": { "Channels": {{channels}} }
          }
        }
        """;

    private static GatewayHostSettings Settings(string json) => new(null, json, []) { Environment = static name => Environment.GetValueOrDefault(name), EnvironmentOverrides = false };

    private static string[] Errors(string channels, string extra = "")
    {
        var e = Assert.Throws<OptionsValidationException>(() => GatewayConfiguration.Load(Settings(Json(channels, extra))));
        return [.. e.Failures.Where(static f => f.StartsWith(P, StringComparison.Ordinal)).Order(StringComparer.Ordinal)];
    }

    private static void AssertErrors(string channels, params string[] expected) =>
        Assert.Equal(expected.Order(StringComparer.Ordinal), Errors(channels));

    [Fact]
    public void ValidChannels_OfEveryType_Load()
    {
        var loaded = GatewayConfiguration.Load(Settings(Json("""
            {
              "hook":  { "Type": "Webhook", "Url": "https://hooks.example.com/bulwark", "Headers": { "Authorization": { "FromEnvironment": "TOKEN", "Format": "Bearer {0}" } }, "MinSeverity": "Warning", "Timeout": "00:00:05" },
              "slack": { "Type": "Slack", "UrlEnvironment": "SLACK_URL" },
              "pager": { "Type": "PagerDuty", "RoutingKeyEnvironment": "PD_KEY", "MinSeverity": "Critical" },
              "am":    { "Type": "Alertmanager", "Url": "http://alertmanager:9093" },
              "mail":  { "Type": "Email", "Host": "smtp.example.com", "UserName": "alerts", "PasswordEnvironment": "SMTP_PASSWORD", "From": "Bulwark <alerts@example.com>", "To": [ "oncall@example.com" ] }
            }
            """)));

        var channels = loaded.Options.Alerts.Channels;
        Assert.Equal(5, channels.Count);
        Assert.Equal(AlertChannelSeverity.Warning, channels["hook"].MinSeverity);
        Assert.Equal(TimeSpan.FromSeconds(5), channels["hook"].Timeout);
        Assert.Equal(AlertChannelConstants.DefaultTimeout, channels["slack"].Timeout);
        Assert.Equal(AlertChannelSeverity.Info, channels["slack"].MinSeverity);
        Assert.Null(channels["mail"].Security);
    }

    [Fact]
    public void Type_MissingOrUnknown_IsRefused()
    {
        AssertErrors("""{ "a": { "Url": "https://x.example.com" } }""",
            $"{P}:a: Type is required; use Webhook, Slack, Email, PagerDuty or Alertmanager.");
        Assert.Contains(Assert.Throws<OptionsValidationException>(() => GatewayConfiguration.Load(Settings(Json("""{ "a": { "Type": "Teams" } }""")))).Failures,
            static f => f.Contains($"{P}:a:Type", StringComparison.Ordinal));
    }

    [Fact]
    public void Url_MissingNotAbsoluteNotHttp_OrBothSources_IsRefused_WithoutPrintingAnEnvironmentValue()
    {
        var errors = Errors("""
            {
              "none":  { "Type": "Webhook" },
              "rel":   { "Type": "Slack", "Url": "/hooks" },
              "ftp":   { "Type": "Alertmanager", "Url": "ftp://am.example.com" },
              "both":  { "Type": "Webhook", "Url": "https://x.example.com", "UrlEnvironment": "SLACK_URL" },
              "unset": { "Type": "Slack", "UrlEnvironment": "NOT_SET_ANYWHERE" },
              "badenv": { "Type": "Webhook", "UrlEnvironment": "BAD_URL" },
              "am":    { "Type": "Alertmanager" }
            }
            """);

        Assert.Equal(
            new[]
            {
                $"{P}:am:Url: required; set UrlEnvironment to the environment variable that holds it (or Url).",
                $"{P}:badenv:UrlEnvironment: the environment variable BAD_URL does not hold an absolute http or https URL.",
                $"{P}:both:UrlEnvironment: set either Url or UrlEnvironment, not both.",
                $"{P}:ftp:Url: 'ftp://am.example.com' is not an absolute http or https URL.",
                $"{P}:none:Url: required; set UrlEnvironment to the environment variable that holds it (or Url).",
                $"{P}:rel:Url: '/hooks' is not an absolute http or https URL.",
                $"{P}:unset:UrlEnvironment: the environment variable NOT_SET_ANYWHERE is not set.",
            },
            errors);
        Assert.DoesNotContain(errors, static e => e.Contains("secret", StringComparison.Ordinal));
    }

    [Fact]
    public void PagerDuty_RoutingKeyRequired_OneSource_AndTheUrlDefaults()
    {
        AssertErrors("""
            {
              "none":  { "Type": "PagerDuty" },
              "both":  { "Type": "PagerDuty", "RoutingKey": "k", "RoutingKeyEnvironment": "PD_KEY" },
              "unset": { "Type": "PagerDuty", "RoutingKeyEnvironment": "NOT_SET_ANYWHERE" }
            }
            """,
            $"{P}:both:RoutingKeyEnvironment: set either RoutingKey or RoutingKeyEnvironment, not both.",
            $"{P}:none:RoutingKey: required; set RoutingKeyEnvironment to the environment variable that holds it (or RoutingKey).",
            $"{P}:unset:RoutingKeyEnvironment: the environment variable NOT_SET_ANYWHERE is not set.");
        var loaded = GatewayConfiguration.Load(Settings(Json("""{ "pager": { "Type": "PagerDuty", "RoutingKeyEnvironment": "PD_KEY" } }""")));
        Assert.Null(loaded.Options.Alerts.Channels["pager"].Url);
    }

    [Fact]
    public void Email_NeedsHostFromAndTo_ValidAddresses_PortInRange_AndAUserForAPassword()
    {
        AssertErrors("""
            {
              "empty": { "Type": "Email" },
              "bad":   { "Type": "Email", "Host": "smtp example", "Port": 70000, "From": "not-an-address", "To": [ "oncall@example.com", "nobody" ] },
              "pw":    { "Type": "Email", "Host": "smtp.example.com", "From": "a@example.com", "To": [ "b@example.com" ], "PasswordEnvironment": "SMTP_PASSWORD" },
              "nopw":  { "Type": "Email", "Host": "smtp.example.com", "From": "a@example.com", "To": [ "b@example.com" ], "UserName": "alerts" },
              "unset": { "Type": "Email", "Host": "smtp.example.com", "From": "a@example.com", "To": [ "b@example.com" ], "UserName": "alerts", "PasswordEnvironment": "NOT_SET_ANYWHERE" }
            }
            """,
            $"{P}:bad:From: 'not-an-address' is not an email address.",
            $"{P}:bad:Host: 'smtp example' is not a host name or address.",
            $"{P}:bad:Port: 70000 is out of range; allowed 1 to 65535.",
            $"{P}:bad:To:1: 'nobody' is not an email address.",
            $"{P}:empty:From: required: the sender's address, such as \"Bulwark <alerts@example.com>\".",
            $"{P}:empty:Host: required: the SMTP server's host name.",
            $"{P}:empty:To: at least one recipient's address is required.",
            $"{P}:nopw:Password: required; set PasswordEnvironment to the environment variable that holds it (or Password).",
            $"{P}:pw:UserName: required with a password (Password or PasswordEnvironment).",
            $"{P}:unset:PasswordEnvironment: the environment variable NOT_SET_ANYWHERE is not set.");
    }

    [Fact]
    public void SettingOfAnotherType_IsRefused_NotIgnored()
    {
        AssertErrors("""
            {
              "slack": { "Type": "Slack", "Url": "https://hooks.slack.com/x", "Host": "smtp.example.com", "RoutingKey": "k", "Headers": { "X-A": { "Value": "1" } } },
              "mail":  { "Type": "Email", "Host": "smtp.example.com", "From": "a@example.com", "To": [ "b@example.com" ], "Url": "https://x.example.com", "UrlEnvironment": "SLACK_URL", "Port": 25, "Security": "None" },
              "hook":  { "Type": "Webhook", "Url": "https://x.example.com", "To": [ "b@example.com" ], "From": "a@example.com", "UserName": "u", "Password": "p", "PasswordEnvironment": "SMTP_PASSWORD", "RoutingKeyEnvironment": "PD_KEY", "Port": 1, "Security": "StartTls" }
            }
            """,
            $"{P}:hook:From: not a setting of Webhook channels (only of Email).",
            $"{P}:hook:Password: not a setting of Webhook channels (only of Email).",
            $"{P}:hook:PasswordEnvironment: not a setting of Webhook channels (only of Email).",
            $"{P}:hook:Port: not a setting of Webhook channels (only of Email).",
            $"{P}:hook:RoutingKeyEnvironment: not a setting of Webhook channels (only of PagerDuty).",
            $"{P}:hook:Security: not a setting of Webhook channels (only of Email).",
            $"{P}:hook:To: not a setting of Webhook channels (only of Email).",
            $"{P}:hook:UserName: not a setting of Webhook channels (only of Email).",
            $"{P}:mail:Url: not a setting of Email channels (only of Webhook, Slack, PagerDuty, Alertmanager).",
            $"{P}:mail:UrlEnvironment: not a setting of Email channels (only of Webhook, Slack, PagerDuty, Alertmanager).",
            $"{P}:slack:Headers: not a setting of Slack channels (only of Webhook).",
            $"{P}:slack:Host: not a setting of Slack channels (only of Email).",
            $"{P}:slack:RoutingKey: not a setting of Slack channels (only of PagerDuty).");
    }

    [Fact]
    public void WebhookHeaders_OneSource_SetVariable_Placeholder_AndNotTheChannelsOwn()
    {
        AssertErrors("""
            {
              "hook": { "Type": "Webhook", "Url": "https://x.example.com", "Headers": {
                "X-Both": { "Value": "a", "FromEnvironment": "TOKEN" },
                "X-Unset": { "FromEnvironment": "NOT_SET_ANYWHERE" },
                "X-Format": { "Value": "a", "Format": "Bearer" },
                "Idempotency-Key": { "Value": "a" },
                "X-Ctl": { "Value": "a\u0001" },
                "Bad Name": { "Value": "a" }
              } }
            }
            """,
            $"{P}:hook:Headers:Bad Name: 'Bad Name' is not a header name.",
            $"{P}:hook:Headers:Idempotency-Key: the channel sets Idempotency-Key itself.",
            $"{P}:hook:Headers:X-Both: set exactly one of FromEnvironment (for secrets) and Value.",
            $"{P}:hook:Headers:X-Ctl: the value contains control or non-ASCII characters, which a header cannot carry.",
            $"{P}:hook:Headers:X-Format:Format: 'Bearer' must contain the placeholder {{0}}.",
            $"{P}:hook:Headers:X-Unset:FromEnvironment: the environment variable NOT_SET_ANYWHERE is not set.");
    }

    [Fact]
    public void Timeout_OutOfRange_OrLongerThanTheDeliveryAttempt_IsRefused_AndTheNameMustNameAQueue()
    {
        AssertErrors("""
            {
              "short": { "Type": "Slack", "Url": "https://x.example.com", "Timeout": "00:00:00.500" },
              "long":  { "Type": "Slack", "Url": "https://x.example.com", "Timeout": "00:06:00" },
              "bad name": { "Type": "Slack", "Url": "https://x.example.com" }
            }
            """,
            $"{P}:bad name: a channel's name is 1 to 64 letters, digits, '-', '_' or '.' (it names the channel's delivery queue).",
            $"{P}:long:Timeout: 00:06:00 is out of range; allowed 00:00:01 to 00:05:00.",
            $"{P}:short:Timeout: 00:00:00.5000000 is out of range; allowed 00:00:01 to 00:05:00.");
        Assert.Equal(
            [$"{P}:slow:Timeout: 00:00:40 is longer than Bulwark:Deliveries:AttemptTimeout (00:00:30), which cuts every send off first."],
            Errors("""{ "slow": { "Type": "Slack", "Url": "https://x.example.com", "Timeout": "00:00:40" } }""", """ "Deliveries": { "AttemptTimeout": "00:00:30" }, """));
    }

    [Fact]
    public void MinSeverityAndSecurity_Unknown_AreRefused()
    {
        var failures = Assert.Throws<OptionsValidationException>(() => GatewayConfiguration.Load(Settings(Json("""
            { "mail": { "Type": "Email", "Host": "smtp.example.com", "From": "a@example.com", "To": [ "b@example.com" ], "Security": "Tls13", "MinSeverity": "Huge" } }
            """)))).Failures;

        Assert.Contains(failures, static f => f.Contains($"{P}:mail:Security", StringComparison.Ordinal));
        Assert.Contains(failures, static f => f.Contains($"{P}:mail:MinSeverity", StringComparison.Ordinal));
    }

    [Fact]
    public void ProductionCheck_FlagsPlainHttp_InlineSecrets_AndSmtpWithoutTls()
    {
        string json = Json("""
            {
              "slack": { "Type": "Slack", "Url": "http://hooks.example.com/services/x" },
              "pager": { "Type": "PagerDuty", "Url": "http://pd-proxy.internal/v2/enqueue", "RoutingKey": "0123456789abcdef0123456789abcdef" },
              "hook":  { "Type": "Webhook", "UrlEnvironment": "SLACK_URL", "Headers": { "Authorization": { "Value": "Bearer x" } } },
              "mail":  { "Type": "Email", "Host": "smtp.example.com", "Security": "Auto", "UserName": "u", "Password": "p", "From": "a@example.com", "To": [ "b@example.com" ] },
              "relay": { "Type": "Email", "Host": "127.0.0.1", "Security": "None", "From": "a@example.com", "To": [ "b@example.com" ] },
              "safe":  { "Type": "Slack", "UrlEnvironment": "SLACK_URL" },
              "am":    { "Type": "Alertmanager", "Url": "http://127.0.0.1:9093" }
            }
            """);
        var loaded = GatewayConfiguration.Load(Settings(json));

        var findings = ProductionReadiness.Evaluate(loaded.Options, new ConfigurationBuilder().Build())
            .Where(static f => f.Code.StartsWith("alert-channel", StringComparison.Ordinal))
            .Select(static f => $"{f.Code} {f.Path}")
            .Order(StringComparer.Ordinal);

        Assert.Equal(
            [
                $"alert-channel-plain-http {P}:pager:Url",
                $"alert-channel-plain-http {P}:slack:Url",
                $"alert-channel-secret-inline {P}:hook:Headers:Authorization:Value",
                $"alert-channel-secret-inline {P}:mail:Password",
                $"alert-channel-secret-inline {P}:pager:RoutingKey",
                $"alert-channel-secret-inline {P}:slack:Url",
                $"alert-channel-smtp-without-tls {P}:mail:Security",
            ],
            findings);
    }
}
