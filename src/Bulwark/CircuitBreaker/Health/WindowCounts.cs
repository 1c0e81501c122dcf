namespace Bulwark.CircuitBreaker.Health;

/// <summary>Calls and failures seen in a window.</summary>
internal readonly record struct WindowCounts(long Calls, long Failures)
{
    public double FailureRate => Calls == 0 ? 0 : (double)Failures / Calls;
}
