using System.Collections.Concurrent;

namespace Bulwark.AspNetCore.Telemetry;

/// <summary>
/// Values put on every request's metrics and spans, made once instead of on each request: boxed small integers (status
/// codes, attempt numbers and counts) and span names built from a bounded set of parts (methods, route templates,
/// provider names). The tags and names are equal to what was built per request before.
/// </summary>
internal static class TagValues
{
    // Past this many distinct names (a value of unexpected cardinality), names are built every time as before.
    private const int MaxCachedNames = 1024;

    private static readonly object[] SmallIntegers = CreateSmallIntegers(600);
    private static readonly ConcurrentDictionary<(string Method, string Route), string> RequestNames = new();
    private static readonly ConcurrentDictionary<string, string> AttemptNames = new(StringComparer.Ordinal);

    // Counted apart: ConcurrentDictionary.Count takes every lock of the dictionary.
    private static int s_requestNameCount;
    private static int s_attemptNameCount;

    /// <summary>Returns <paramref name="value"/> boxed, from a cache for 0 to 599.</summary>
    public static object Box(int value) => (uint)value < (uint)SmallIntegers.Length ? SmallIntegers[value] : value;

    /// <summary>The request span's name: <c>{method} {route}</c>.</summary>
    public static string RequestName(string method, string route)
    {
        if (RequestNames.TryGetValue((method, route), out string? name))
        {
            return name;
        }

        name = $"{method} {route}";
        if (Volatile.Read(ref s_requestNameCount) < MaxCachedNames && RequestNames.TryAdd((method, route), name))
        {
            Interlocked.Increment(ref s_requestNameCount);
        }

        return name;
    }

    /// <summary>An attempt span's name: <c>attempt {provider}</c>.</summary>
    public static string AttemptName(string provider)
    {
        if (AttemptNames.TryGetValue(provider, out string? name))
        {
            return name;
        }

        name = $"attempt {provider}";
        if (Volatile.Read(ref s_attemptNameCount) < MaxCachedNames && AttemptNames.TryAdd(provider, name))
        {
            Interlocked.Increment(ref s_attemptNameCount);
        }

        return name;
    }

    private static object[] CreateSmallIntegers(int count)
    {
        var values = new object[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = i;
        }

        return values;
    }
}
