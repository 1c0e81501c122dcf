namespace Bulwark.Failover.Execution;

/// <summary>Draws from Beta and Gamma distributions with a given random source (Marsaglia and Tsang's method).</summary>
internal static class BetaSampler
{
    /// <summary>Draws from <c>Beta(alpha, beta)</c>; both parameters positive.</summary>
    public static double Sample(Random random, double alpha, double beta)
    {
        var x = Gamma(random, alpha);
        var y = Gamma(random, beta);
        var sum = x + y;
        return sum > 0 ? x / sum : 0.5;
    }

    /// <summary>Draws from <c>Gamma(shape, 1)</c>; shape positive.</summary>
    public static double Gamma(Random random, double shape)
    {
        if (shape < 1)
        {
            // Gamma(a) = Gamma(a + 1) · U^(1/a).
            return Gamma(random, shape + 1) * Math.Pow(1 - random.NextDouble(), 1 / shape);
        }

        var d = shape - (1.0 / 3);
        var c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double x, v;
            do
            {
                x = Normal(random);
                v = 1 + (c * x);
            }
            while (v <= 0);

            v = v * v * v;
            var u = 1 - random.NextDouble();
            if (Math.Log(u) < (0.5 * x * x) + (d * (1 - v + Math.Log(v))))
            {
                return d * v;
            }
        }
    }

    private static double Normal(Random random)
    {
        // Box–Muller; one of the pair is enough.
        var u1 = 1 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
