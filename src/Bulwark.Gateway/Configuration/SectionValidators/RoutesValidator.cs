using Bulwark.Gateway.Configuration.RouteValidators;

namespace Bulwark.Gateway.Configuration.SectionValidators;

/// <summary>
/// <c>Bulwark:Routes</c>: every route through each route rule, in order; with <paramref name="requireOne"/>, an empty
/// list is an error too.
/// </summary>
internal sealed class RoutesValidator(bool requireOne, IReadOnlyList<IRouteValidator> validators) : ISectionValidator
{
    public void Validate(GatewayOptions options, List<string> errors)
    {
        if (requireOne && options.Routes.Count == 0)
        {
            errors.Add($"{GatewayConstants.ConfigurationRoot}:Routes: no route is configured, so nothing would be forwarded; add one such as {{ \"Path\": \"/api/{{**rest}}\", \"Providers\": [ \"primary\" ] }}.");
        }

        for (int i = 0; i < options.Routes.Count; i++)
        {
            if (options.Routes[i] is not { } route)
            {
                continue;
            }

            string path = $"{GatewayConstants.ConfigurationRoot}:Routes:{i}";
            foreach (var validator in validators)
            {
                validator.Validate(route, i, path, options, errors);
            }
        }
    }
}
