using Bulwark.AspNetCore.ErrorRate;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Adds Bulwark's error-rate tracking to the request pipeline.</summary>
public static class BulwarkErrorRateApplicationBuilderExtensions
{
    /// <summary>
    /// Counts every finished request as an error or a success (by default: 5xx is an error) in the sliding window that
    /// <c>/health/error-rate</c> reports. Place it after routing (the default in a <c>WebApplication</c>) so endpoints marked
    /// with <see cref="DisableBulwarkErrorRateAttribute"/> are skipped, and before the exception handler sees an exception.
    /// </summary>
    /// <param name="app">The application builder.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="InvalidOperationException"><c>AddBulwarkErrorRate()</c> or <c>AddBulwarkHealth()</c> was not called.</exception>
    public static IApplicationBuilder UseBulwarkErrorRate(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.ApplicationServices.GetService(typeof(BulwarkErrorRateTracker)) is null)
        {
            throw new InvalidOperationException("UseBulwarkErrorRate() needs services.AddBulwarkErrorRate() or services.AddBulwarkHealth() first.");
        }

        return app.UseMiddleware<ErrorRateMiddleware>();
    }
}
