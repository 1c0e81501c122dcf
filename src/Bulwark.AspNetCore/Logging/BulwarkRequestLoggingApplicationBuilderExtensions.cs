using Bulwark.AspNetCore.Logging;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Adds Bulwark's request logging to a pipeline.</summary>
public static class BulwarkRequestLoggingApplicationBuilderExtensions
{
    /// <summary>
    /// Adds the request logging middleware: one structured, redacted event per request (category
    /// <c>Bulwark.AspNetCore.Requests</c>, event id 3101; level <c>Error</c> for 5xx or an exception, <c>Warning</c> for 4xx
    /// or a request slower than the threshold, else <c>Information</c>) and one <c>Debug</c> event per failover attempt
    /// (event id 3102). Place it after <c>UseBulwarkCorrelation</c> and before the exception handler, so it sees the
    /// final status.
    /// </summary>
    /// <param name="app">The application.</param>
    /// <returns>The same application, for chaining.</returns>
    /// <exception cref="InvalidOperationException"><c>AddBulwarkRequestLogging</c> was not called.</exception>
    public static IApplicationBuilder UseBulwarkRequestLogging(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.ApplicationServices.GetService<BulwarkRequestLoggingMarker>() is null)
        {
            throw new InvalidOperationException("Unable to find the required services. Call 'services.AddBulwarkRequestLogging()' before 'app.UseBulwarkRequestLogging()'.");
        }

        return app.UseMiddleware<BulwarkRequestLoggingMiddleware>();
    }
}
