using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Bulwark.Statistics;

namespace Bulwark.AspNetCore.Anomaly;

/// <summary>
/// Statistical process control per provider: an EWMA control chart on attempt latency and one on the error indicator
/// (1 for a failed attempt, 0 for a success), each judged against its upper limit mean + 3σ.
/// </summary>
/// <remarks>
/// <para>For each chart (λ and α per series, L = <see cref="AnomalyDetectorOptions.ControlLimitSigmas"/>):</para>
/// <list type="bullet">
/// <item>smoothed statistic zₜ = zₜ₋₁ + λ(xₜ − zₜ₋₁);</item>
/// <item>baseline mean and variance, exponentially weighted with αₜ = max(α, 1/t): δ = xₜ − μ; μ += αₜδ; σ² = (1 − αₜ)(σ² + αₜδ²);
/// samples that breach are kept out of the baseline;</item>
/// <item>upper control limit UCL = μ + L·σ·√(λ/(2 − λ)), with σ floored at <see cref="AnomalyDetectorOptions.MinimumRelativeDeviation"/>·μ
/// for latency and at √(p(1 − p)), p = max(μ, <see cref="AnomalyDetectorOptions.MinimumErrorRate"/>), for the error rate.</item>
/// </list>
/// <para>A chart breaches when its zₜ &gt; UCL after the warm-up. <see cref="AnomalyDetectorOptions.LatencyConsecutiveBreaches"/>
/// latency breaches in a row, or <see cref="AnomalyDetectorOptions.ErrorRateConsecutiveBreaches"/> error-rate breaches in a row, mark the provider
/// <see cref="AnomalyState.Degraded"/>; <see cref="AnomalyDetectorOptions.RecoverySamples"/> clean samples in a row mark it
/// <see cref="AnomalyState.Normal"/> again; after <see cref="AnomalyDetectorOptions.RebaselineAfter"/> breaching samples in a row
/// the breaching chart's baseline moves to the new level. Each change raises <see cref="StateChanged"/> and is logged.</para>
/// <para>Thread-safe: each provider has its own lock; events are raised outside it.</para>
/// </remarks>
public sealed partial class AnomalyDetector
{
    private readonly ConcurrentDictionary<string, ProviderCharts> _providers = new(StringComparer.Ordinal);
    private readonly AnomalyDetectorOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    /// <summary>Initializes a new instance of the <see cref="AnomalyDetector"/> class.</summary>
    /// <param name="options">The options; defaults when <see langword="null"/>. They are read once, here.</param>
    /// <param name="timeProvider">Stamps the changes; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="logger">Logs each change; nothing is logged when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public AnomalyDetector(AnomalyDetectorOptions? options = null, TimeProvider? timeProvider = null, ILogger<AnomalyDetector>? logger = null)
    {
        _options = options ?? new AnomalyDetectorOptions();
        var validation = new AnomalyDetectorOptionsValidator().Validate(null, _options);
        if (validation.Failed)
        {
            throw new ArgumentException(validation.FailureMessage, nameof(options));
        }

        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Raised when a provider enters or leaves <see cref="AnomalyState.Degraded"/>, on the thread that observed the sample.</summary>
    public event EventHandler<ProviderAnomalyChange>? StateChanged;

    /// <summary>Adds one attempt's outcome to the provider's charts.</summary>
    /// <param name="provider">The provider's name.</param>
    /// <param name="latency">How long the attempt took.</param>
    /// <param name="success">Whether it succeeded.</param>
    /// <returns>The provider's state after the sample.</returns>
    public AnomalyState Observe(string provider, TimeSpan latency, bool success)
    {
        ArgumentNullException.ThrowIfNull(provider);
        var charts = _providers.GetOrAdd(provider, static (_, options) => new ProviderCharts(options), _options);
        ProviderAnomalyChange? change;
        AnomalyState state;
        lock (charts)
        {
            change = charts.Observe(latency.TotalMilliseconds, success ? 0 : 1, _options, out bool rebaselined);
            state = charts.State;
            if (rebaselined)
            {
                Log.Rebaselined(_logger, provider, charts.Latency.Mean, charts.Errors.Mean);
            }
        }

        if (change is not null)
        {
            Raise(change with { Provider = provider, Timestamp = _timeProvider.GetUtcNow() });
        }

        return state;
    }

    /// <summary>Reads a provider's charts.</summary>
    /// <param name="provider">The provider's name.</param>
    /// <returns>The reading, or <see langword="null"/> if the provider has no samples.</returns>
    public ProviderAnomalyReading? GetReading(string provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        if (!_providers.TryGetValue(provider, out var charts))
        {
            return null;
        }

        lock (charts)
        {
            return new ProviderAnomalyReading(
                charts.State,
                charts.Signal,
                charts.Latency.Count,
                charts.Latency.Smoothed,
                charts.Latency.Mean,
                charts.Latency.UpperLimit,
                charts.Errors.Smoothed,
                charts.Errors.Mean,
                charts.Errors.UpperLimit);
        }
    }

    /// <summary>Gets a provider's state.</summary>
    /// <param name="provider">The provider's name.</param>
    /// <returns>The state; <see cref="AnomalyState.Learning"/> for an unknown provider.</returns>
    public AnomalyState GetState(string provider) => GetReading(provider)?.State ?? AnomalyState.Learning;

    /// <summary>Forgets a provider's charts (the application no longer has that provider).</summary>
    internal void Forget(string provider) => _providers.TryRemove(provider, out _);

    private void Raise(ProviderAnomalyChange change)
    {
        if (change.State == AnomalyState.Degraded)
        {
            Log.Degraded(_logger, change.Provider, change.Signal, change.Value, change.UpperControlLimit);
        }
        else
        {
            Log.Recovered(_logger, change.Provider);
        }

        StateChanged?.Invoke(this, change);
    }

    private sealed class ProviderCharts(AnomalyDetectorOptions options)
    {
        private int _latencyBreaches;
        private int _errorBreaches;
        private int _clean;

        public EwmaControlChart Latency { get; } = new(options.LatencySmoothingFactor, options.LatencyBaselineSmoothingFactor, options.ControlLimitSigmas, options.WarmupSamples, options.MinimumRelativeDeviation, minimumRate: null);

        public EwmaControlChart Errors { get; } = new(options.ErrorRateSmoothingFactor, options.ErrorRateBaselineSmoothingFactor, options.ControlLimitSigmas, options.WarmupSamples, options.MinimumRelativeDeviation, options.MinimumErrorRate);

        public AnomalyState State { get; private set; } = AnomalyState.Learning;

        public AnomalySignal Signal { get; private set; }

        /// <returns>The change, without provider and timestamp, or <see langword="null"/>.</returns>
        public ProviderAnomalyChange? Observe(double latencyMs, double error, AnomalyDetectorOptions options, out bool rebaselined)
        {
            rebaselined = false;
            bool latencyBreach = Latency.Observe(latencyMs);
            bool errorBreach = Errors.Observe(error);
            if (State == AnomalyState.Learning)
            {
                if (!Latency.WarmedUp || !Errors.WarmedUp)
                {
                    return null;
                }

                State = AnomalyState.Normal;
            }

            _latencyBreaches = latencyBreach ? _latencyBreaches + 1 : 0;
            _errorBreaches = errorBreach ? _errorBreaches + 1 : 0;
            if (!latencyBreach && !errorBreach)
            {
                if (State == AnomalyState.Degraded && ++_clean >= options.RecoverySamples)
                {
                    State = AnomalyState.Normal;
                    Signal = AnomalySignal.None;
                    return new ProviderAnomalyChange(string.Empty, AnomalyState.Normal, AnomalySignal.None, 0, 0, default);
                }

                return null;
            }

            _clean = 0;
            if (State != AnomalyState.Degraded)
            {
                var signal = _errorBreaches >= options.ErrorRateConsecutiveBreaches ? AnomalySignal.ErrorRate
                    : _latencyBreaches >= options.LatencyConsecutiveBreaches ? AnomalySignal.Latency
                    : AnomalySignal.None;
                if (signal == AnomalySignal.None)
                {
                    return null;
                }

                State = AnomalyState.Degraded;
                Signal = signal;
                var chart = signal == AnomalySignal.ErrorRate ? Errors : Latency;
                return new ProviderAnomalyChange(string.Empty, AnomalyState.Degraded, signal, chart.Smoothed, chart.UpperLimit, default);
            }

            // A lasting shift becomes the new normal, so that the provider recovers instead of staying flagged forever.
            if (_latencyBreaches >= options.RebaselineAfter)
            {
                Latency.Rebaseline();
                _latencyBreaches = 0;
                rebaselined = true;
            }

            if (_errorBreaches >= options.RebaselineAfter)
            {
                Errors.Rebaseline();
                _errorBreaches = 0;
                rebaselined = true;
            }

            return null;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.ProviderDegraded, Level = LogLevel.Warning, Message = "Provider {Provider} is degraded: its smoothed {Signal} {Value:0.###} stayed above the control limit {Limit:0.###}")]
        public static partial void Degraded(ILogger logger, string provider, AnomalySignal signal, double value, double limit);

        [LoggerMessage(EventId = EventIds.ProviderRecovered, Level = LogLevel.Information, Message = "Provider {Provider} is back within its control limits")]
        public static partial void Recovered(ILogger logger, string provider);

        [LoggerMessage(EventId = EventIds.ProviderRebaselined, Level = LogLevel.Information, Message = "Provider {Provider} stayed out of control: its baseline moved to latency {LatencyMs:0.###} ms, error rate {ErrorRate:0.###}")]
        public static partial void Rebaselined(ILogger logger, string provider, double latencyMs, double errorRate);
    }
}
