namespace Bulwark.Failover;

/// <summary>
/// What the failover callback is told about the attempt it is running.
/// </summary>
public readonly struct FailoverAttemptContext
{
    /// <summary>
    /// Initializes a new instance of the <see cref="FailoverAttemptContext"/> struct.
    /// </summary>
    /// <param name="provider">The name of the provider running the attempt.</param>
    /// <param name="providerIndex">The 0-based position of the provider in the chain.</param>
    /// <param name="attemptNumber">The 1-based number of the attempt within the provider.</param>
    /// <param name="cancellationToken">The token the callback must observe.</param>
    public FailoverAttemptContext(string provider, int providerIndex, int attemptNumber, CancellationToken cancellationToken)
    {
        Provider = provider;
        ProviderIndex = providerIndex;
        AttemptNumber = attemptNumber;
        CancellationToken = cancellationToken;
    }

    /// <summary>Gets the name of the provider running the attempt.</summary>
    public string Provider { get; }

    /// <summary>Gets the 0-based position of the provider in the chain.</summary>
    public int ProviderIndex { get; }

    /// <summary>Gets the 1-based number of the attempt within the provider (greater than 1 for retries).</summary>
    public int AttemptNumber { get; }

    /// <summary>
    /// Gets the token the callback must observe. It comes from the provider's pipeline, so it is cancelled both by the
    /// caller and by the pipeline's own strategies (such as a timeout).
    /// </summary>
    public CancellationToken CancellationToken { get; }
}
