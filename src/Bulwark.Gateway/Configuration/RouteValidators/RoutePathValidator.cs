namespace Bulwark.Gateway.Configuration.RouteValidators;

/// <summary>
/// A route's <c>Path</c>: starts with '/', parses as a route template, and is not already taken by an earlier route with
/// the same methods. Remembers the routes it has seen, so one instance serves one validation run.
/// </summary>
internal sealed class RoutePathValidator(RouteTemplateCheck routeTemplates) : IRouteValidator
{
    private readonly Dictionary<string, int> seen = new(StringComparer.OrdinalIgnoreCase);

    public void Validate(GatewayRouteOptions route, int index, string path, GatewayOptions options, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(route.Path) || !route.Path.StartsWith('/'))
        {
            errors.Add($"{path}:Path: '{route.Path}' must start with '/', for example /api/{{**rest}}.");
            return;
        }

        if (routeTemplates.Parse(route.Path, out string? problem) is null)
        {
            errors.Add($"{path}:Path: '{route.Path}' is not a valid route template: {problem}");
        }

        string key = string.Join(' ', route.Methods.Select(m => m?.ToUpperInvariant()).Order(StringComparer.Ordinal)) + " " + route.Path.TrimEnd('/');
        if (seen.TryGetValue(key, out int first))
        {
            errors.Add($"{path}:Path: '{route.Path}' duplicates Routes:{first}.");
        }
        else
        {
            seen[key] = index;
        }
    }
}
