using System.Collections;

namespace Bulwark.AspNetCore.Correlation;

/// <summary>The logging scope that puts <c>correlation_id</c> on every log line written during the request.</summary>
internal sealed class CorrelationLogScope(string correlationId) : IReadOnlyList<KeyValuePair<string, object?>>
{
    public int Count => 1;

    public KeyValuePair<string, object?> this[int index] =>
        index == 0 ? new(BulwarkCorrelation.LogFieldName, correlationId) : throw new ArgumentOutOfRangeException(nameof(index));

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        yield return this[0];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => BulwarkCorrelation.LogFieldName + ":" + correlationId;
}
