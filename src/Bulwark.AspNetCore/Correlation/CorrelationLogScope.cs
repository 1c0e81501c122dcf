using System.Collections;

namespace Bulwark.AspNetCore.Correlation;

/// <summary>
/// The logging scope that puts <c>correlation_id</c> on every log line written during the request, and, for a request
/// without an activity (whose ids the logging would otherwise add), its trace context as <c>TraceId</c>, <c>SpanId</c>
/// and <c>ParentId</c>, the names the logging gives an activity's.
/// </summary>
internal sealed class CorrelationLogScope(string correlationId, BulwarkTraceContext? trace = null) : IReadOnlyList<KeyValuePair<string, object?>>
{
    public int Count => trace is null ? 1 : 4;

    public KeyValuePair<string, object?> this[int index] => index switch
    {
        0 => new(BulwarkCorrelation.LogFieldName, correlationId),
        1 when trace is { } t => new("TraceId", t.TraceId.ToHexString()),
        2 when trace is { } t => new("SpanId", t.SpanId.ToHexString()),
        3 when trace is { } t => new("ParentId", t.ParentSpanId.ToHexString()),
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

    public override string ToString() => BulwarkCorrelation.LogFieldName + ":" + correlationId;
}
