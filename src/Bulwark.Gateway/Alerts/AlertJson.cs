using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

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
        // One converter per enum the alerts carry: the general converter makes its per-enum converter at run time, which
        // a native (AOT) executable cannot do for a value type. It stays last, for any other enum.
        Converters =
        {
            new JsonStringEnumConverter<AlertState>(JsonNamingPolicy.CamelCase),
            new JsonStringEnumConverter<AlertSeverity>(JsonNamingPolicy.CamelCase),
            new JsonStringEnumConverter<AlertNotificationKind>(JsonNamingPolicy.CamelCase),
            new JsonStringEnumConverter<AlertActionOutcome>(JsonNamingPolicy.CamelCase),
            new JsonStringEnumConverter(JsonNamingPolicy.CamelCase),
        },
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,

        // The stored forms (alerts, silences) from generated code, which a native (AOT) executable needs for their
        // collections of value types (an alert's notified levels); anything else (the admin answers) by reflection.
        TypeInfoResolver = JsonTypeInfoResolver.Combine(AlertJsonContext.Default, new DefaultJsonTypeInfoResolver()),
    };

    /// <summary>Writes a notification in the one form channels read (<see cref="AlertNotificationJson"/>).</summary>
    public static byte[] Serialize(AlertNotification notification) => AlertNotificationJson.Serialize(notification);

    /// <summary>Reads a notification written by <see cref="Serialize"/>.</summary>
    public static AlertNotification? ReadNotification(ReadOnlySpan<byte> json) => AlertNotificationJson.Deserialize(json);
}

/// <summary>The generated metadata of the alert types <see cref="AlertJson.Options"/> stores.</summary>
[JsonSerializable(typeof(Alert))]
[JsonSerializable(typeof(AlertSilence))]
internal sealed partial class AlertJsonContext : JsonSerializerContext;
