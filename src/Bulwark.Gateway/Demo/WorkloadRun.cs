namespace Bulwark.Gateway.Demo;

/// <summary>One run of the workload against one target, and the figures the report prints.</summary>
internal sealed class WorkloadRun
{
    public WorkloadRun(string target, IReadOnlyList<RequestRecord> requests, TimeSpan duration)
    {
        Target = target;
        Requests = requests;
        Duration = duration;
        Succeeded = requests.Count(r => r.Succeeded);
        var latencies = requests.Select(r => r.Elapsed).Order().ToArray();
        P50 = Percentile(latencies, 0.50);
        P99 = Percentile(latencies, 0.99);
    }

    public string Target { get; }

    public IReadOnlyList<RequestRecord> Requests { get; }

    /// <summary>Gets the run's wall-clock time.</summary>
    public TimeSpan Duration { get; }

    public int Succeeded { get; }

    public double SuccessRate => Requests.Count == 0 ? 0 : (double)Succeeded / Requests.Count;

    /// <summary>Gets the median time the client waited, over every request (failed ones too).</summary>
    public TimeSpan P50 { get; }

    public TimeSpan P99 { get; }

    public double AverageAttempts => Requests.Count == 0 ? 0 : Requests.Average(r => r.Attempts);

    /// <summary>Gets how many requests took each number of attempts.</summary>
    public IReadOnlyDictionary<int, int> AttemptCounts => Requests.GroupBy(r => r.Attempts).OrderBy(g => g.Key).ToDictionary(g => g.Key, g => g.Count());

    /// <summary>Gets how many requests each provider served.</summary>
    public IReadOnlyDictionary<string, int> ServedBy => Requests.Where(r => r.Provider is not null).GroupBy(r => r.Provider!, StringComparer.OrdinalIgnoreCase)
        .ToDictionary(g => g.Key, g => g.Count(), StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets how many requests were answered by a provider other than <paramref name="first"/>.</summary>
    public int FailoversFrom(string first) => Requests.Count(r => r.Provider is not null && !string.Equals(r.Provider, first, StringComparison.OrdinalIgnoreCase));

    /// <summary>Gets the failed requests by what the client saw: a status such as 503, or no response.</summary>
    public IReadOnlyDictionary<int, int> Failures => Requests.Where(r => !r.Succeeded).GroupBy(r => r.Status).OrderBy(g => g.Key).ToDictionary(g => g.Key, g => g.Count());

    private static TimeSpan Percentile(TimeSpan[] sorted, double p) =>
        sorted.Length == 0 ? TimeSpan.Zero : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}
