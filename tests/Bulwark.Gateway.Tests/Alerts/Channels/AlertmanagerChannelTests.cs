using System.Net.Http.Json;
using System.Text.Json;
using Bulwark.Deliveries;
using Bulwark.Gateway.Alerts;
using Bulwark.Gateway.Alerts.Channels;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Tests.Infrastructure;
using static Bulwark.Gateway.Tests.Alerts.Channels.AlertChannelKit;

namespace Bulwark.Gateway.Tests.Alerts.Channels;

/// <summary>
/// The Alertmanager channel against the real <c>prometheus-alertmanager</c>, started by the test: what Bulwark posts
/// shows on Alertmanager's own API v2.
/// </summary>
public class AlertmanagerChannelTests
{
    [Fact]
    public async Task Alertmanager_Firing_ShowsOnItsApi_WithLabelsAndAnnotations_ThenResolvedIsNoLongerActive()
    {
        await using var alertmanager = await AlertmanagerProcess.StartAsync();
        using var http = new HttpClient { BaseAddress = alertmanager.Address, Timeout = TimeSpan.FromSeconds(10) };
        var now = DateTimeOffset.UtcNow;
        var firing = Notification(AlertNotificationKind.Firing, "am", "n-1", Alert("alert-1", AlertSeverity.Error, provider: "open.ai")) with { CreatedAt = now };
        firing = firing with { Alerts = [firing.Alerts[0] with { StartsAt = now.AddMinutes(-1) }] };
        var channel = Channel(new GatewayAlertChannelOptions { Type = AlertChannelType.Alertmanager, Url = alertmanager.Address.ToString() }, name: "am");

        var sent = await channel.DeliverAsync(Entry(firing), CancellationToken.None);

        Assert.True(sent.Outcome == DeliveryState.Delivered, $"{sent.Error}\n{alertmanager.Output}");
        JsonElement alert = default;
        await Poll.UntilAsync(() => (alert = Find(http, "breaker-open")).ValueKind != JsonValueKind.Undefined, "the alert to show on Alertmanager's API");
        var labels = alert.GetProperty("labels");
        Assert.Equal("breaker-open", labels.GetProperty("alertname").GetString());
        Assert.Equal("error", labels.GetProperty("severity").GetString());
        Assert.Equal("open.ai", labels.GetProperty("provider").GetString());
        Assert.Equal("/api", labels.GetProperty("route").GetString());
        Assert.Equal("Circuit breaker of provider 'open.ai' is open", alert.GetProperty("annotations").GetProperty("summary").GetString());
        Assert.Equal("5 consecutive failures; half-open probe in 30 s.", alert.GetProperty("annotations").GetProperty("description").GetString());
        Assert.Equal("active", alert.GetProperty("status").GetProperty("state").GetString());
        Assert.Equal("https://bulwark.example.com", alert.GetProperty("generatorURL").GetString());
        var endsAt = alert.GetProperty("endsAt").GetDateTimeOffset();
        Assert.InRange(endsAt, now + AlertmanagerAlertChannel.FiringHorizon - TimeSpan.FromSeconds(1), now + AlertmanagerAlertChannel.FiringHorizon + TimeSpan.FromSeconds(1));

        var resolved = firing with
        {
            Id = "n-2",
            Kind = AlertNotificationKind.Resolved,
            CreatedAt = DateTimeOffset.UtcNow,
            Alerts = [firing.Alerts[0] with { State = AlertState.Resolved, EndsAt = DateTimeOffset.UtcNow }],
        };
        var done = await channel.DeliverAsync(Entry(resolved), CancellationToken.None);

        Assert.Equal(DeliveryState.Delivered, done.Outcome);
        await Poll.UntilAsync(() => Find(http, "breaker-open", activeOnly: true).ValueKind == JsonValueKind.Undefined, "the alert to be resolved on Alertmanager");
    }

    [Fact]
    public async Task Alertmanager_ThroughTheQueue_DeliversToTheRealAlertmanager()
    {
        await using var alertmanager = await AlertmanagerProcess.StartAsync();
        await using var receiver = await Upstream.StartAsync();
        using var http = new HttpClient { BaseAddress = alertmanager.Address, Timeout = TimeSpan.FromSeconds(10) };
        await using var gateway = await GatewayUnderTest.StartAsync(GatewayJson(receiver.BaseAddress, $$"""{ "am": { "Type": "Alertmanager", "Url": "{{alertmanager.Address}}" } }"""));
        var now = DateTimeOffset.UtcNow;
        var firing = Notification(AlertNotificationKind.Firing, "am", "n-q", Alert("alert-q", AlertSeverity.Critical, rule: "dead-letters")) with { CreatedAt = now };

        var entry = await SettledAsync(gateway, await EnqueueAsync(gateway, firing));

        Assert.Equal(DeliveryState.Delivered, entry.State);
        await Poll.UntilAsync(() => Find(http, "dead-letters").ValueKind != JsonValueKind.Undefined, "the alert to show on Alertmanager's API");
    }

    [Fact]
    public async Task Alertmanager_RefusedAlert_IsADeadLetter()
    {
        await using var alertmanager = await AlertmanagerProcess.StartAsync();
        var bad = Notification(AlertNotificationKind.Resolved, "am", "n-bad", Alert("alert-bad", state: AlertState.Resolved, endsAt: Started.AddMinutes(-5)));
        var channel = Channel(new GatewayAlertChannelOptions { Type = AlertChannelType.Alertmanager, Url = alertmanager.Address.ToString() }, name: "am");

        // An alert that ends before it starts is invalid for Alertmanager: it answers 400, which no retry changes.
        var result = await channel.DeliverAsync(Entry(bad), CancellationToken.None);

        Assert.Equal(DeliveryState.Dead, result.Outcome);
        Assert.Equal(400, result.Response!.Status);
    }

    private static JsonElement Find(HttpClient http, string alertname, bool activeOnly = false)
    {
        var alerts = http.GetFromJsonAsync<JsonElement>("/api/v2/alerts").GetAwaiter().GetResult();
        foreach (var alert in alerts.EnumerateArray())
        {
            if (alert.GetProperty("labels").GetProperty("alertname").GetString() == alertname
                && (!activeOnly || alert.GetProperty("status").GetProperty("state").GetString() == "active")
                && (!activeOnly || alert.GetProperty("endsAt").GetDateTimeOffset() > DateTimeOffset.UtcNow))
            {
                return alert;
            }
        }

        return default;
    }
}
