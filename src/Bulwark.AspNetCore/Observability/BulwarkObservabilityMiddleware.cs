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
        // Nested as the four middlewares would be: each part begins inside the parts outside it, ends even when a part
        // inside it threw, and sees the exception that left the parts inside it.
        var timing = _telemetry?.Begin(context);
        Exception? escaped = null;
        try
        {
            using var scope = _correlation.Begin(context);
            var line = _logging?.Begin(context);
            try
            {
                bool counted = _errorRate is not null && ErrorRateMiddleware.Counts(context);
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
                    if (counted)
                    {
                        _errorRate!.End(context, escaped);
                    }
                }
            }
            catch (Exception exception)
            {
                escaped = exception;
                throw;
            }
            finally
            {
                if (line is { } started)
                {
                    _logging!.End(context, started, escaped);
                }
            }
        }
        catch (Exception exception)
        {
            escaped = exception;
            throw;
        }
        finally
        {
            if (timing is { } request)
            {
                _telemetry!.End(context, request, escaped);
            }
        }
    }
}
