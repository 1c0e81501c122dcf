namespace Bulwark.AspNetCore.Anomaly;

/// <summary>
/// An upper one-sided EWMA control chart with an adaptive baseline, for one series of one provider.
/// </summary>
/// <remarks>
/// <para>For each sample xₜ:</para>
/// <list type="bullet">
/// <item>Smoothed statistic: zₜ = zₜ₋₁ + λ(xₜ − zₜ₋₁), started at the baseline mean once the warm-up (the larger of
/// <see cref="AnomalyDetectorOptions.WarmupSamples"/> and 1/λ samples) is over, so that no early sample lingers in it.</item>
/// <item>Baseline (exponentially weighted mean and variance, West/Finch form) with weight αₜ = max(α, 1/t), so the first
/// samples give the plain mean and population variance and later ones forget at rate α:
/// δ = xₜ − μₜ₋₁; μₜ = μₜ₋₁ + αₜδ; σ²ₜ = (1 − αₜ)(σ²ₜ₋₁ + αₜδ²).</item>
/// <item>Upper control limit, from the baseline before xₜ: UCL = μ + L·σ·√(λ / (2 − λ)), the asymptotic standard deviation
/// of an EWMA of independent samples with standard deviation σ. σ is floored (see <see cref="AnomalyDetectorOptions"/>).</item>
/// <item>The sample breaches when t exceeds the warm-up and zₜ &gt; UCL. Breaching samples are kept out of the baseline
/// (statistical process control: an out-of-control point must not move the centre line towards itself).</item>
/// </list>
/// Only the upper limit matters: lower latency or fewer errors is never an anomaly.
/// </remarks>
internal sealed class EwmaControlChart
{
    private readonly double _lambda;
    private readonly double _alpha;
    private readonly double _limitFactor;
    private readonly int _warmup;
    private readonly double _relativeFloor;
    private readonly double? _minimumRate;

    private long _count;

    /// <param name="options">The detector's options (limit width, warm-up, floors).</param>
    /// <param name="lambda">λ, the weight of a sample in the smoothed statistic.</param>
    /// <param name="alpha">α, the weight of an in-control sample in the baseline.</param>
    /// <param name="minimumRate">For a 0/1 series, the smallest rate p whose Bernoulli deviation √(p(1−p)) floors σ; <see langword="null"/> for a continuous series floored relative to its mean.</param>
    public EwmaControlChart(AnomalyDetectorOptions options, double lambda, double alpha, double? minimumRate)
    {
        _lambda = lambda;
        _alpha = alpha;
        _limitFactor = options.ControlLimitSigmas * Math.Sqrt(_lambda / (2 - _lambda));
        _warmup = Math.Max(options.WarmupSamples, (int)Math.Ceiling(1 / lambda));
        _relativeFloor = options.MinimumRelativeDeviation;
        _minimumRate = minimumRate;
    }

    public long Count => _count;

    public bool WarmedUp => _count > _warmup;

    /// <summary>Gets zₜ, the smoothed statistic.</summary>
    public double Smoothed { get; private set; }

    /// <summary>Gets μ, the baseline mean.</summary>
    public double Mean { get; private set; }

    /// <summary>Gets σ², the baseline variance.</summary>
    public double Variance { get; private set; }

    /// <summary>Gets the current upper control limit.</summary>
    public double UpperLimit => Mean + (_limitFactor * Sigma);

    private double Sigma
    {
        get
        {
            double floor;
            if (_minimumRate is { } minimum)
            {
                double p = Math.Min(Math.Max(Mean, minimum), 0.5);
                floor = Math.Sqrt(p * (1 - p));
            }
            else
            {
                floor = _relativeFloor * Math.Abs(Mean);
            }

            return Math.Max(Math.Sqrt(Variance), floor);
        }
    }

    /// <summary>Adds a sample.</summary>
    /// <returns><see langword="true"/> if the smoothed statistic is above the upper control limit after the warm-up.</returns>
    public bool Observe(double value)
    {
        _count++;
        if (_count == 1)
        {
            Smoothed = value;
            Mean = value;
            Variance = 0;
            return false;
        }

        bool warm = _count > _warmup;
        if (warm)
        {
            Smoothed += _lambda * (value - Smoothed);
        }

        bool breach = warm && Smoothed > UpperLimit;
        if (!breach)
        {
            double weight = Math.Max(_alpha, 1.0 / _count);
            double delta = value - Mean;
            Mean += weight * delta;
            Variance = (1 - weight) * (Variance + (weight * delta * delta));
        }

        if (!warm)
        {
            Smoothed = Mean;
        }

        return breach;
    }

    /// <summary>
    /// Moves the baseline to the current level: μ := z, and σ scaled by z/μ (a constant coefficient of variation, which
    /// suits latency; a rate series is floored by its Bernoulli deviation anyway).
    /// </summary>
    public void Rebaseline()
    {
        double ratio = Mean > 0 ? Smoothed / Mean : 1;
        Variance *= ratio * ratio;
        Mean = Smoothed;
    }
}
