namespace Bulwark.Gateway.Configuration.RouteValidators;

/// <summary>One rule group for a route; adds a message with its configuration path for each problem found.</summary>
internal interface IRouteValidator
{
    /// <param name="route">The route, never null.</param>
    /// <param name="index">The route's index in <c>Bulwark:Routes</c>.</param>
    /// <param name="path">The route's configuration path, <c>Bulwark:Routes:{index}</c>.</param>
    /// <param name="options">All the options, for rules that reach across sections.</param>
    /// <param name="errors">Where messages are added.</param>
    void Validate(GatewayRouteOptions route, int index, string path, GatewayOptions options, List<string> errors);
}
