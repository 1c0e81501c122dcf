namespace Bulwark.AspNetCore.Tests.Anomaly;

/// <summary>Seeded synthetic attempt series: log-normal latency and Bernoulli errors.</summary>
internal sealed class SyntheticSeries(int seed)
{
    private readonly Random _random = new(seed);

    /// <summary>A log-normal latency with the given median and log-space deviation (0.5 gives a coefficient of variation of about 53%).</summary>
    public TimeSpan Latency(double medianMs, double logSigma = 0.5) =>
        TimeSpan.FromMilliseconds(medianMs * Math.Exp(logSigma * Gaussian()));

    public bool Success(double errorRate) => _random.NextDouble() >= errorRate;

    private double Gaussian()
    {
        // Box–Muller.
        double u1 = 1.0 - _random.NextDouble();
        double u2 = _random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
