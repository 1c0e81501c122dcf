using System.Net;
using Bulwark.Classification;

namespace Bulwark.Gateway.Forwarding;

/// <summary>
/// A transient upstream status (503, 429, ...) the gateway held back instead of forwarding, so that the attempt can be
/// retried or failed over. The provider answered, so the request reached it.
/// </summary>
internal sealed class UpstreamResponseException : HttpRequestException, IRetryAfterProvider, IRequestDeliveryInfo
{
    public UpstreamResponseException(int statusCode, TimeSpan? retryAfter)
        : base($"The provider answered {statusCode}.", null, (HttpStatusCode)statusCode)
    {
        RetryAfter = retryAfter;
    }

    public TimeSpan? RetryAfter { get; }

    public bool MayHaveReachedDependency => true;
}
