namespace Bulwark.Backoff;

/// <summary>
/// How the un-jittered delay grows with the retry attempt number.
/// </summary>
/// <remarks>
/// Attempt numbers start at 0 for the first retry. Every type is capped at the maximum delay.
/// </remarks>
public enum BackoffType
{
    /// <summary>Every attempt waits the base delay.</summary>
    Constant,

    /// <summary>Attempt <c>n</c> waits <c>base * (n + 1)</c>.</summary>
    Linear,

    /// <summary>Attempt <c>n</c> waits <c>base * factor^n</c>.</summary>
    Exponential,

    /// <summary>Attempt <c>n</c> waits <c>base * F(n + 1)</c>, where F is the Fibonacci sequence 1, 1, 2, 3, 5, 8, ...</summary>
    Fibonacci,
}
