namespace Bulwark.CircuitBreaker.Health;

/// <summary>
/// The dependency's long-run failure rate, and the adaptive threshold derived from it. Not thread-safe: the owner calls
/// it under its lock, once per completed bucket.
/// </summary>
/// <remarks>
/// <para>The history is a call-weighted exponential moving average: running sums of (winsorized) failures and calls,
/// each decayed by <c>exp(−elapsed / horizon)</c>.</para>
/// <para>The initial rate is mixed in by time, not by calls, so its strength does not depend on the traffic rate: it
/// counts as <c>P</c> seconds of the dependency's own traffic, against the <c>E</c> seconds of traffic seen. Every
/// bucket that held calls decays both by <c>d = exp(−bucket / horizon)</c> and adds <c>horizon · (1 − d)</c> to
/// <c>E</c>, so after <c>t</c> seconds of traffic <c>P = W·e^(−t/H)</c> and <c>E = H·(1 − e^(−t/H))</c>. Idle time
/// moves neither (no evidence arrived), so a breaker that waits an hour for its first call still starts from the prior.
/// The rate is <c>(initial · P + learned · E) / (P + E)</c>.</para>
/// </remarks>
internal sealed class AdaptiveBaseline
{
    private readonly double _decayPerBucket;
    private readonly double _observedPerBucket;
    private readonly double _horizonSeconds;
    private readonly double _initialRate;
    private readonly double _initialWeightSeconds;
    private readonly double _thresholdMultiplier;
    private readonly double _minThreshold;
    private readonly double _maxThreshold;
    private double _failures;
    private double _calls;
    private double _priorSeconds;
    private double _observedSeconds;

    public AdaptiveBaseline(
        TimeSpan bucketDuration,
        TimeSpan horizon,
        double initialRate,
        TimeSpan initialWeight,
        double thresholdMultiplier,
        double minThreshold,
        double maxThreshold)
    {
        _horizonSeconds = horizon.TotalSeconds;
        _decayPerBucket = Math.Exp(-bucketDuration.TotalSeconds / _horizonSeconds);
        _observedPerBucket = _horizonSeconds * (1 - _decayPerBucket);
        _initialRate = initialRate;
        _initialWeightSeconds = Math.Max(0, initialWeight.TotalSeconds);
        _thresholdMultiplier = thresholdMultiplier;
        _minThreshold = minThreshold;
        _maxThreshold = maxThreshold;
        Reset();
    }

    /// <summary>The baseline failure rate: the initial rate and the learned one, mixed by their weights in time.</summary>
    public double Rate
    {
        get
        {
            if (_calls <= 0)
            {
                return _initialRate;
            }

            double learned = _failures / _calls;
            double total = _priorSeconds + _observedSeconds;
            double rate = total > 0 ? ((_initialRate * _priorSeconds) + (learned * _observedSeconds)) / total : learned;
            return Math.Clamp(rate, 0, 1);
        }
    }

    /// <summary>The adaptive threshold: <c>clamp(Rate · multiplier, min, max)</c>.</summary>
    public double Threshold => Math.Clamp(Rate * _thresholdMultiplier, _minThreshold, _maxThreshold);

    /// <summary>
    /// How many calls the baseline rests on, the prior's remaining weight counted at the dependency's observed call rate;
    /// 0 before any traffic.
    /// </summary>
    public double Weight => _calls <= 0 ? 0 : _observedSeconds > 0 ? _calls + (_priorSeconds * _calls / _observedSeconds) : _calls;

    /// <summary>The share of the baseline the initial rate still holds, from 1 (no traffic yet) towards 0.</summary>
    public double PriorShare
    {
        get
        {
            double total = _priorSeconds + _observedSeconds;
            return total > 0 ? _priorSeconds / total : 0;
        }
    }

    /// <summary>
    /// Folds one completed bucket in, after decaying the history by <paramref name="bucketsElapsed"/> bucket lengths.
    /// The bucket's failures count at most at the current threshold (winsorized), so an outage the window has not yet
    /// judged cannot teach the baseline that failing is normal, while a genuinely higher normal rate is still learned,
    /// one threshold step at a time.
    /// </summary>
    public void Fold(WindowCounts bucket, long bucketsElapsed)
    {
        long cap = (long)Math.Ceiling(Threshold * bucket.Calls);
        long failures = Math.Min(bucket.Failures, cap);
        double decay = bucketsElapsed == 1 ? _decayPerBucket : Math.Pow(_decayPerBucket, Math.Max(1, bucketsElapsed));
        _failures = (_failures * decay) + failures;
        _calls = (_calls * decay) + bucket.Calls;
        if (bucket.Calls > 0)
        {
            _priorSeconds *= _decayPerBucket;
            _observedSeconds = (_observedSeconds * _decayPerBucket) + _observedPerBucket;
        }
    }

    /// <summary>Back to the configured initial rate at its full weight, with no history.</summary>
    public void Reset()
    {
        _failures = 0;
        _calls = 0;
        _priorSeconds = _initialWeightSeconds;
        _observedSeconds = 0;
    }

    /// <summary>
    /// Takes a restored baseline as the history, the prior's share already in it (<see cref="Weight"/> counts it);
    /// a weight of 0 (a snapshot taken before any traffic) restores the configured prior instead.
    /// </summary>
    public void Set(double rate, double weight)
    {
        if (!(weight > 0))
        {
            Reset();
            return;
        }

        _calls = weight;
        _failures = Math.Clamp(rate, 0, 1) * weight;
        _priorSeconds = 0;
        _observedSeconds = _horizonSeconds;
    }
}
