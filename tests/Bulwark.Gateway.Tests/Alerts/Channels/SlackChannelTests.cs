using Bulwark.Deliveries;
using Bulwark.Gateway.Alerts;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using static Bulwark.Gateway.Tests.Alerts.Channels.AlertChannelKit;

namespace Bulwark.Gateway.Tests.Alerts.Channels;

/// <summary>The Slack channel (incoming webhook format) against a real Kestrel receiver.</summary>
public class SlackChannelTests
{
    [Fact]
    public async Task Slack_Firing_PostsTextAndOneAttachmentPerAlert_ColouredBySeverity()
    {
        await using var receiver = await Upstream.StartAsync();
        receiver.Behaviour = Upstream.Status(StatusCodes.Status200OK);
        var channel = Channel(new GatewayAlertChannelOptions { Type = AlertChannelType.Slack, UrlEnvironment = "SLACK_URL" }, new Dictionary<string, string> { ["SLACK_URL"] = receiver.BaseAddress + "services/T000/B000/XXXX" });

        var result = await channel.DeliverAsync(
            Entry(Notification(alerts: [Alert("a-1", AlertSeverity.Critical), Alert("a-2", AlertSeverity.Warning, provider: "<anthropic>")])),
            CancellationToken.None);

        Assert.Equal(DeliveryState.Delivered, result.Outcome);
        var request = Assert.Single(receiver.Snapshot());
        Assert.Equal("/services/T000/B000/XXXX", request.PathAndQuery);
        JsonEqual("""
            {
              "text": "[FIRING:2] breaker-open provider=openai",
              "attachments": [
                {
                  "color": "#a30200",
                  "fallback": "[Critical] Circuit breaker of provider 'openai' is open",
                  "title": "[CRITICAL] Circuit breaker of provider 'openai' is open",
                  "text": "5 consecutive failures; half-open probe in 30 s.\n*Labels:* provider=openai route=/api\n*Value:* 5\n*Started:* 2026-12-07 04:00:00 UTC",
                  "mrkdwn_in": [ "text" ],
                  "footer": "Bulwark · breaker-open",
                  "ts": 1796616000,
                  "title_link": "https://bulwark.example.com"
                },
                {
                  "color": "#daa038",
                  "fallback": "[Warning] Circuit breaker of provider '<anthropic>' is open",
                  "title": "[WARNING] Circuit breaker of provider '&lt;anthropic&gt;' is open",
                  "text": "5 consecutive failures; half-open probe in 30 s.\n*Labels:* provider=&lt;anthropic&gt; route=/api\n*Value:* 5\n*Started:* 2026-12-07 04:00:00 UTC",
                  "mrkdwn_in": [ "text" ],
                  "footer": "Bulwark · breaker-open",
                  "ts": 1796616000,
                  "title_link": "https://bulwark.example.com"
                }
              ]
            }
            """, request.Body);
    }

    [Fact]
    public async Task Slack_Resolved_IsGreen_WithTheResolvedTime()
    {
        await using var receiver = await Upstream.StartAsync();
        receiver.Behaviour = Upstream.Status(StatusCodes.Status200OK);
        var channel = Channel(new GatewayAlertChannelOptions { Type = AlertChannelType.Slack, Url = receiver.BaseAddress + "slack" });

        var result = await channel.DeliverAsync(Entry(Resolved("ops")), CancellationToken.None);

        Assert.Equal(DeliveryState.Delivered, result.Outcome);
        JsonEqual("""
            {
              "text": "[RESOLVED] breaker-open provider=openai",
              "attachments": [
                {
                  "color": "#2eb67d",
                  "fallback": "[Critical] Circuit breaker of provider 'openai' is open",
                  "title": "[CRITICAL] Circuit breaker of provider 'openai' is open",
                  "text": "5 consecutive failures; half-open probe in 30 s.\n*Labels:* provider=openai route=/api\n*Value:* 5\n*Started:* 2026-12-07 04:00:00 UTC  *Resolved:* 2026-12-07 04:10:00 UTC",
                  "mrkdwn_in": [ "text" ],
                  "footer": "Bulwark · breaker-open",
                  "ts": 1796616000,
                  "title_link": "https://bulwark.example.com"
                }
              ]
            }
            """, Assert.Single(receiver.Snapshot()).Body);
    }

    [Fact]
    public async Task Slack_Receiver503TwiceThen200_IsDeliveredOnce_AfterRetries_AndA404IsADeadLetter()
    {
        await using var receiver = await Upstream.StartAsync();
        receiver.Behaviour = (context, n) => Upstream.Status(context.Request.Path == "/gone" ? 404 : n <= 2 ? 503 : 200)(context, n);
        await using var gateway = await GatewayUnderTest.StartAsync(GatewayJson(receiver.BaseAddress, $$"""
            { "ops":  { "Type": "Slack", "Url": "{{receiver.BaseAddress}}slack" },
              "gone": { "Type": "Slack", "Url": "{{receiver.BaseAddress}}gone" } }
            """));

        var delivered = await SettledAsync(gateway, await EnqueueAsync(gateway, Notification(channel: "ops")));

        Assert.Equal(DeliveryState.Delivered, delivered.State);
        Assert.Equal(3, delivered.Attempts);
        Assert.Equal(3, receiver.Snapshot().Count(r => r.PathAndQuery == "/slack"));

        var dead = await SettledAsync(gateway, await EnqueueAsync(gateway, Notification(channel: "gone", id: "n-gone")));
        Assert.Equal(DeliveryState.Dead, dead.State);
        Assert.Equal(1, dead.Attempts);
    }
}
