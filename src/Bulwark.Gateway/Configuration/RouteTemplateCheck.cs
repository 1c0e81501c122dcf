using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.Options;

namespace Bulwark.Gateway.Configuration;

/// <summary>
/// Reads a route template as the routing will: <see cref="RoutePatternFactory.Parse(string)"/>, then every parameter
/// constraint through the application's own <see cref="ParameterPolicyFactory"/> (and its constraint map), which is where
/// the routing resolves them when it builds its matcher. A template that fails either way would fail that build, and with
/// it every request, <c>/health/*</c> included; so validation refuses it and the endpoints leave it out.
/// </summary>
internal sealed class RouteTemplateCheck(ParameterPolicyFactory policies, IOptions<RouteOptions> routeOptions)
{
    private string? _known;

    /// <summary>Parses <paramref name="template"/> and resolves its constraints; returns the pattern, or why it is unusable.</summary>
    public RoutePattern? Parse(string template, out string? problem)
    {
        RoutePattern pattern;
        try
        {
            pattern = RoutePatternFactory.Parse(template);
        }
        catch (RoutePatternException e)
        {
            problem = e.Message;
            return null;
        }

        problem = Constraints(pattern);
        return problem is null ? pattern : null;
    }

    private string? Constraints(RoutePattern pattern)
    {
        var map = routeOptions.Value.ConstraintMap;
        foreach (var parameter in pattern.Parameters)
        {
            foreach (var reference in parameter.ParameterPolicies)
            {
                if (reference.ParameterPolicy is null && reference.Content is { } content)
                {
                    int open = content.IndexOf('(', StringComparison.Ordinal);
                    string name = open < 0 ? content : content[..open];
                    if (!map.TryGetValue(name, out var type))
                    {
                        return $"the constraint '{name}' is unknown; use one of {Known(map)}.";
                    }

                    if (IsUnavailable(type))
                    {
                        return $"the constraint '{name}' is not available in the gateway; use one of {Known(map)}.";
                    }
                }

                try
                {
                    _ = policies.Create(parameter, reference);
                }
                catch (Exception e) when (e is RouteCreationException or InvalidOperationException or ArgumentException or FormatException or OverflowException)
                {
                    return $"the constraint '{reference.Content}' cannot be created: {e.GetBaseException().Message}";
                }
            }
        }

        return null;
    }

    // A slim application maps 'regex' to a stub that throws when created: the regex engine is left out of the gateway.
    private static bool IsUnavailable(Type type) => type.Name.StartsWith("RegexErrorStub", StringComparison.Ordinal);

    private string Known(IDictionary<string, Type> map) =>
        _known ??= string.Join(", ", map.Where(static p => !IsUnavailable(p.Value)).Select(static p => p.Key).Order(StringComparer.Ordinal));
}
