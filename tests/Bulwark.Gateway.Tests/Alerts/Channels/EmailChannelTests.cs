using Bulwark.Deliveries;
using Bulwark.Gateway.Alerts;
using Bulwark.Gateway.Alerts.Channels;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using SmtpServer.Protocol;
using static Bulwark.Gateway.Tests.Alerts.Channels.AlertChannelKit;

namespace Bulwark.Gateway.Tests.Alerts.Channels;

/// <summary>The Email channel (MailKit) against a real SMTP server in-process, with STARTTLS and AUTH.</summary>
public class EmailChannelTests
{
    private static EmailAlertChannel Channel(SmtpReceiver receiver, string? password = SmtpReceiver.Password, AlertEmailSecurity security = AlertEmailSecurity.StartTls, TimeSpan? timeout = null, bool inlinePassword = false) =>
        new(
            "mail",
            AlertChannelFactory.Email(
                "mail",
                new GatewayAlertChannelOptions
                {
                    Type = AlertChannelType.Email,
                    Host = "127.0.0.1",
                    Port = receiver.Port,
                    Security = security,
                    UserName = password is null ? null : SmtpReceiver.User,
                    PasswordEnvironment = password is null || inlinePassword ? null : "SMTP_PASSWORD",
                    Password = inlinePassword ? password : null,
                    From = "Bulwark <alerts@example.com>",
                    To = ["oncall@example.com", "Team Lead <lead@example.com>"],
                },
                new GatewayEnvironment(name => name == "SMTP_PASSWORD" ? password : null)),
            AlertSeverity.Info,
            timeout ?? TimeSpan.FromSeconds(10),
            TimeProvider.System,
            NullLogger.Instance)
        {
            // The test's self-signed certificate, pinned: nothing else is trusted.
            ServerCertificateValidation = (_, certificate, _, _) => receiver.Certificate is { } own && certificate?.GetCertHashString() == own.GetCertHashString(),
        };

