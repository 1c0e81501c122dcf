using Bulwark.AspNetCore.Admin;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps Bulwark's admin API.</summary>
public static class BulwarkAdminEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the admin API under <paramref name="prefix"/> (default <c>/admin</c>):
    /// <c>GET /admin/system/status</c>, <c>GET /admin/breakers</c> and <c>POST /admin/breakers/{provider}/isolate|close|reset</c>.
    /// Every request must carry <c>Authorization: Bearer &lt;token&gt;</c>, else 401 problem+json. When no token is configured
    /// every path under the prefix answers 404 problem+json: a disabled API looks absent rather than locked, so it reveals
    /// nothing to a scanner. The endpoints are kept out of the error rate.
    /// </summary>
    /// <param name="endpoints">The endpoint route builder.</param>
    /// <param name="prefix">The path prefix; defaults to <c>/admin</c>.</param>
    /// <returns>The group of endpoints, to add conventions (for example <c>RequireHost</c>).</returns>
    /// <exception cref="InvalidOperationException"><c>services.AddBulwarkAdmin(configuration)</c> was not called.</exception>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The admin options are invalid.</exception>
    public static RouteGroupBuilder MapBulwarkAdmin(this IEndpointRouteBuilder endpoints, string prefix = "/admin")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        var services = endpoints.ServiceProvider;
        if (services.GetService<AdminToken>() is null)
        {
            throw new InvalidOperationException("MapBulwarkAdmin() needs services.AddBulwarkAdmin(configuration) first.");
        }

        services.GetRequiredService<AdminClock>();
        var group = endpoints.MapGroup(prefix);
        group.DisableBulwarkErrorRate();
        AdminEndpoints.Map(group, prefix);
        return group;
    }
}
