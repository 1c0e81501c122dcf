using System.Text.Json.Nodes;
using Bulwark.Deliveries;
using Bulwark.Gateway.Alerts;
using Bulwark.Gateway.Alerts.Channels;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bulwark.Gateway.Tests.Alerts.Channels;

/// <summary>Notifications, stored entries and gateways with channels, for the channel tests.</summary>
internal static class AlertChannelKit
{
    public static readonly DateTimeOffset Started = new(2026, 12, 7, 4, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset Created = Started.AddMinutes(2);

    public static AlertNotificationItem Alert(
        string id = "alert-1",
        AlertSeverity severity = AlertSeverity.Critical,
        AlertState state = AlertState.Firing,
        string rule = "breaker-open",
        string provider = "openai",
        DateTimeOffset? endsAt = null) => new()
        {
            Id = id,
            Rule = rule,
            Labels = new Dictionary<string, string> { ["provider"] = provider, ["route"] = "/api" },
            Severity = severity,
            State = state,
            Summary = $"Circuit breaker of provider '{provider}' is open",
            Description = "5 consecutive failures; half-open probe in 30 s.",
            Value = 5,
            StartsAt = Started,
            EndsAt = endsAt,
        };

    public static AlertNotification Notification(
        AlertNotificationKind kind = AlertNotificationKind.Firing,
        string channel = "hook",
        string id = "n-1",
        params AlertNotificationItem[] alerts) => new()
        {
            Id = id,
            Kind = kind,
            Channel = channel,
            Level = kind == AlertNotificationKind.Resolved ? null : 0,
            GroupKey = "breaker-open{provider=openai}",
            GroupLabels = new Dictionary<string, string> { ["provider"] = "openai" },
            Alerts = alerts.Length == 0 ? [Alert()] : alerts,
            CreatedAt = Created,
            ExternalUrl = "https://bulwark.example.com",
        };

    public static AlertNotification Resolved(string channel = "hook", DateTimeOffset? endsAt = null) => Notification(
        AlertNotificationKind.Resolved,
        channel,
        "n-2",
        Alert(state: AlertState.Resolved, endsAt: endsAt ?? Started.AddMinutes(10)));

    /// <summary>The notification as the engine stores it in the channel's queue.</summary>
    public static DeliveryEntry Entry(AlertNotification notification) => new()
    {
        Id = "d-" + notification.Id,
        Queue = AlertQueues.ForChannel(notification.Channel),
        IdempotencyKey = notification.Id,
        Envelope = DeliveryEnvelope.ForPayload(AlertNotificationJson.Serialize(notification), AlertNotificationJson.ContentType),
        MaxAttempts = 5,
        CreatedAt = notification.CreatedAt,
        ExpiresAt = notification.CreatedAt.AddDays(1),
        NextAttemptAt = notification.CreatedAt,
    };

    /// <summary>A channel built from its options as the gateway builds it.</summary>
    public static AlertChannel Channel(GatewayAlertChannelOptions options, IReadOnlyDictionary<string, string>? environment = null, string name = "hook", HttpClient? http = null) =>
        AlertChannelFactory.Create(
            name,
            options,
            new GatewayEnvironment(n => environment is not null && environment.TryGetValue(n, out var v) ? v : null),
            http ?? SharedHttp,
            TimeProvider.System,
            NullLogger.Instance);

    private static readonly HttpClient SharedHttp = new AlertChannelHttpClient().Client;

    /// <summary>A gateway with <paramref name="channels"/> (the JSON of <c>Bulwark:Alerts:Channels</c>) and fast deliveries.</summary>
    public static string GatewayJson(Uri provider, string channels, string deliveries = "") => Configs.TwoProviders(
        provider,
        provider,
        bulwarkExtra: $$"""
            "Deliveries": { "BaseDelay": "00:00:00.050", "MaxDelay": "00:00:00.200", "PollInterval": "00:00:00.050" {{deliveries}} },
            "Alerts": { "Channels": {{channels}} },
            """);

    /// <summary>Stores a notification in its channel's durable queue, as the alert engine does, and returns its ticket.</summary>
    public static async Task<DeliveryTicket> StoreAsync(GatewayUnderTest gateway, AlertNotification notification)
    {
        var queue = gateway.Services.GetRequiredService<IDeferredDeliveryQueue>();
        var ticket = await queue.EnqueueAsync(
            AlertQueues.ForChannel(notification.Channel),
            notification.Id,
            DeliveryEnvelope.ForPayload(AlertNotificationJson.Serialize(notification), AlertNotificationJson.ContentType));
        return ticket;
    }

    /// <summary>Stores a notification as <see cref="StoreAsync"/> does and returns the entry's id.</summary>
    public static async Task<string> EnqueueAsync(GatewayUnderTest gateway, AlertNotification notification) => (await StoreAsync(gateway, notification)).Entry.Id;

    /// <summary>Waits (bounded) until the entry is delivered or dead, and returns it.</summary>
    public static async Task<DeliveryEntry> SettledAsync(GatewayUnderTest gateway, string id)
    {
        var queue = gateway.Services.GetRequiredService<IDeferredDeliveryQueue>();
        DeliveryEntry? entry = null;
        await Poll.UntilAsync(
            () => (entry = queue.GetAsync(id).GetAwaiter().GetResult()) is { State: DeliveryState.Delivered or DeliveryState.Dead },
            $"delivery {id} to be delivered or dead");
        return entry!;
    }

    /// <summary>Asserts two JSON texts are the same tree (property order aside).</summary>
    public static void JsonEqual(string expected, byte[] actual)
    {
        var want = JsonNode.Parse(expected);
        var got = JsonNode.Parse(actual);
        Assert.True(JsonNode.DeepEquals(want, got), $"expected {want!.ToJsonString()}\nactual   {got!.ToJsonString()}");
    }
}
