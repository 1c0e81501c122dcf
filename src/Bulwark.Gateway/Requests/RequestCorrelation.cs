using Bulwark.AspNetCore.Correlation;

namespace Bulwark.Gateway.Requests;

/// <summary>The correlation id every answer of the gateway carries.</summary>
internal static class RequestCorrelation
{
    /// <summary>The id the correlation middleware chose; a request that bypassed it gets one by the same rules.</summary>
    public static string IdOf(HttpRequest request)
    {
        if (BulwarkCorrelation.Get(request.HttpContext) is { } chosen)
        {
            return chosen;
        }

        string? given = request.Headers[BulwarkCorrelation.DefaultHeaderName];
        return BulwarkCorrelation.IsValid(given) ? given! : Guid.NewGuid().ToString("N");
    }
}
