namespace Bulwark.Gateway.Configuration.RouteValidators;

/// <summary>
/// What makes a route's requests safe to send again: its <c>Api</c> is a known kind, and each of its
/// <c>NotProcessedStatusCodes</c> is a failure (4xx or 5xx): a success or a redirect proves nothing was refused.
/// </summary>
internal sealed class RouteReplayValidator : IRouteValidator
{
    public void Validate(GatewayRouteOptions route, int index, string path, GatewayOptions options, List<string> errors)
    {
        if (!Enum.IsDefined(route.Api))
        {
            errors.Add($"{path}:Api: '{route.Api}' is not an API kind; use one of {string.Join(", ", Enum.GetNames<RouteApi>())}.");
        }

        if (route.NotProcessedStatusCodes is not { } codes)
        {
            return;
        }

        for (int c = 0; c < codes.Count; c++)
        {
            if (codes[c] is < 400 or > 599)
            {
                errors.Add($"{path}:NotProcessedStatusCodes:{c}: {codes[c]} is out of range; allowed 400 to 599 (only a failure can prove the provider refused the request).");
            }
        }
    }
}
