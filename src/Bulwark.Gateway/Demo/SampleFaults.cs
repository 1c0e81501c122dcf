namespace Bulwark.Gateway.Demo;

/// <summary>
/// The three ways the demo's providers misbehave. Each decides from the provider's own request number (or the run's
/// progress), never from a random source, so every run of the demo meets the same failures.
/// </summary>
internal static class SampleFaults
{
    /// <summary>About 15% of requests fail: two thirds of them with 503, one third with a reset connection.</summary>
    public static Func<long, SampleFault> Flaky() => static n => Roll(0x5eed_f1a4, n) switch
    {
        < 0.10 => SampleFault.ServiceUnavailable,
        < 0.15 => SampleFault.Reset,
        _ => SampleFault.None,
    };

    /// <summary>A quota that runs out now and then: 10 requests in every 100 get 429 with Retry-After.</summary>
    public static Func<long, SampleFault> Throttled() => static n => n % 100 is >= 40 and < 50 ? SampleFault.TooManyRequests : SampleFault.None;

    /// <summary>Healthy, except while the run is between <paramref name="start"/> and <paramref name="end"/> of its requests: then down.</summary>
    public static Func<long, SampleFault> Outage(WorkloadProgress progress, double start, double end) =>
        _ => progress.Fraction is var f && f >= start && f < end ? SampleFault.Down : SampleFault.None;

    /// <summary>A number in [0, 1) that depends only on <paramref name="seed"/> and <paramref name="n"/> (SplitMix64).</summary>
    public static double Roll(ulong seed, long n)
    {
        ulong x = seed + ((ulong)n * 0x9E3779B97F4A7C15UL);
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        x ^= x >> 31;
        return (x >> 11) * (1.0 / (1UL << 53));
    }
}
