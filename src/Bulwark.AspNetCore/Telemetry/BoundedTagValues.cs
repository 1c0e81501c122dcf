using System.Collections.Concurrent;

namespace Bulwark.AspNetCore.Telemetry;

/// <summary>
/// The values a metric tag takes from its callers' input (a model name a client sends), kept to the first
/// <c>capacity</c> distinct ones: each later value is tagged <see cref="BulwarkMetrics.OtherModelTagValue"/>, so that a
/// client cannot make a time series per request.
/// </summary>
internal sealed class BoundedTagValues(int capacity)
{
    private readonly ConcurrentDictionary<string, bool> _seen = new(StringComparer.Ordinal);

    /// <summary>The tag value for <paramref name="value"/>: itself while it is one of the first distinct values, else the overflow value.</summary>
    public string Tag(string value)
    {
        if (_seen.ContainsKey(value))
        {
            return value;
        }

        // A race may let a few more than the capacity in; the bound is what matters, not its exact figure.
        return _seen.Count < capacity && _seen.TryAdd(value, true) || _seen.ContainsKey(value) ? value : BulwarkMetrics.OtherModelTagValue;
    }
}
