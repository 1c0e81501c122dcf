using System.Text.Json;
using Bulwark.Gateway.Alerts;
using static Bulwark.Gateway.Tests.Alerts.Channels.AlertChannelKit;

namespace Bulwark.Gateway.Tests.Alerts;

/// <summary>The one stored form of a notification: what the engine writes is what every channel reads back.</summary>
public class AlertNotificationJsonTests
{
    [Fact]
    public void Serialize_ThenDeserialize_GivesTheSameNotification()
    {
        var notification = Notification(alerts: [Alert("a-1"), Alert("a-2", AlertSeverity.Warning, AlertState.Resolved, endsAt: Started.AddMinutes(5))]);

        var back = AlertNotificationJson.Deserialize(AlertNotificationJson.Serialize(notification));

        Assert.Equal(notification.Id, back.Id);
        Assert.Equal(notification.Kind, back.Kind);
        Assert.Equal(notification.Level, back.Level);
        Assert.Equal(notification.GroupLabels, back.GroupLabels);
        Assert.Equal(notification.CreatedAt, back.CreatedAt);
        Assert.Equal(notification.ExternalUrl, back.ExternalUrl);
        Assert.Equal(2, back.Alerts.Count);
        Assert.Equal(notification.Alerts[1] with { Labels = back.Alerts[1].Labels }, back.Alerts[1]);
        Assert.Equal(notification.Alerts[1].Labels, back.Alerts[1].Labels);
    }

    [Fact]
    public void Serialize_IsCamelCase_EnumsAsStrings_NullsLeftOut()
    {
        var json = JsonDocument.Parse(AlertNotificationJson.Serialize(Resolved())).RootElement;

        Assert.Equal("Resolved", json.GetProperty("kind").GetString());
        Assert.False(json.TryGetProperty("level", out _));
        var alert = json.GetProperty("alerts")[0];
        Assert.Equal("Critical", alert.GetProperty("severity").GetString());
        Assert.Equal("Resolved", alert.GetProperty("state").GetString());
        Assert.Equal("2026-12-07T04:10:00+00:00", alert.GetProperty("endsAt").GetString());
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"id":"n","kind":"Firing"}""")]
    [InlineData("""{"id":"n","kind":"Exploded","channel":"c","groupKey":"g","groupLabels":{},"alerts":[],"createdAt":"2026-12-07T04:00:00Z"}""")]
    [InlineData("null")]
    [InlineData("not json")]
    public void Deserialize_NotANotification_Throws_JsonException(string json)
    {
        Assert.ThrowsAny<JsonException>(() => AlertNotificationJson.Deserialize(System.Text.Encoding.UTF8.GetBytes(json)));
    }
}
