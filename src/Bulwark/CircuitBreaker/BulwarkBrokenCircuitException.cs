using Polly.CircuitBreaker;

namespace Bulwark.CircuitBreaker;

/// <summary>
/// The rejection a Bulwark circuit breaker returns, as the exception of an outcome, while it is open or while its half-open
/// probe slots are taken. It derives from Polly's <see cref="BrokenCircuitException"/>, so Polly predicates and fallbacks
/// that handle broken circuits handle it too.
/// </summary>
public sealed class BulwarkBrokenCircuitException : BrokenCircuitException
{
    private const string OpenMessage = "The circuit is open; calls are not sent until it half-opens.";
    private const string HalfOpenMessage = "The circuit is half-open and its probe calls are in flight.";

    /// <summary>Initializes a new instance of the <see cref="BulwarkBrokenCircuitException"/> class.</summary>
    public BulwarkBrokenCircuitException()
        : base(OpenMessage)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="BulwarkBrokenCircuitException"/> class.</summary>
    /// <param name="message">The message.</param>
    public BulwarkBrokenCircuitException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="BulwarkBrokenCircuitException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The inner exception.</param>
    public BulwarkBrokenCircuitException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    private BulwarkBrokenCircuitException(string message, CircuitState state, TimeSpan retryAfter)
        : base(message, retryAfter)
    {
        State = state;
    }

    /// <summary>Gets the breaker's state when the call was rejected: <see cref="CircuitState.Open"/> or <see cref="CircuitState.HalfOpen"/>.</summary>
    public CircuitState State { get; } = CircuitState.Open;

    internal static BulwarkBrokenCircuitException Open(TimeSpan retryAfter) => new(OpenMessage, CircuitState.Open, retryAfter);

    internal static BulwarkBrokenCircuitException HalfOpen(TimeSpan retryAfter) => new(HalfOpenMessage, CircuitState.HalfOpen, retryAfter);
}
