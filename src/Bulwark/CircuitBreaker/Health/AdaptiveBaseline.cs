namespace Bulwark.CircuitBreaker.Health;

/// <summary>
/// The dependency's long-run failure rate: running sums of failures and calls, each decayed by
/// <c>exp(−elapsed / horizon)</c>, so that the baseline is a call-weighted exponential moving average.
/// Not thread-safe: the owner calls it under its lock.
/// </summary>
internal sealed class AdaptiveBaseline
{
    private readonly double _decayPerBucket;
    private double _failures;
    private double _calls;

    public AdaptiveBaseline(TimeSpan bucketDuration, TimeSpan horizon, double initialRate, double priorWeight)
    {
        _decayPerBucket = Math.Exp(-bucketDuration.TotalSeconds / horizon.TotalSeconds);
        _failures = initialRate * priorWeight;
        _calls = priorWeight;
    }

    public double Rate => _calls <= 0 ? 0 : _failures / _calls;

    public double Weight => _calls;

    /// <summary>Folds one completed bucket in, after decaying the history by <paramref name="bucketsElapsed"/> bucket lengths.</summary>
    public void Fold(WindowCounts bucket, long bucketsElapsed)
    {
        double decay = bucketsElapsed == 1 ? _decayPerBucket : Math.Pow(_decayPerBucket, Math.Max(1, bucketsElapsed));
        _failures = (_failures * decay) + bucket.Failures;
        _calls = (_calls * decay) + bucket.Calls;
    }

    public void Set(double rate, double weight)
    {
        _calls = Math.Max(0, weight);
        _failures = Math.Clamp(rate, 0, 1) * _calls;
    }
}
