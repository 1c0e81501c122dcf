using Bulwark.AspNetCore.Health;
using Bulwark.AspNetCore.Health.Readings;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps Bulwark's health endpoints.</summary>
public static class BulwarkHealthEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps, under <paramref name="prefix"/> (default <c>/health</c>): <c>/health</c> (every check, with breakers,
    /// bulkheads, error rate and providers), <c>/health/live</c> (the process only), <c>/health/ready</c> (ready-tagged
    /// checks), <c>/health/circuit-breakers</c>, <c>/health/error-rate</c> and <c>/health/resources</c>. Healthy and degraded
    /// answer 200, unhealthy 503; see <see cref="BulwarkHealthResponseWriters"/> for each body. The endpoints are kept out of
    /// the error rate and allow no response caching.
    /// </summary>
    /// <param name="endpoints">The endpoint route builder.</param>
    /// <param name="prefix">The path prefix; defaults to <c>/health</c>.</param>
    /// <returns>The group of endpoints, to add conventions (for example <c>RequireHost</c>).</returns>
    /// <exception cref="InvalidOperationException"><c>services.AddBulwarkHealth()</c> was not called.</exception>
    public static RouteGroupBuilder MapBulwarkHealth(this IEndpointRouteBuilder endpoints, string prefix = "/health")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        var services = endpoints.ServiceProvider;
        if (services.GetService<BulwarkHealthMarker>() is null)
        {
            throw new InvalidOperationException("MapBulwarkHealth() needs services.AddBulwarkHealth() first.");
        }

        // Both rates are measured against an earlier reading: take the first one at start-up.
        services.GetRequiredService<BulkheadRateTracker>().Start();
        services.GetRequiredService<ResourceSampler>();

        var group = endpoints.MapGroup(prefix);
        group.DisableBulwarkErrorRate();
        group.MapHealthChecks(string.Empty, new HealthCheckOptions
        {
            ResponseWriter = BulwarkHealthResponseWriters.WriteAggregateAsync,
        }).WithDisplayName("bulwark health");
        group.MapHealthChecks("/live", new HealthCheckOptions
        {
            Predicate = static check => check.Tags.Contains(BulwarkHealthTags.Live),
            ResponseWriter = BulwarkHealthResponseWriters.WriteLiveAsync,
        }).WithDisplayName("bulwark health live");
        group.MapHealthChecks("/ready", new HealthCheckOptions
        {
            Predicate = static check => check.Tags.Contains(BulwarkHealthTags.Ready),
            ResponseWriter = BulwarkHealthResponseWriters.WriteReadyAsync,
        }).WithDisplayName("bulwark health ready");
        group.MapHealthChecks("/circuit-breakers", new HealthCheckOptions
        {
            Predicate = static check => check.Name == BulwarkHealthConstants.CircuitBreakersCheck,
            ResponseWriter = BulwarkHealthResponseWriters.WriteCircuitBreakersAsync,
        }).WithDisplayName("bulwark health circuit breakers");
        group.MapHealthChecks("/error-rate", new HealthCheckOptions
        {
            Predicate = static check => check.Name == BulwarkHealthConstants.ErrorRateCheck,
            ResponseWriter = BulwarkHealthResponseWriters.WriteErrorRateAsync,
        }).WithDisplayName("bulwark health error rate");
        group.MapGet("/resources", static context =>
        {
            context.Response.Headers.CacheControl = "no-store, no-cache";
            return BulwarkHealthResponseWriters.WriteResourcesAsync(context);
        }).WithDisplayName("bulwark health resources");
        return group;
    }
}
