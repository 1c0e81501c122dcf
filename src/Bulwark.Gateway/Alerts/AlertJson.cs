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

    public static byte[] Serialize(AlertNotification notification) => JsonSerializer.SerializeToUtf8Bytes(notification, Options);

    public static AlertNotification? ReadNotification(ReadOnlySpan<byte> json) => JsonSerializer.Deserialize<AlertNotification>(json, Options);
}