    [Fact]
    public async Task Email_Firing_ArrivesOverStartTls_AfterAuth_WithFromToSubjectAndBodies()
    {
        await using var receiver = SmtpReceiver.Start();

        var result = await Channel(receiver).DeliverAsync(Entry(Notification(channel: "mail", alerts: [Alert("a-1", AlertSeverity.Critical), Alert("a-2", AlertSeverity.Warning, provider: "anthropic")])), CancellationToken.None);

        Assert.True(result.Outcome == DeliveryState.Delivered, result.Error);
        Assert.Equal(250, result.Response!.Status);
        // AUTH is accepted only after STARTTLS (AllowUnsecureAuthentication off): the login proves the session was encrypted.
        Assert.Equal((SmtpReceiver.User, SmtpReceiver.Password), Assert.Single(receiver.Logins));
        var message = Assert.Single(receiver.Snapshot());
        Assert.Equal("\"Bulwark\" <alerts@example.com>", message.From.ToString());
        Assert.Equal(["oncall@example.com", "lead@example.com"], message.To.Mailboxes.Select(m => m.Address));
        Assert.Equal("[Bulwark] [FIRING:2] breaker-open provider=openai", message.Subject);
        Assert.Equal("n-1@bulwark.alerts", message.MessageId);
        Assert.Equal(
            "[FIRING:2] breaker-open provider=openai\n\n" +
            "[CRITICAL] Circuit breaker of provider 'openai' is open\n" +
            "5 consecutive failures; half-open probe in 30 s.\n" +
            "Rule: breaker-open\nLabels: provider=openai route=/api\nValue: 5\nState: Firing\nStarted: 2026-12-07 04:00:00 UTC\n\n" +
            "[WARNING] Circuit breaker of provider 'anthropic' is open\n" +
            "5 consecutive failures; half-open probe in 30 s.\n" +
            "Rule: breaker-open\nLabels: provider=anthropic route=/api\nValue: 5\nState: Firing\nStarted: 2026-12-07 04:00:00 UTC\n\n" +
            "Bulwark: https://bulwark.example.com\n",
            message.TextBody!.ReplaceLineEndings("\n"));
        Assert.Contains("<h2>[FIRING:2] breaker-open provider=openai</h2>", message.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("Circuit breaker of provider &#39;anthropic&#39; is open", message.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("<a href=\"https://bulwark.example.com\">", message.HtmlBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Email_Resolved_HasTheResolvedSubject_AndTheEnd()
    {
        await using var receiver = SmtpReceiver.Start();

        var result = await Channel(receiver).DeliverAsync(Entry(Resolved("mail")), CancellationToken.None);

        Assert.Equal(DeliveryState.Delivered, result.Outcome);
        var message = Assert.Single(receiver.Snapshot());
        Assert.Equal("[Bulwark] [RESOLVED] breaker-open provider=openai", message.Subject);
        Assert.Contains("State: Resolved\n", message.TextBody!.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("Resolved: 2026-12-07 04:10:00 UTC\n", message.TextBody!.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Email_TransientReply4xx_IsRetried_ThenDelivered()
    {
        await using var receiver = SmtpReceiver.Start();
        receiver.Reply = n => n == 1 ? new SmtpResponse(SmtpReplyCode.InsufficientStorage, "try later") : SmtpResponse.Ok;
        var channel = Channel(receiver);

        var first = await channel.DeliverAsync(Entry(Notification(channel: "mail")), CancellationToken.None);
        var second = await channel.DeliverAsync(Entry(Notification(channel: "mail")), CancellationToken.None);

        Assert.InRange((int)SmtpReplyCode.InsufficientStorage, 400, 499);
        Assert.Equal(DeliveryState.Pending, first.Outcome);
        Assert.Equal(DeliveryState.Delivered, second.Outcome);
        Assert.Single(receiver.Snapshot());
    }

    [Fact]
    public async Task Email_PermanentReply5xx_IsADeadLetter()
    {
        await using var receiver = SmtpReceiver.Start();
        receiver.Reply = _ => SmtpResponse.MailboxUnavailable;

        var result = await Channel(receiver).DeliverAsync(Entry(Notification(channel: "mail")), CancellationToken.None);

        Assert.Equal(DeliveryState.Dead, result.Outcome);
        Assert.Equal((int)SmtpReplyCode.MailboxUnavailable, result.Response!.Status);
        Assert.InRange(result.Response.Status, 500, 599);
    }

    [Fact]
    public async Task Email_InlinePassword_IsTheOneSent()
    {
        await using var receiver = SmtpReceiver.Start();

        var result = await Channel(receiver, inlinePassword: true).DeliverAsync(Entry(Notification(channel: "mail")), CancellationToken.None);

        Assert.Equal(DeliveryState.Delivered, result.Outcome);
        Assert.Equal((SmtpReceiver.User, SmtpReceiver.Password), Assert.Single(receiver.Logins));
    }

    [Fact]
    public async Task Email_WrongPassword_IsADeadLetter()
    {
        await using var receiver = SmtpReceiver.Start();

        var result = await Channel(receiver, password: "wrong").DeliverAsync(Entry(Notification(channel: "mail")), CancellationToken.None);

        Assert.Equal(DeliveryState.Dead, result.Outcome);
        Assert.Empty(receiver.Snapshot());
    }

    [Fact]
    public async Task Email_StartTlsRequired_ButNotOffered_IsRetried_AndNothingIsSentInClear()
    {
        await using var receiver = SmtpReceiver.Start(tls: false);

        var result = await Channel(receiver, password: null).DeliverAsync(Entry(Notification(channel: "mail")), CancellationToken.None);

        Assert.Equal(DeliveryState.Pending, result.Outcome);
        Assert.Empty(receiver.Snapshot());
    }

    [Fact]
    public async Task Email_ServerDown_IsRetried()
    {
        using var closed = ClosedPort.Open();
        var channel = new EmailAlertChannel(
            "mail",
            new EmailSettings("127.0.0.1", closed.Address.Port, AlertEmailSecurity.StartTls, null, null, "alerts@example.com", ["oncall@example.com"]),
            AlertSeverity.Info, TimeSpan.FromSeconds(5), TimeProvider.System, NullLogger.Instance);

        var result = await channel.DeliverAsync(Entry(Notification(channel: "mail")), CancellationToken.None);

        Assert.Equal(DeliveryState.Pending, result.Outcome);
    }

    [Fact]
    public async Task Email_ThroughTheQueue_ToALoopbackRelayWithoutTls_IsDelivered()
    {
        await using var receiver = SmtpReceiver.Start(tls: false);
        await using var provider = await Upstream.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(GatewayJson(provider.BaseAddress, $$"""
            { "mail": { "Type": "Email", "Host": "127.0.0.1", "Port": {{receiver.Port}}, "Security": "None",
                        "From": "alerts@example.com", "To": [ "oncall@example.com" ], "MinSeverity": "Warning" } }
            """));

        var entry = await SettledAsync(gateway, await EnqueueAsync(gateway, Notification(channel: "mail")));

        Assert.Equal(DeliveryState.Delivered, entry.State);
        var message = Assert.Single(receiver.Snapshot());
        Assert.Equal("[Bulwark] [FIRING:1] breaker-open provider=openai", message.Subject);
        Assert.Equal("oncall@example.com", Assert.Single(message.To.Mailboxes).Address);
    }
}
