using Polly.CircuitBreaker;

namespace Bulwark.AspNetCore.ProviderHealth;

/// <summary>How a breaker's state is reported: a gauge value and a name.</summary>
internal static class BreakerStates
{
    /// <summary>0 closed, 1 half-open, 2 open, 3 isolated: higher is worse, so alerts can use a threshold.</summary>
    public static int ToGaugeValue(CircuitState state) => state switch
    {
        CircuitState.Closed => 0,
        CircuitState.HalfOpen => 1,
        CircuitState.Open => 2,
        _ => 3,
    };

    public static string ToName(CircuitState state) => state switch
    {
        CircuitState.Closed => "closed",
        CircuitState.HalfOpen => "half_open",
        CircuitState.Open => "open",
        _ => "isolated",
    };
}
