namespace Bulwark.Gateway.Configuration.RouteValidators;

/// <summary>A route's <c>Providers</c>: at least one, each configured under <c>Bulwark:Providers</c>, none listed twice.</summary>
internal sealed class RouteProvidersValidator : IRouteValidator
{
    public void Validate(GatewayRouteOptions route, int index, string path, GatewayOptions options, List<string> errors)
    {
        if (route.Providers.Count == 0)
        {
            errors.Add($"{path}:Providers: list at least one provider.");
        }

        for (int p = 0; p < route.Providers.Count; p++)
        {
            if (!options.Providers.ContainsKey(route.Providers[p] ?? string.Empty))
            {
                string known = options.Providers.Count == 0 ? "none is configured" : "configured: " + string.Join(", ", options.Providers.Keys.Order(StringComparer.Ordinal));
                errors.Add($"{path}:Providers:{p}: no provider named '{route.Providers[p]}' ({known}).");
            }
        }

        if (route.Providers.Distinct(StringComparer.OrdinalIgnoreCase).Count() != route.Providers.Count)
        {
            errors.Add($"{path}:Providers: a provider is listed twice.");
        }
    }
}
