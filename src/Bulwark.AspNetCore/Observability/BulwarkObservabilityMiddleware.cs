using Bulwark.AspNetCore.Correlation;
using Bulwark.AspNetCore.ErrorRate;
using Bulwark.AspNetCore.Logging;
using Bulwark.AspNetCore.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.AspNetCore.Observability;

/// <summary>
/// Telemetry, correlation, request logging and error-rate counting around the rest of the pipeline, in that order, in
/// one async frame: each request suspends and resumes here once, not once per part. Each part is the same code its own
/// middleware runs; a part whose services are not registered is left out (correlation needs none).
/// </summary>
internal sealed class BulwarkObservabilityMiddleware
{
    private readonly RequestDelegate _next;
    private readonly BulwarkTelemetryMiddleware? _telemetry;
    private readonly BulwarkCorrelationMiddleware _correlation;
    private readonly BulwarkRequestLoggingMiddleware? _logging;
    private readonly ErrorRateMiddleware? _errorRate;

    public BulwarkObservabilityMiddleware(RequestDelegate next, IServiceProvider services)
    {
        _next = next;
        _telemetry = services.GetService<BulwarkMetrics>() is null ? null : ActivatorUtilities.CreateInstance<BulwarkTelemetryMiddleware>(services, next);
        _correlation = ActivatorUtilities.CreateInstance<BulwarkCorrelationMiddleware>(services, next);
        _logging = services.GetService<BulwarkRequestLoggingMarker>() is null ? null : ActivatorUtilities.CreateInstance<BulwarkRequestLoggingMiddleware>(services, next);
        _errorRate = services.GetService<BulwarkErrorRateTracker>() is null ? null : ActivatorUtilities.CreateInstance<ErrorRateMiddleware>(services, next);
    }

    /// <summary>Whether request telemetry runs (<c>AddBulwarkTelemetry</c> was called).</summary>
    internal bool HasTelemetry => _telemetry is not null;

    /// <summary>Whether request logging runs (<c>AddBulwarkRequestLogging</c> was called).</summary>
    internal bool HasRequestLogging => _logging is not null;

    /// <summary>Whether errors are counted (<c>AddBulwarkErrorRate</c> or <c>AddBulwarkHealth</c> was called).</summary>
    internal bool HasErrorRate => _errorRate is not null;

    public async Task InvokeAsync(HttpContext context)
    {
        // Begun outermost first, ended innermost first: as the four middlewares would nest.
        var telemetry = _telemetry?.Begin(context);
        var scope = _correlation.Begin(context);
        var logging = _logging?.Begin(context);
        bool countErrors = _errorRate is not null && ErrorRateMiddleware.Counts(context);
        Exception? escaped = null;
        try
        {
            await _next(context);
        }
        catch (Exception exception)
        {
            escaped = exception;
            throw;
        }
        finally
        {
            if (countErrors)
            {
                _errorRate!.End(context, escaped);
            }

            if (logging is { } line)
            {
                _logging!.End(context, line, escaped);
            }

            scope?.Dispose();
            if (telemetry is { } request)
            {
                _telemetry!.End(context, request, escaped);
            }
        }
    }
}
