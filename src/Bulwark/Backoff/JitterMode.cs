namespace Bulwark.Backoff;

/// <summary>
/// How randomness is applied to a backoff delay, as defined in the AWS Architecture Blog post
/// "Exponential Backoff And Jitter".
/// </summary>
/// <remarks>
/// In the formulas, <c>temp</c> is the un-jittered backoff delay already capped at the maximum delay,
/// <c>random(a, b)</c> is uniform in [a, b), <c>base</c> is the base delay and <c>cap</c> the maximum delay.
/// </remarks>
public enum JitterMode
{
    /// <summary>No jitter: the delay is <c>temp</c>.</summary>
    None,

    /// <summary>Full jitter: <c>random(0, min(cap, temp))</c>.</summary>
    Full,

    /// <summary>Equal jitter: <c>temp / 2 + random(0, temp / 2)</c>.</summary>
    Equal,

    /// <summary>
    /// Decorrelated jitter: <c>min(cap, random(base, previous * 3))</c>, where <c>previous</c> is the previous delay
    /// (the base delay for the first retry). The backoff type is not used in this mode.
    /// </summary>
    Decorrelated,
}
