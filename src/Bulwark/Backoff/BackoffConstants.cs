namespace Bulwark.Backoff;

/// <summary>
/// Default values shared by the backoff calculator and the strategies that use it.
/// </summary>
internal static class BackoffConstants
{
    /// <summary>The default growth factor of <see cref="BackoffType.Exponential"/>: 2.0.</summary>
    public const double DefaultExponentialFactor = 2.0;

    /// <summary>The smallest allowed exponential factor: 1.0.</summary>
    public const double MinExponentialFactor = 1.0;

    /// <summary>The largest allowed exponential factor: 10.0.</summary>
    public const double MaxExponentialFactor = 10.0;

    /// <summary>
    /// Gets the default random source: <see cref="Random.Shared"/>, returning values in [0, 1).
    /// </summary>
    public static Func<double> DefaultRandomSource { get; } = static () => Random.Shared.NextDouble();
}
