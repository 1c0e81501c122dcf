namespace Bulwark.Classification;

/// <summary>
/// Implemented by an exception that knows whether the failed request reached the dependency, and whether the dependency
/// processed it, so that <see cref="RequestDelivery"/> need not guess.
/// </summary>
public interface IRequestDeliveryInfo
{
    /// <summary>Gets a value indicating whether the request may have reached the dependency (some of it was sent).</summary>
    bool MayHaveReachedDependency { get; }

    /// <summary>
    /// Gets a value indicating whether the dependency's answer proves it did not process the request although it reached
    /// it: it refused the request (429 Too Many Requests; 503 Service Unavailable with Retry-After), so sending it again
    /// cannot do its work twice.
    /// </summary>
    bool ProvedNotProcessed { get; }
}
