using Bulwark.Deliveries;
using Bulwark.Gateway.Alerts;
using Bulwark.Gateway.Alerts.Channels;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Forwarding;
using Bulwark.Gateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using static Bulwark.Gateway.Tests.Alerts.Channels.AlertChannelKit;

namespace Bulwark.Gateway.Tests.Alerts.Channels;

/// <summary>The webhook channel against a real Kestrel receiver, through the gateway's durable delivery queue.</summary>
public class WebhookChannelTests
{
    private static readonly Dictionary<string, string> Environment = new()
    {
        ["HOOK_URL"] = "placeholder",
        ["HOOK_TOKEN"] = "s3cret-token",
    };

    [Fact]
    public async Task Webhook_FiringNotification_PostsTheVersionedJson_WithIdempotencyKeyAndHeaders()
    {
        await using var receiver = await Upstream.StartAsync();
        var logs = new RecordingLoggerProvider();
        var environment = new Dictionary<string, string>(Environment) { ["HOOK_URL"] = new Uri(receiver.BaseAddress, "/hooks/T0123/secret-path").ToString() };
        await using var gateway = await GatewayUnderTest.StartAsync(
            GatewayJson(receiver.BaseAddress, """
                { "hook": { "Type": "Webhook", "UrlEnvironment": "HOOK_URL",
                            "Headers": { "Authorization": { "FromEnvironment": "HOOK_TOKEN", "Format": "Bearer {0}" }, "X-Team": { "Value": "payments" } } } }
                """),
            environment,
            logs: logs,
            minimumLogLevel: Microsoft.Extensions.Logging.LogLevel.Information);

        var entry = await SettledAsync(gateway, await EnqueueAsync(gateway, Notification()));

        Assert.Equal(DeliveryState.Delivered, entry.State);
        var request = Assert.Single(receiver.Snapshot());
        Assert.Equal("POST", request.Method);
        Assert.Equal("/hooks/T0123/secret-path", request.PathAndQuery);
        Assert.Equal("n-1", request.Headers["Idempotency-Key"]);
        Assert.Equal("Bearer s3cret-token", request.Headers["Authorization"]);
        Assert.Equal("payments", request.Headers["X-Team"]);
        Assert.StartsWith("application/json", request.Headers["Content-Type"], StringComparison.Ordinal);
        JsonEqual("""
            {
              "version": "1",
              "id": "n-1",
              "kind": "Firing",
              "channel": "hook",
              "level": 0,
              "groupKey": "breaker-open{provider=openai}",
              "groupLabels": { "provider": "openai" },
              "alerts": [
                {
                  "id": "alert-1",
                  "rule": "breaker-open",
                  "labels": { "provider": "openai", "route": "/api" },
                  "severity": "Critical",
                  "state": "Firing",
                  "summary": "Circuit breaker of provider 'openai' is open",
                  "description": "5 consecutive failures; half-open probe in 30 s.",
                  "value": 5,
                  "startsAt": "2026-12-07T04:00:00+00:00"
                }
              ],
              "createdAt": "2026-12-07T04:02:00+00:00",
              "externalUrl": "https://bulwark.example.com"
            }
            """, request.Body);

        // The webhook's URL is a credential: its host is logged, never its path; nor the header's value.
        var sent = Assert.Single(logs.WithEventId(EventIds.AlertChannelSent));
        Assert.Contains("127.0.0.1", sent.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(logs.Records, r => r.Message.Contains("secret-path", StringComparison.Ordinal) || r.Message.Contains("s3cret-token", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Webhook_Receiver503TwiceThen200_IsDeliveredOnce_AfterRetries()
    {
        await using var receiver = await Upstream.StartAsync();
        receiver.Behaviour = (context, n) => n <= 2 ? Upstream.Status(StatusCodes.Status503ServiceUnavailable)(context, n) : Upstream.Status(StatusCodes.Status200OK)(context, n);
        await using var gateway = await GatewayUnderTest.StartAsync(GatewayJson(receiver.BaseAddress, $$"""{ "hook": { "Type": "Webhook", "Url": "{{receiver.BaseAddress}}hook" } }"""));

        var entry = await SettledAsync(gateway, await EnqueueAsync(gateway, Notification()));

        Assert.Equal(DeliveryState.Delivered, entry.State);
        Assert.Equal(3, entry.Attempts);
        Assert.Equal(3, receiver.Requests);
        Assert.All(receiver.Snapshot(), r => Assert.Equal("n-1", r.Headers["Idempotency-Key"]));

        // The same notification stored again (the engine after a restart) is the same delivery: not sent again.
        var again = await StoreAsync(gateway, Notification());
        Assert.False(again.Created);
        Assert.Equal(DeliveryState.Delivered, again.Entry.State);
        Assert.Equal(3, receiver.Requests);
    }

    [Fact]
    public async Task Webhook_Receiver400_IsADeadLetter_AfterOneAttempt()
    {
        await using var receiver = await Upstream.StartAsync();
        receiver.Behaviour = Upstream.Status(StatusCodes.Status400BadRequest);
        await using var gateway = await GatewayUnderTest.StartAsync(GatewayJson(receiver.BaseAddress, $$"""{ "hook": { "Type": "Webhook", "Url": "{{receiver.BaseAddress}}hook" } }"""));

        var entry = await SettledAsync(gateway, await EnqueueAsync(gateway, Notification()));

        Assert.Equal(DeliveryState.Dead, entry.State);
        Assert.Equal(1, entry.Attempts);
        Assert.Equal(400, entry.Response!.Status);
        Assert.Equal(1, receiver.Requests);
    }

    [Theory]
    [InlineData(408, DeliveryState.Pending)]
    [InlineData(429, DeliveryState.Pending)]
    [InlineData(500, DeliveryState.Pending)]
    [InlineData(502, DeliveryState.Pending)]
    [InlineData(401, DeliveryState.Dead)]
    [InlineData(403, DeliveryState.Dead)]
    [InlineData(404, DeliveryState.Dead)]
    [InlineData(410, DeliveryState.Dead)]
    [InlineData(200, DeliveryState.Delivered)]
    [InlineData(202, DeliveryState.Delivered)]
    [InlineData(204, DeliveryState.Delivered)]
    public async Task Webhook_ReceiverStatus_DecidesRetryDeadLetterOrDelivered(int status, DeliveryState expected)
    {
        await using var receiver = await Upstream.StartAsync();
        receiver.Behaviour = Upstream.Status(status);
        var channel = Channel(new GatewayAlertChannelOptions { Type = AlertChannelType.Webhook, Url = receiver.BaseAddress + "hook" });

        var result = await channel.DeliverAsync(Entry(Notification()), CancellationToken.None);

        Assert.Equal(expected, result.Outcome);
    }

    [Fact]
    public async Task Webhook_429WithRetryAfter_IsRetriedNoSoonerThanTheReceiverAsks()
    {
        await using var receiver = await Upstream.StartAsync();
        receiver.Behaviour = (context, _) =>
        {
            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            context.Response.Headers.RetryAfter = "7";
            return Task.CompletedTask;
        };
        var channel = Channel(new GatewayAlertChannelOptions { Type = AlertChannelType.Webhook, Url = receiver.BaseAddress + "hook" });

        var result = await channel.DeliverAsync(Entry(Notification()), CancellationToken.None);

        Assert.Equal(DeliveryState.Pending, result.Outcome);
        Assert.Equal(TimeSpan.FromSeconds(7), result.RetryAfter);
    }

    [Fact]
    public async Task Webhook_ReceiverUnreachable_IsRetried()
    {
        using var closed = ClosedPort.Open();
        var channel = Channel(new GatewayAlertChannelOptions { Type = AlertChannelType.Webhook, Url = closed.Address + "hook" });

        var result = await channel.DeliverAsync(Entry(Notification()), CancellationToken.None);

        Assert.Equal(DeliveryState.Pending, result.Outcome);
        Assert.Contains("could not be reached", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Webhook_ReceiverSlowerThanTimeout_FailsAfterTheTimeout_AndIsRetried()
    {
        await using var receiver = await Upstream.StartAsync();
        var aborted = new TaskCompletionSource();
        receiver.Behaviour = Upstream.HangUntilAborted(aborted);
        var channel = Channel(new GatewayAlertChannelOptions { Type = AlertChannelType.Webhook, Url = receiver.BaseAddress + "hook", Timeout = TimeSpan.FromSeconds(1) });

        var started = System.Diagnostics.Stopwatch.StartNew();
        var result = await Poll.WithinAsync(channel.DeliverAsync(Entry(Notification()), CancellationToken.None).AsTask(), "the send to time out");

        Assert.Equal(DeliveryState.Pending, result.Outcome);
        Assert.Contains("within 00:00:01", result.Error, StringComparison.Ordinal);
        Assert.InRange(started.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(10));
        await Poll.WithinAsync(aborted.Task, "the receiver to see the request aborted");
    }

    [Fact]
    public async Task MinSeverity_SendsOnlyTheAlertsAtOrAboveIt_AndNothingWhenNoneIs()
    {
        await using var receiver = await Upstream.StartAsync();
        receiver.Behaviour = Upstream.Status(StatusCodes.Status200OK);
        var channel = Channel(new GatewayAlertChannelOptions { Type = AlertChannelType.Webhook, Url = receiver.BaseAddress + "hook", MinSeverity = AlertChannelSeverity.Error });

        var mixed = await channel.DeliverAsync(Entry(Notification(alerts: [Alert("a-warn", AlertSeverity.Warning), Alert("a-error", AlertSeverity.Error)])), CancellationToken.None);
        var below = await channel.DeliverAsync(Entry(Notification(id: "n-9", alerts: [Alert("a-info", AlertSeverity.Info), Alert("a-warn", AlertSeverity.Warning)])), CancellationToken.None);

        Assert.Equal(DeliveryState.Delivered, mixed.Outcome);
        Assert.Equal(DeliveryState.Delivered, below.Outcome);
        Assert.Equal(204, below.Response!.Status);
        var request = Assert.Single(receiver.Snapshot());
        var alerts = System.Text.Json.Nodes.JsonNode.Parse(request.Body)!["alerts"]!.AsArray();
        Assert.Equal("a-error", Assert.Single(alerts)!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task ChannelQueue_IsServedByItsChannel_WhileRouteQueuesKeepTheForwardingHandler()
    {
        await using var receiver = await Upstream.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(GatewayJson(receiver.BaseAddress, $$"""
            { "hook": { "Type": "Webhook", "Url": "{{receiver.BaseAddress}}hook" },
              "ops":  { "Type": "Slack", "Url": "{{receiver.BaseAddress}}slack" } }
            """));

        Assert.IsType<WebhookAlertChannel>(gateway.Services.GetRequiredKeyedService<IDeliveryHandler>(AlertQueues.ForChannel("hook")));
        Assert.IsType<SlackAlertChannel>(gateway.Services.GetRequiredKeyedService<IDeliveryHandler>(AlertQueues.ForChannel("ops")));
        Assert.IsType<GatewayDeliveryHandler>(gateway.Services.GetRequiredKeyedService<IDeliveryHandler>("payments"));
        Assert.IsType<GatewayDeliveryHandler>(gateway.Services.GetRequiredKeyedService<IDeliveryHandler>(AlertQueues.ForChannel("unknown")));
    }

    [Fact]
    public async Task StoredEntryThatIsNoNotification_IsADeadLetter_WithoutSending()
    {
        await using var receiver = await Upstream.StartAsync();
        var channel = Channel(new GatewayAlertChannelOptions { Type = AlertChannelType.Webhook, Url = receiver.BaseAddress + "hook" });

        var result = await channel.DeliverAsync(Entry(Notification()) with { Envelope = DeliveryEnvelope.ForPayload("{\"id\":1}"u8.ToArray()) }, CancellationToken.None);

        Assert.Equal(DeliveryState.Dead, result.Outcome);
        Assert.Equal(0, receiver.Requests);
    }
}
