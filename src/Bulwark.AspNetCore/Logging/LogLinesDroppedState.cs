using System.Collections;
using System.Globalization;

namespace Bulwark.AspNetCore.Logging;

/// <summary>The state of the "log lines dropped" warning: the count as <c>dropped_lines</c>, and its message template.</summary>
internal sealed class LogLinesDroppedState(long count) : IReadOnlyList<KeyValuePair<string, object?>>
{
    private const string Template = "{dropped_lines} log line(s) dropped: the queue was full (QueueFullMode DropWrite) or the output failed";

    public int Count => 2;

    public KeyValuePair<string, object?> this[int index] => index switch
    {
        0 => new("dropped_lines", count),
        1 => new("{OriginalFormat}", Template),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        for (int i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{count} log line(s) dropped: the queue was full (QueueFullMode DropWrite) or the output failed");
}
