using System.Globalization;

namespace Bulwark.LoadTools.Upstream;

/// <summary>The faults an upstream injects; immutable, swapped whole by <c>POST /__mode</c>.</summary>
internal sealed record UpstreamMode(bool Down, double Fail503, double Reset, double Hang, double R429, int DelayMs, int RetryAfterSeconds)
{
    public static UpstreamMode Healthy { get; } = new(false, 0, 0, 0, 0, 0, 1);

    /// <summary>Applies the keys present in the query to <paramref name="current"/>; absent keys keep their value.</summary>
    public static UpstreamMode Parse(IQueryCollection query, UpstreamMode current)
    {
        if (query.ContainsKey("clear"))
        {
            current = Healthy;
        }

        return new UpstreamMode(
            query.TryGetValue("down", out var down) ? down == "1" : current.Down,
            Share(query, "fail503", current.Fail503),
            Share(query, "reset", current.Reset),
            Share(query, "hang", current.Hang),
            Share(query, "r429", current.R429),
            query.TryGetValue("delayMs", out var delay) ? int.Parse(delay!, CultureInfo.InvariantCulture) : current.DelayMs,
            query.TryGetValue("retryAfter", out var after) ? int.Parse(after!, CultureInfo.InvariantCulture) : current.RetryAfterSeconds);
    }

    private static double Share(IQueryCollection query, string key, double current) =>
        query.TryGetValue(key, out var value) ? double.Parse(value!, CultureInfo.InvariantCulture) : current;
}
