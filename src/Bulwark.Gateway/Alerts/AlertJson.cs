using System.Text.Json;
using System.Text.Json.Serialization;

namespace Bulwark.Gateway.Alerts;

/// <summary>
/// How alert notifications (the payload of each alert delivery queue entry) and the stored alerts are written: camelCase,
/// enums as camelCase strings (<c>"firing"</c>, <c>"critical"</c>). A channel reads an <see cref="AlertNotification"/> with
/// <see cref="Options"/>.
/// </summary>
internal static class AlertJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>Writes a notification in the one form channels read (<see cref="AlertNotificationJson"/>).</summary>
    public static byte[] Serialize(AlertNotification notification) => AlertNotificationJson.Serialize(notification);

    /// <summary>Reads a notification written by <see cref="Serialize"/>.</summary>
    public static AlertNotification? ReadNotification(ReadOnlySpan<byte> json) => AlertNotificationJson.Deserialize(json);
}
