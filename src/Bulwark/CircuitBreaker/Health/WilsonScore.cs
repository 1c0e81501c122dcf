namespace Bulwark.CircuitBreaker.Health;

/// <summary>Wilson score interval of a binomial proportion.</summary>
internal static class WilsonScore
{
    /// <summary>
    /// The lower bound of the Wilson score interval of <paramref name="failures"/> out of <paramref name="total"/> at
    /// confidence factor <paramref name="z"/>: the smallest true rate consistent with the observation.
    /// </summary>
    public static double LowerBound(long failures, long total, double z)
    {
        if (total <= 0)
        {
            return 0;
        }

        double n = total;
        double p = failures / n;
        double z2 = z * z;
        double center = p + (z2 / (2 * n));
        double margin = z * Math.Sqrt((p * (1 - p) / n) + (z2 / (4 * n * n)));
        double lower = (center - margin) / (1 + (z2 / n));
        return Math.Max(0, lower);
    }
}
