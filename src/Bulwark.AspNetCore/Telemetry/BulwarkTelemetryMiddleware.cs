using System.Globalization;
using Bulwark.AspNetCore.ProviderHealth;
using Bulwark.AspNetCore.Requests;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Bulwark.AspNetCore.Telemetry;

/// <summary>
/// Times each request, and when it ends records the request, every attempt of its <see cref="BulwarkRequestFeature"/>
/// (metrics, spans, and <see cref="IProviderStatistics"/> for the attempts that reached a provider).
/// </summary>
internal sealed class BulwarkTelemetryMiddleware(RequestDelegate next, BulwarkMetrics metrics, IProviderStatistics statistics, TimeProvider timeProvider)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var start = Begin(context);
        Exception? escaped = null;
        try
        {
            await next(context);
        }
        catch (Exception exception)
        {
            escaped = exception;
            throw;
        }
        finally
        {
            End(context, start, escaped);
        }
    }

    /// <summary>Starts timing the request, and its span when something samples it; <see cref="End"/> records it.</summary>
    internal RequestTiming Begin(HttpContext context) => new(timeProvider.GetTimestamp(), BulwarkTracing.StartRequest(context));

    /// <summary>Records the request that <paramref name="start"/> began, and ends its span; <paramref name="escaped"/> is an exception that left the pipeline.</summary>
    internal void End(HttpContext context, RequestTiming start, Exception? escaped)
    {
        using var activity = start.Activity;
        Complete(context, activity, timeProvider.GetElapsedTime(start.Timestamp), escaped?.GetType().FullName);
    }

    /// <summary>When a request began, and its span if one was started.</summary>
    internal readonly record struct RequestTiming(long Timestamp, System.Diagnostics.Activity? Activity);

    private void Complete(HttpContext context, System.Diagnostics.Activity? activity, TimeSpan duration, string? exceptionType)
    {
        var feature = context.Features.Get<BulwarkRequestFeature>();
        string method = NormalizeMethod(context.Request.Method);
        string? route = feature?.Route ?? (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText;
        int status = exceptionType is not null && !context.Response.HasStarted ? StatusCodes.Status500InternalServerError : context.Response.StatusCode;
        string? errorType = feature?.ErrorType
            ?? exceptionType
            ?? (status >= 500 ? status.ToString(CultureInfo.InvariantCulture) : null);

        metrics.RecordRequest(duration, method, route, status, errorType);
        if (feature?.GenAiSystem is not null)
        {
            metrics.RecordGenAi(feature, duration, errorType);
        }

        var attempts = feature?.Attempts;
        if (attempts is not null)
        {
            string? previous = null;
            for (int i = 0; i < attempts.Count; i++)
            {
                var attempt = attempts[i];
                string outcome = AttemptOutcomes.Of(attempt);
                metrics.RecordAttempt(attempt, outcome, previous);
                if (AttemptOutcomes.ReachedProvider(outcome))
                {
                    statistics.Record(attempt.Provider, attempt.Duration, outcome == AttemptOutcomes.Success);
                }

                previous = attempt.Provider;
            }
        }

        if (activity is not null)
        {
            BulwarkTracing.CompleteRequest(activity, method, route, status, errorType, attempts);
        }
    }

    /// <summary>The semantic conventions' method values: the known methods, anything else as <c>_OTHER</c> (bounded cardinality).</summary>
    private static string NormalizeMethod(string method) => method switch
    {
        _ when HttpMethods.IsGet(method) => HttpMethods.Get,
        _ when HttpMethods.IsPost(method) => HttpMethods.Post,
        _ when HttpMethods.IsPut(method) => HttpMethods.Put,
        _ when HttpMethods.IsDelete(method) => HttpMethods.Delete,
        _ when HttpMethods.IsHead(method) => HttpMethods.Head,
        _ when HttpMethods.IsPatch(method) => HttpMethods.Patch,
        _ when HttpMethods.IsOptions(method) => HttpMethods.Options,
        _ when HttpMethods.IsTrace(method) => HttpMethods.Trace,
        _ when HttpMethods.IsConnect(method) => HttpMethods.Connect,
        _ => "_OTHER",
    };
}
