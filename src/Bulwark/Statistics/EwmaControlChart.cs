namespace Bulwark.Statistics;

/// <summary>
/// An upper one-sided EWMA control chart with an adaptive baseline, for one series (a provider's latency or error rate, the
/// gateway's error rate per evaluation): says when the smoothed series rises above what its own history makes normal.
/// </summary>
/// <remarks>
/// <para>For each sample xₜ:</para>
/// <list type="bullet">
/// <item>Smoothed statistic: zₜ = zₜ₋₁ + λ(xₜ − zₜ₋₁), started at the baseline mean once the warm-up (the larger of the
/// warm-up samples and 1/λ samples) is over, so that no early sample lingers in it.</item>
/// <item>Baseline (exponentially weighted mean and variance, West/Finch form) with weight αₜ = max(α, 1/t), so the first
/// samples give the plain mean and population variance and later ones forget at rate α:
/// δ = xₜ − μₜ₋₁; μₜ = μₜ₋₁ + αₜδ; σ²ₜ = (1 − αₜ)(σ²ₜ₋₁ + αₜδ²).</item>
/// <item>Upper control limit, from the baseline before xₜ: UCL = μ + L·σ·√(λ / (2 − λ)), the asymptotic standard deviation
/// of an EWMA of independent samples with standard deviation σ. σ is floored: by √(p(1−p)) with p the mean bounded to
/// [minimum rate, 0.5] for a 0/1 series, else by the minimum relative deviation times |μ|.</item>
/// <item>The sample breaches when t exceeds the warm-up and zₜ &gt; UCL. Breaching samples are kept out of the baseline
/// (statistical process control: an out-of-control point must not move the centre line towards itself).</item>
/// </list>
/// Only the upper limit matters: lower latency or fewer errors is never an anomaly. Not thread-safe: one owner feeds it.
/// </remarks>
public sealed class EwmaControlChart
{
    private readonly double _lambda;
    private readonly double _alpha;
    private readonly double _limitFactor;
    private readonly int _warmup;
    private readonly double _relativeFloor;
    private readonly double? _minimumRate;

    /// <summary>Initializes a new instance of the <see cref="EwmaControlChart"/> class.</summary>
    /// <param name="smoothingFactor">λ, the weight of a sample in the smoothed statistic; in (0, 1].</param>
    /// <param name="baselineSmoothingFactor">α, the weight of an in-control sample in the baseline; in (0, 1], well below λ.</param>
    /// <param name="controlLimitSigmas">L, the width of the control limit in standard deviations of the smoothed statistic; above 0.</param>
    /// <param name="warmupSamples">Samples that only build the baseline; the warm-up is the larger of this and 1/λ. At least 1.</param>
    /// <param name="minimumRelativeDeviation">For a continuous series, the floor of σ as a share of |μ|; 0 or more.</param>
    /// <param name="minimumRate">For a 0/1 series, the smallest rate p whose Bernoulli deviation √(p(1−p)) floors σ; <see langword="null"/> for a continuous series floored relative to its mean.</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of its range.</exception>
    public EwmaControlChart(double smoothingFactor, double baselineSmoothingFactor, double controlLimitSigmas, int warmupSamples, double minimumRelativeDeviation, double? minimumRate)
    {
        // Written so that NaN fails.
        if (!(smoothingFactor > 0 && smoothingFactor <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(smoothingFactor), smoothingFactor, "Must be in (0, 1].");
        }

        if (!(baselineSmoothingFactor > 0 && baselineSmoothingFactor <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(baselineSmoothingFactor), baselineSmoothingFactor, "Must be in (0, 1].");
        }

        if (!(controlLimitSigmas > 0) || double.IsInfinity(controlLimitSigmas))
        {
            throw new ArgumentOutOfRangeException(nameof(controlLimitSigmas), controlLimitSigmas, "Must be above 0 and finite.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(warmupSamples, 1);
        if (!(minimumRelativeDeviation >= 0) || double.IsInfinity(minimumRelativeDeviation))
        {
            throw new ArgumentOutOfRangeException(nameof(minimumRelativeDeviation), minimumRelativeDeviation, "Must be 0 or more and finite.");
        }

        if (minimumRate is { } rate && !(rate >= 0 && rate <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(minimumRate), rate, "Must be in [0, 1].");
        }

        _lambda = smoothingFactor;
        _alpha = baselineSmoothingFactor;
        _limitFactor = controlLimitSigmas * Math.Sqrt(_lambda / (2 - _lambda));
        _warmup = Math.Max(warmupSamples, (int)Math.Ceiling(1 / smoothingFactor));
        _relativeFloor = minimumRelativeDeviation;
        _minimumRate = minimumRate;
    }

    /// <summary>Gets how many samples were observed.</summary>
    public long Count { get; private set; }

    /// <summary>Gets a value indicating whether the warm-up is over: from here on a sample can breach.</summary>
    public bool WarmedUp => Count > _warmup;

    /// <summary>Gets zₜ, the smoothed statistic.</summary>
    public double Smoothed { get; private set; }

    /// <summary>Gets μ, the baseline mean.</summary>
    public double Mean { get; private set; }

    /// <summary>Gets σ², the baseline variance (before its floor).</summary>
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
    /// <param name="value">The sample; a value that is not finite is ignored (no breach).</param>
    /// <returns><see langword="true"/> if the smoothed statistic is above the upper control limit after the warm-up.</returns>
    public bool Observe(double value)
    {
        if (!double.IsFinite(value))
        {
            return false;
        }

        Count++;
        if (Count == 1)
        {
            Smoothed = value;
            Mean = value;
            Variance = 0;
            return false;
        }

        bool warm = Count > _warmup;
        if (warm)
        {
            Smoothed += _lambda * (value - Smoothed);
        }

        bool breach = warm && Smoothed > UpperLimit;
        if (!breach)
        {
            double weight = Math.Max(_alpha, 1.0 / Count);
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
