namespace Bulwark.AspNetCore.ProviderHealth;

/// <summary>The last N attempts of one provider: latency and outcome in a ring buffer. Callers lock it.</summary>
internal sealed class ProviderWindow(int size)
{
    private readonly double[] _latencies = new double[size];
    private readonly bool[] _failures = new bool[size];
    private int _next;
    private int _failureCount;

    public int Count { get; private set; }

    public int FailureCount => _failureCount;

    public void Add(double latencyMs, bool success)
    {
        if (Count == _latencies.Length && _failures[_next])
        {
            _failureCount--;
        }

        _latencies[_next] = latencyMs;
        _failures[_next] = !success;
        _failureCount += success ? 0 : 1;
        _next = (_next + 1) % _latencies.Length;
        Count = Math.Min(Count + 1, _latencies.Length);
    }

    /// <summary>Copies the latencies, sorted, for percentiles.</summary>
    public double[] SortedLatencies()
    {
        var copy = _latencies.AsSpan(0, Count).ToArray();
        Array.Sort(copy);
        return copy;
    }

    /// <summary>The nearest-rank percentile: the smallest value with at least <paramref name="percentile"/> of the samples at or below it.</summary>
    public static double Percentile(double[] sorted, double percentile) =>
        sorted[Math.Clamp((int)Math.Ceiling(percentile * sorted.Length) - 1, 0, sorted.Length - 1)];
}
