using System.Net;
using Bulwark.Classification;

namespace Bulwark.Gateway.Forwarding;

/// <summary>
/// A transient upstream status (503, 429, ...) the gateway held back instead of forwarding, so that the attempt can be
/// retried or failed over. The provider answered, so the request reached it; a refusal (429, or a status the route lists
/// with Retry-After) proves it did not process it.
/// </summary>
internal sealed class UpstreamResponseException : HttpRequestException, IRetryAfterProvider, IRequestDeliveryInfo
{
    public UpstreamResponseException(int statusCode, TimeSpan? retryAfter, bool provedNotProcessed)
        : base($"The provider answered {statusCode}.", null, (HttpStatusCode)statusCode)
    {
        RetryAfter = retryAfter;
        ProvedNotProcessed = provedNotProcessed;
    }

    public TimeSpan? RetryAfter { get; }

    public bool MayHaveReachedDependency => true;

    public bool ProvedNotProcessed { get; }
}
