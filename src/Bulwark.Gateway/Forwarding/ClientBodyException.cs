using Bulwark.Classification;

namespace Bulwark.Gateway.Forwarding;

/// <summary>The client's own streamed request body failed mid-way: not transient, not the provider's fault.</summary>
internal sealed class ClientBodyException(Exception? inner)
    : Exception("The client's request body could not be read to the end.", inner), IRequestDeliveryInfo
{
    public bool MayHaveReachedDependency => true;

    public bool ProvedNotProcessed => false;

    /// <summary>Gets the status the client is told: Kestrel's own (413 for a body over the limit) when it gave one, else 400.</summary>
    public int StatusCode { get; } = StatusOf(inner);

    private static int StatusOf(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is BadHttpRequestException bad)
            {
                return bad.StatusCode;
            }
        }

        return StatusCodes.Status400BadRequest;
    }
}
