using System.Text.Json;
using Bulwark.Gateway.Alerts;

namespace Bulwark.Gateway.Tests.Alerts;

/// <summary>
/// The stored form of an alert (<see cref="AlertJson.Options"/>, generated metadata): camelCase, enums as camelCase
/// strings, nulls written, and a row written before a collection existed still reads with that collection empty.
/// </summary>
public class AlertJsonTests
{
    private static readonly DateTimeOffset Started = new(2026, 12, 7, 4, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Alert_RoundTrips_CamelCase_EnumsAsCamelCaseStrings_NullsWritten()
    {
        var alert = new Alert
        {
            Id = "a-1",
            Rule = "breaker-open",
            Labels = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["provider"] = "p" },
            Severity = AlertSeverity.Critical,
            State = AlertState.Firing,
            Summary = "open",
            StartsAt = Started,
        };
        alert.NotifiedLevels.Add(0);
        alert.NotifiedLevels.Add(2);
        alert.NotifiedChannels["hook"] = 0;

        string json = JsonSerializer.Serialize(alert, AlertJson.Options);
        var root = JsonDocument.Parse(json).RootElement;
        Assert.Equal("critical", root.GetProperty("severity").GetString());
        Assert.Equal("firing", root.GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("endsAt").ValueKind);
        Assert.Equal("[0,2]", root.GetProperty("notifiedLevels").GetRawText());

        var back = JsonSerializer.Deserialize<Alert>(json, AlertJson.Options)!;
        Assert.Equal(alert.Labels, back.Labels);
        Assert.Equal(AlertSeverity.Critical, back.Severity);
        Assert.Equal([0, 2], back.NotifiedLevels);
        Assert.Equal(0, back.NotifiedChannels["hook"]);
    }

    [Fact]
    public void Alert_StoredWithoutItsCollections_ReadsThemEmpty_NotNull()
    {
        const string json = """
            {"id":"a-1","rule":"breaker-open","labels":{"provider":"p"},"severity":"error","state":"firing","summary":"open","startsAt":"2026-12-07T04:00:00+00:00"}
            """;

        var alert = JsonSerializer.Deserialize<Alert>(json, AlertJson.Options)!;

        Assert.NotNull(alert.NotifiedLevels);
        Assert.Empty(alert.NotifiedLevels);
        Assert.NotNull(alert.NotifiedChannels);
        Assert.Empty(alert.NotifiedChannels);
        Assert.NotNull(alert.Notifications);
        Assert.Empty(alert.Notifications);
    }
}
