using System.Diagnostics.CodeAnalysis;
using Bulwark.AspNetCore.ProviderHealth;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the per-provider health endpoint.</summary>
public static class BulwarkProviderHealthEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <c>GET</c> <paramref name="pattern"/> to a JSON document <c>{"providers":[...]}</c> with, per provider,
    /// <c>provider</c>, <c>samples</c>, <c>latency_p50_ms</c>, <c>latency_p95_ms</c>, <c>ewma_latency_ms</c>,
    /// <c>baseline_latency_ms</c>, <c>error_rate</c>, <c>anomaly</c>, <c>anomaly_signal</c>, <c>breaker_state</c>,
    /// <c>health_score</c> and <c>status</c> (see <see cref="ProviderStatisticsSnapshot"/>). Not cached.
    /// </summary>
    /// <param name="endpoints">The endpoint route builder.</param>
    /// <param name="pattern">The route; default <c>/health/providers</c>.</param>
    /// <returns>The endpoint's convention builder (for example to require authorization).</returns>
    /// <exception cref="InvalidOperationException"><see cref="IProviderStatistics"/> is not registered.</exception>
    public static IEndpointConventionBuilder MapBulwarkProviderHealth(this IEndpointRouteBuilder endpoints, [StringSyntax("Route")] string pattern = ProviderHealthConstants.EndpointPattern)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        var statistics = endpoints.ServiceProvider.GetService<IProviderStatistics>()
            ?? throw new InvalidOperationException("IProviderStatistics is not registered: call services.AddBulwarkTelemetry(configuration) or services.AddBulwarkProviderHealth() first.");

        return endpoints.MapGet(pattern, (HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "no-store";
            return Results.Json(new ProviderHealthDocument(statistics.Snapshot()));
        }).WithDisplayName("bulwark provider health");
    }
}
