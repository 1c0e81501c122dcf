using Bulwark.Classification;

namespace Bulwark.Gateway.Forwarding;

/// <summary>The client's own streamed request body failed mid-way: not transient, not the provider's fault.</summary>
internal sealed class ClientBodyException(Exception? inner)
    : Exception("The client's request body could not be read to the end.", inner), IRequestDeliveryInfo
{
    public bool MayHaveReachedDependency => true;
}
