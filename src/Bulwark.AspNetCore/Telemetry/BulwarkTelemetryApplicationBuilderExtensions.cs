using Bulwark.AspNetCore.Telemetry;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Adds Bulwark's telemetry middleware.</summary>
public static class BulwarkTelemetryApplicationBuilderExtensions
{
    /// <summary>
    /// Adds the middleware that records, for every request after it: <c>http.server.request.duration</c>, a <c>Bulwark</c>
    /// span, and from the request's <see cref="Bulwark.AspNetCore.Requests.BulwarkRequestFeature"/> one span per attempt,
    /// the per-attempt metrics (see <see cref="BulwarkMetrics"/>) and the provider statistics behind
    /// <c>/health/providers</c> and anomaly detection. Add it early, before the endpoints whose requests it should see.
    /// </summary>
    /// <param name="app">The application builder.</param>
    /// <returns><paramref name="app"/>, for chaining.</returns>
    /// <exception cref="InvalidOperationException"><c>AddBulwarkTelemetry</c> was not called.</exception>
    public static IApplicationBuilder UseBulwarkTelemetry(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.ApplicationServices.GetService<BulwarkMetrics>() is null)
        {
            throw new InvalidOperationException("Bulwark telemetry is not registered: call services.AddBulwarkTelemetry(configuration) first.");
        }

        return app.UseMiddleware<BulwarkTelemetryMiddleware>();
    }
}
