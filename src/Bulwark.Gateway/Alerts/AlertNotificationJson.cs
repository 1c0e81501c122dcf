using System.Text.Json;
using System.Text.Json.Serialization;

namespace Bulwark.Gateway.Alerts;

/// <summary>
/// The one JSON form of an <see cref="AlertNotification"/> (camelCase, enums as strings, no nulls): what the alert engine
/// stores in a channel's delivery queue and what the channel reads back. Source-generated: no reflection.
/// </summary>
internal static class AlertNotificationJson
{
    /// <summary>The content type of a stored notification.</summary>
    public const string ContentType = "application/json";

    /// <summary>Gets the serializer options (camelCase, string enums, nulls left out).</summary>
    public static JsonSerializerOptions Options => AlertNotificationJsonContext.Default.Options;

    /// <summary>Writes a notification as UTF-8 JSON.</summary>
    public static byte[] Serialize(AlertNotification notification)
    {
        ArgumentNullException.ThrowIfNull(notification);
        return JsonSerializer.SerializeToUtf8Bytes(notification, AlertNotificationJsonContext.Default.AlertNotification);
    }

    /// <summary>Reads a notification written by <see cref="Serialize"/>.</summary>
    /// <exception cref="JsonException">The bytes are not a notification (missing a required property, for example).</exception>
    public static AlertNotification Deserialize(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize(json, AlertNotificationJsonContext.Default.AlertNotification)
        ?? throw new JsonException("The notification is null.");

    /// <summary>The notification as a JSON tree, for a channel that adds to it (the webhook's <c>version</c>).</summary>
    public static System.Text.Json.Nodes.JsonObject ToNode(AlertNotification notification) =>
        JsonSerializer.SerializeToNode(notification, AlertNotificationJsonContext.Default.AlertNotification)!.AsObject();
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AlertNotification))]
internal sealed partial class AlertNotificationJsonContext : JsonSerializerContext;
