namespace Bulwark.Gateway.Configuration.RouteValidators;

/// <summary>
/// A route's <c>MaxAttempts</c>: at least one attempt per provider, and no more than the gateway's cap; its
/// <c>PanicThreshold</c>: a percentage.
/// </summary>
internal sealed class RouteAttemptsValidator : IRouteValidator
{
    public void Validate(GatewayRouteOptions route, int index, string path, GatewayOptions options, List<string> errors)
    {
        if (route.MaxAttempts is { } maxAttempts && (maxAttempts < route.Providers.Count || maxAttempts > GatewayConstants.MaxRouteAttempts))
        {
            errors.Add($"{path}:MaxAttempts: {maxAttempts} is out of range; allowed the number of providers ({route.Providers.Count}) to {GatewayConstants.MaxRouteAttempts}.");
        }

        if (route.PanicThreshold is { } threshold and (< 0 or > 100))
        {
            errors.Add($"{path}:PanicThreshold: {threshold} is out of range; allowed 0 to 100 (percent of the route's providers).");
        }
    }
}
