using System.Text.Json;
using Bulwark.AspNetCore.Health;

namespace Bulwark.Gateway.Alerts;

/// <summary>
/// The <c>alerts</c> section of <c>/health</c>: active alerts (firing or acknowledged) that no silence holds, by severity:
/// <c>{"active_total": 2, "active": {"info": 0, "warning": 1, "error": 0, "critical": 1}}</c>.
/// </summary>
internal sealed class AlertHealthSection(AlertBook book) : IBulwarkHealthSection
{
    public string Name => "alerts";

    public void Write(Utf8JsonWriter writer)
    {
        var counts = book.ActiveCounts();
        writer.WriteStartObject();
        writer.WriteNumber("active_total", counts.Values.Sum());
        writer.WriteStartObject("active");
        foreach (var severity in Enum.GetValues<AlertSeverity>())
        {
            writer.WriteNumber(severity.ToString().ToLowerInvariant(), counts[severity]);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
