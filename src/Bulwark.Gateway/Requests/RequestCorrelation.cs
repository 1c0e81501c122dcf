using Bulwark.AspNetCore.Correlation;

namespace Bulwark.Gateway.Requests;

/// <summary>The correlation id every answer of the gateway carries.</summary>
internal static class RequestCorrelation
{
    /// <summary>
    /// The id the correlation middleware chose. A request that bypassed it (none does in the gateway's pipeline, where it
    /// comes first) gets a new one: the client's header is not taken unscanned.
    /// </summary>
    public static string IdOf(HttpRequest request)
    {
        if (BulwarkCorrelation.Get(request.HttpContext) is { } chosen)
        {
            return chosen;
        }

        return Guid.NewGuid().ToString("N");
    }
}
