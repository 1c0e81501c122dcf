namespace Bulwark.Classification;

/// <summary>
/// Implemented by an exception that knows whether the failed request reached the dependency, so that
/// <see cref="RequestDelivery"/> need not guess.
/// </summary>
public interface IRequestDeliveryInfo
{
    /// <summary>Gets a value indicating whether the request may have reached the dependency (some of it was sent).</summary>
    bool MayHaveReachedDependency { get; }
}
