using System.Collections.Concurrent;
using Bulwark.AspNetCore.Redaction;

namespace Bulwark.AspNetCore.Logging;

/// <summary>
/// The redacted forms of values that repeat from request to request (route templates, provider names, user agents),
/// remembered so that each distinct value is scanned once. Bounded: past <see cref="Capacity"/> entries, or for a value
/// longer than <see cref="MaxValueLength"/>, a value is scanned every time, as without the cache. The redactor is the
/// middleware's, fixed for its life, so a remembered result never goes stale; a value a configured expression ran out of
/// time on (<c>[REDACTED:unscannable]</c>, which can happen under load) is not remembered, so that it is scanned again.
/// </summary>
internal sealed class RedactedValueCache
{
    private readonly ConcurrentDictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly PiiRedactor _redactor;
    private int _count;

    /// <param name="redactor">The redactor whose results are remembered.</param>
    /// <param name="capacity">The most values remembered; at least 0.</param>
    /// <param name="maxValueLength">The longest value remembered, in characters; at least 0.</param>
    public RedactedValueCache(PiiRedactor redactor, int capacity, int maxValueLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        ArgumentOutOfRangeException.ThrowIfNegative(maxValueLength);
        _redactor = redactor;
        Capacity = capacity;
        MaxValueLength = maxValueLength;
    }

    /// <summary>Gets the most values remembered.</summary>
    public int Capacity { get; }

    /// <summary>Gets the longest value remembered, in characters.</summary>
    public int MaxValueLength { get; }

    /// <summary>Gets how many values are remembered now.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Returns <paramref name="value"/> as the redactor writes it, from memory when it was seen before.</summary>
    public string Redact(string value)
    {
        if (_values.TryGetValue(value, out string? redacted))
        {
            return redacted;
        }

        redacted = _redactor.Redact(value);

        // A place is reserved before the value is added, so that racing callers never take the cache past its capacity
        // (ConcurrentDictionary.Count would, and it takes every lock of the dictionary).
        if (value.Length <= MaxValueLength && Volatile.Read(ref _count) < Capacity && redacted != PiiRedactionConstants.UnscannableReplacement)
        {
            if (Interlocked.Increment(ref _count) > Capacity || !_values.TryAdd(value, redacted))
            {
                Interlocked.Decrement(ref _count);
            }
        }

        return redacted;
    }
}
