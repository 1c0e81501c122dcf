using Bulwark.Deliveries;
using Bulwark.Gateway.Alerts;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using static Bulwark.Gateway.Tests.Alerts.Channels.AlertChannelKit;

namespace Bulwark.Gateway.Tests.Alerts.Channels;

/// <summary>The PagerDuty channel (Events API v2) against a real Kestrel receiver answering as PagerDuty does (202).</summary>
public class PagerDutyChannelTests
{
    private const string RoutingKey = "0123456789abcdef0123456789abcdef";

    private static Func<HttpContext, int, Task> Accepted => static async (context, _) =>
    {
        context.Response.StatusCode = StatusCodes.Status202Accepted;
        await context.Response.WriteAsJsonAsync(new { status = "success", message = "Event processed", dedup_key = "x" });
    };

    [Fact]
    public async Task PagerDuty_Firing_TriggersOneEventPerAlert_DedupKeyTheAlertsId()
    {
        await using var receiver = await Upstream.StartAsync();
        receiver.Behaviour = Accepted;
        var channel = Channel(
            new GatewayAlertChannelOptions { Type = AlertChannelType.PagerDuty, Url = receiver.BaseAddress + "v2/enqueue", RoutingKeyEnvironment = "PD_KEY" },
            new Dictionary<string, string> { ["PD_KEY"] = RoutingKey });

        var result = await channel.DeliverAsync(
            Entry(Notification(alerts: [Alert("a-1", AlertSeverity.Critical), Alert("a-2", AlertSeverity.Warning, provider: "anthropic")])),
            CancellationToken.None);

        Assert.Equal(DeliveryState.Delivered, result.Outcome);
        Assert.Equal(202, result.Response!.Status);
        var events = receiver.Snapshot();
        Assert.Equal(2, events.Length);
        Assert.All(events, e => Assert.Equal("/v2/enqueue", e.PathAndQuery));
        JsonEqual($$"""
            {
              "routing_key": "{{RoutingKey}}",
              "event_action": "trigger",
              "dedup_key": "a-1",
              "payload": {
                "summary": "Circuit breaker of provider 'openai' is open",
                "source": "bulwark",
                "severity": "critical",
                "timestamp": "2026-12-07T04:00:00.000+00:00",
                "component": "openai",
                "group": "/api",
                "class": "breaker-open",
                "custom_details": {
                  "rule": "breaker-open",
                  "provider": "openai",
                  "route": "/api",
                  "description": "5 consecutive failures; half-open probe in 30 s.",
                  "value": 5,
                  "notification": "n-1"
                }
              },
              "client": "Bulwark",
              "client_url": "https://bulwark.example.com"
            }
            """, events[0].Body);
        var second = System.Text.Json.Nodes.JsonNode.Parse(events[1].Body)!;
        Assert.Equal("a-2", second["dedup_key"]!.GetValue<string>());
        Assert.Equal("warning", second["payload"]!["severity"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(0, "info")]
    [InlineData(1, "warning")]
    [InlineData(2, "error")]
    [InlineData(3, "critical")]
    public async Task PagerDuty_Severity_MapsToPagerDutysFour(int level, string expected)
    {
        await using var receiver = await Upstream.StartAsync();
        receiver.Behaviour = Accepted;
        var channel = Channel(new GatewayAlertChannelOptions { Type = AlertChannelType.PagerDuty, Url = receiver.BaseAddress + "v2/enqueue", RoutingKey = RoutingKey });

        await channel.DeliverAsync(Entry(Notification(alerts: [Alert(severity: (AlertSeverity)level)])), CancellationToken.None);

        Assert.Equal(expected, System.Text.Json.Nodes.JsonNode.Parse(Assert.Single(receiver.Snapshot()).Body)!["payload"]!["severity"]!.GetValue<string>());
    }

    [Fact]
    public async Task PagerDuty_Resolved_ResolvesTheAlertsIncident_AndAcknowledgedAcknowledgesIt()
    {
        await using var receiver = await Upstream.StartAsync();
        receiver.Behaviour = Accepted;
        var channel = Channel(new GatewayAlertChannelOptions { Type = AlertChannelType.PagerDuty, Url = receiver.BaseAddress + "v2/enqueue", RoutingKey = RoutingKey });

        await channel.DeliverAsync(Entry(Resolved("pager")), CancellationToken.None);
        await channel.DeliverAsync(Entry(Notification(AlertNotificationKind.Repeat, "pager", "n-3", Alert(state: AlertState.Acknowledged))), CancellationToken.None);

        var events = receiver.Snapshot();
        JsonEqual($$"""{ "routing_key": "{{RoutingKey}}", "event_action": "resolve", "dedup_key": "alert-1" }""", events[0].Body);
        JsonEqual($$"""{ "routing_key": "{{RoutingKey}}", "event_action": "acknowledge", "dedup_key": "alert-1" }""", events[1].Body);
    }

    [Fact]
    public async Task PagerDuty_ThroughTheQueue_503TwiceThen202_IsDelivered_AndA400IsADeadLetter()
    {
        await using var receiver = await Upstream.StartAsync();
        receiver.Behaviour = (context, n) => context.Request.Path == "/bad" ? Upstream.Status(400)(context, n) : n <= 2 ? Upstream.Status(503)(context, n) : Accepted(context, n);
        await using var gateway = await GatewayUnderTest.StartAsync(
            GatewayJson(receiver.BaseAddress, $$"""
                { "pager": { "Type": "PagerDuty", "Url": "{{receiver.BaseAddress}}v2/enqueue", "RoutingKeyEnvironment": "PD_KEY" },
                  "bad":   { "Type": "PagerDuty", "Url": "{{receiver.BaseAddress}}bad", "RoutingKeyEnvironment": "PD_KEY" } }
                """),
            new Dictionary<string, string> { ["PD_KEY"] = RoutingKey });

        var delivered = await SettledAsync(gateway, await EnqueueAsync(gateway, Notification(channel: "pager")));
        var dead = await SettledAsync(gateway, await EnqueueAsync(gateway, Notification(channel: "bad", id: "n-bad")));

        Assert.Equal(DeliveryState.Delivered, delivered.State);
        Assert.Equal(3, delivered.Attempts);
        Assert.Equal(202, delivered.Response!.Status);
        Assert.Equal(DeliveryState.Dead, dead.State);
        Assert.Equal(1, dead.Attempts);
    }
}
