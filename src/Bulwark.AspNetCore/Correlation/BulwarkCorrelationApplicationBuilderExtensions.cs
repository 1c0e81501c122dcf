using Bulwark.AspNetCore.Correlation;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Adds Bulwark's correlation-id middleware to a pipeline.</summary>
public static class BulwarkCorrelationApplicationBuilderExtensions
{
    /// <summary>
    /// Adds the correlation middleware: each request gets a correlation id (its valid <c>X-Correlation-ID</c>, else its
    /// W3C trace id, else a new id), readable with <see cref="BulwarkCorrelation.Get"/>, returned in the response header,
    /// and carried as <c>correlation_id</c> by every log line written during the request. A header in which the PII
    /// redactor (the registered one, else the built-in rules) finds a card number, an API key or a configured pattern
    /// is not valid. Put it first, before request logging. Works without <c>AddBulwarkCorrelation</c> (defaults).
    /// </summary>
    /// <param name="app">The application.</param>
    /// <returns>The same application, for chaining.</returns>
    public static IApplicationBuilder UseBulwarkCorrelation(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.UseMiddleware<BulwarkCorrelationMiddleware>();
    }
}
