namespace Bulwark.Gateway.Configuration.RouteValidators;

/// <summary>A route's <c>Methods</c>: each entry names a method.</summary>
internal sealed class RouteMethodsValidator : IRouteValidator
{
    public void Validate(GatewayRouteOptions route, int index, string path, GatewayOptions options, List<string> errors)
    {
        for (int m = 0; m < route.Methods.Count; m++)
        {
            if (string.IsNullOrWhiteSpace(route.Methods[m]))
            {
                errors.Add($"{path}:Methods:{m}: must be an HTTP method such as GET or POST.");
            }
        }
    }
}
