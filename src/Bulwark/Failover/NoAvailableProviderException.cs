using Polly;

namespace Bulwark.Failover;

/// <summary>
/// Returned (as the exception of an <see cref="Outcome{TResult}"/>) when every failover provider was skipped as
/// unavailable and no fallback is configured.
/// </summary>
public sealed class NoAvailableProviderException : ExecutionRejectedException
{
    /// <summary>
    /// Initializes a new instance of the <see cref="NoAvailableProviderException"/> class.
    /// </summary>
    public NoAvailableProviderException()
        : base("No failover provider was available: every provider was skipped.")
    {
    }

    /// <summary>
    /// Initializes a new instance of the <see cref="NoAvailableProviderException"/> class.
    /// </summary>
    /// <param name="message">The message that describes the error.</param>
    public NoAvailableProviderException(string message)
        : base(message)
    {
    }

    /// <summary>
    /// Initializes a new instance of the <see cref="NoAvailableProviderException"/> class.
    /// </summary>
    /// <param name="message">The message that describes the error.</param>
    /// <param name="inner">The inner exception.</param>
    public NoAvailableProviderException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
