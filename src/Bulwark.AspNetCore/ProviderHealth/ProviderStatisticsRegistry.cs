using System.Collections.Concurrent;
using Bulwark.AspNetCore.Anomaly;
using Bulwark.AspNetCore.Providers;
using Polly.CircuitBreaker;
using static Bulwark.AspNetCore.ProviderHealth.ProviderHealthConstants;

namespace Bulwark.AspNetCore.ProviderHealth;

/// <summary>
/// The default <see cref="IProviderStatistics"/>: a ring buffer of the last <see cref="ProviderHealthOptions.WindowSize"/>
/// attempts per provider, plus the <see cref="AnomalyDetector"/> fed with every recorded attempt.
/// </summary>
/// <remarks>
/// <para>The health score starts at 100 and loses (then is clamped to 0–100 and rounded):</para>
/// <list type="bullet">
/// <item>errors: min(50, 100 × error rate over the window), so 10% errors cost 10 points and 50% or more cost 50;</item>
/// <item>breaker: 40 when open or isolated, 20 when half-open;</item>
/// <item>anomaly: 20 while the provider is <see cref="AnomalyState.Degraded"/>;</item>
/// <item>latency: min(20, 10 × max(0, EWMA latency / baseline latency − 1)) once the detector has a baseline, so twice the
/// baseline costs 10 points and three times or more costs 20.</item>
/// </list>
/// <para>A score of 80 or more is <c>healthy</c>, 50 or more <c>degraded</c>, below 50 <c>unhealthy</c>. A provider without
/// samples scores 100 less its breaker penalty.</para>
/// </remarks>
public sealed class ProviderStatisticsRegistry : IProviderStatistics
{
    private readonly ConcurrentDictionary<string, ProviderWindow> _windows = new(StringComparer.Ordinal);
    private readonly AnomalyDetector _detector;
    private readonly IBulwarkProviderCatalog? _catalog;
    private readonly int _windowSize;

    /// <summary>Initializes a new instance of the <see cref="ProviderStatisticsRegistry"/> class.</summary>
    /// <param name="detector">The anomaly detector every recorded attempt is fed to.</param>
    /// <param name="catalog">The providers to report on (with their breakers) even before they have samples; optional.</param>
    /// <param name="options">The options; defaults when <see langword="null"/>.</param>
    public ProviderStatisticsRegistry(AnomalyDetector detector, IBulwarkProviderCatalog? catalog = null, ProviderHealthOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(detector);
        options ??= new ProviderHealthOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.WindowSize, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.WindowSize, 1 << 20, nameof(options));
        _detector = detector;
        _catalog = catalog;
        _windowSize = options.WindowSize;
    }

    /// <inheritdoc/>
    public void Record(string provider, TimeSpan duration, bool success)
    {
        ArgumentNullException.ThrowIfNull(provider);
        var window = _windows.GetOrAdd(provider, static (_, size) => new ProviderWindow(size), _windowSize);
        lock (window)
        {
            window.Add(duration.TotalMilliseconds, success);
        }

        _detector.Observe(provider, duration, success);
    }

    /// <inheritdoc/>
    public IReadOnlyList<ProviderStatisticsSnapshot> Snapshot()
    {
        var result = new List<ProviderStatisticsSnapshot>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        if (_catalog is not null)
        {
            foreach (var info in _catalog.Providers)
            {
                if (seen.Add(info.Name))
                {
                    result.Add(Read(info.Name, info.CircuitBreaker?.State));
                }
            }
        }

        foreach (var name in _windows.Keys.Where(n => !seen.Contains(n)).Order(StringComparer.Ordinal))
        {
            result.Add(Read(name, breaker: null));
        }

        return result;
    }

    /// <summary>Forgets a provider's samples and anomaly state, when the application no longer has that provider.</summary>
    /// <param name="provider">The provider's name; a name it does not know is ignored.</param>
    public void Forget(string provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        _windows.TryRemove(provider, out _);
        _detector.Forget(provider);
    }

    internal static int Score(double errorRate, CircuitState? breaker, AnomalyState anomaly, double? ewmaLatency, double? baselineLatency)
    {
        double score = 100;
        score -= Math.Min(MaxErrorPenalty, 100 * errorRate);
        score -= breaker switch
        {
            CircuitState.Open or CircuitState.Isolated => OpenBreakerPenalty,
            CircuitState.HalfOpen => HalfOpenBreakerPenalty,
            _ => 0,
        };
        score -= anomaly == AnomalyState.Degraded ? AnomalyPenalty : 0;
        if (ewmaLatency is { } ewma && baselineLatency is > 0 and { } baseline)
        {
            score -= Math.Min(MaxLatencyPenalty, LatencyPenaltyPerBaseline * Math.Max(0, (ewma / baseline) - 1));
        }

        return (int)Math.Round(Math.Clamp(score, 0, 100), MidpointRounding.AwayFromZero);
    }

    internal static string StatusOf(int score) => score >= HealthyScore ? "healthy" : score >= DegradedScore ? "degraded" : "unhealthy";

    private ProviderStatisticsSnapshot Read(string provider, CircuitState? breaker)
    {
        int samples = 0;
        double errorRate = 0;
        double? p50 = null, p95 = null;
        if (_windows.TryGetValue(provider, out var window))
        {
            double[] sorted;
            lock (window)
            {
                samples = window.Count;
                errorRate = samples == 0 ? 0 : (double)window.FailureCount / samples;
                sorted = window.SortedLatencies();
            }

            if (sorted.Length > 0)
            {
                p50 = ProviderWindow.Percentile(sorted, 0.50);
                p95 = ProviderWindow.Percentile(sorted, 0.95);
            }
        }

        var reading = _detector.GetReading(provider);
        var anomaly = reading?.State ?? AnomalyState.Learning;
        double? baseline = reading is { State: not AnomalyState.Learning } ? reading.BaselineLatencyMilliseconds : null;
        int score = Score(errorRate, breaker, anomaly, reading?.EwmaLatencyMilliseconds, baseline);
        return new ProviderStatisticsSnapshot(
            provider,
            samples,
            p50,
            p95,
            reading?.EwmaLatencyMilliseconds,
            reading?.BaselineLatencyMilliseconds,
            errorRate,
            anomaly,
            reading?.Signal ?? AnomalySignal.None,
            breaker is { } state ? BreakerStates.ToName(state) : null,
            score,
            StatusOf(score));
    }
}
