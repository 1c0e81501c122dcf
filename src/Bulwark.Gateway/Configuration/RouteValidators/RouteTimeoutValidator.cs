namespace Bulwark.Gateway.Configuration.RouteValidators;

/// <summary>A route's <c>Timeout</c>: from 1 ms to 1 day.</summary>
internal sealed class RouteTimeoutValidator : IRouteValidator
{
    public void Validate(GatewayRouteOptions route, int index, string path, GatewayOptions options, List<string> errors)
    {
        if (route.Timeout < TimeSpan.FromMilliseconds(1) || route.Timeout > TimeSpan.FromDays(1))
        {
            errors.Add($"{path}:Timeout: {route.Timeout:c} is out of range; allowed 00:00:00.001 to 1.00:00:00.");
        }
    }
}
