using Bulwark.Classification;

namespace Bulwark.Gateway.Requests;

/// <summary>
/// The spool could not keep the request's body: its cap (<c>Bulwark:Spool:MaxBytes</c>) or its disk is full. Answered
/// 507 Insufficient Storage; not the provider's failure, so never counted by a breaker nor retried.
/// </summary>
internal sealed class SpoolFullException(string message, Exception? inner = null) : Exception(message, inner), IRequestDeliveryInfo
{
    public bool MayHaveReachedDependency => true;

    public bool ProvedNotProcessed => false;
}
