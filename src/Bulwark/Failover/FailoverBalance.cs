namespace Bulwark.Failover;

/// <summary>
/// How a <see cref="FailoverExecutor{TResult}"/> orders its providers for each execution. The order only decides which
/// provider is tried first and which next: failover, skipping of unavailable providers and the panic threshold apply to
/// whatever order it gives.
/// </summary>
public enum FailoverBalance
{
    /// <summary>The providers in their configured order, every time (the default).</summary>
    Ordered = 0,

    /// <summary>A rotating start: execution <c>k</c> starts at provider <c>k mod n</c>, the rest following in configured order from there.</summary>
    RoundRobin = 1,

    /// <summary>The providers by fewest calls in flight through this executor, ties in configured order.</summary>
    LeastBusy = 2,

    /// <summary>Two distinct providers drawn at random, the one with fewer calls in flight first (the first drawn on a tie), the rest in configured order.</summary>
    PowerOfTwo = 3,

    /// <summary>
    /// Thompson sampling over each provider's recent success and latency (<see cref="FailoverBanditOptions"/>): the
    /// providers by sampled score, highest first.
    /// </summary>
    Bandit = 4,
}
