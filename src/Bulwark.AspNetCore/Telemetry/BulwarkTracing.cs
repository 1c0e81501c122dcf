using System.Diagnostics;
using Bulwark.Failover;
using Microsoft.AspNetCore.Http;
using static Bulwark.AspNetCore.Telemetry.TelemetryNames;

namespace Bulwark.AspNetCore.Telemetry;

/// <summary>
/// Bulwark's spans: one per request, and one per attempt created after the fact from
/// <see cref="Requests.BulwarkRequestFeature.Attempts"/>.
/// </summary>
/// <remarks>
/// Attempt spans are children of the request span, laid end to end from the request's start: each lasts exactly the
/// attempt's measured <see cref="FailoverAttempt.Duration"/>, but its start is reconstructed (the gaps of backoff delays
/// and body buffering are not known), so read their order and durations, not their absolute offsets. This needs nothing
/// from the forwarder but the feature it sets anyway, and it covers attempts the callback never ran (rejected or skipped).
/// </remarks>
internal static class BulwarkTracing
{
    public static readonly ActivitySource Source = new(BulwarkTelemetry.ActivitySourceName);

    public static Activity? StartRequest(HttpContext context)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var request = context.Request;
        var parent = Activity.Current;
        Activity? activity;
        if (parent is null)
        {
            // No ASP.NET Core hosting activity: this is the server span, continuing the caller's trace if it sent one.
            ActivityContext.TryParse(request.Headers.TraceParent, request.Headers.TraceState, isRemote: true, out var remote);
            activity = Source.StartActivity(request.Method, ActivityKind.Server, remote);
        }
        else
        {
            activity = Source.StartActivity(request.Method, ActivityKind.Internal);
        }

        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(Method, request.Method);
        }

        return activity;
    }

    public static void CompleteRequest(Activity activity, string method, string? route, int statusCode, string? errorType, IReadOnlyList<FailoverAttempt>? attempts)
    {
        if (!activity.IsAllDataRequested)
        {
            // Created for its trace context only (no listener records it): no name, tags or attempt spans to build.
            return;
        }

        if (route is not null)
        {
            activity.DisplayName = TagValues.RequestName(method, route);
            activity.SetTag(Route, route);
        }

        activity.SetTag(StatusCode, TagValues.Box(statusCode));
        if (errorType is not null)
        {
            activity.SetTag(ErrorType, errorType);
            activity.SetStatus(ActivityStatusCode.Error);
        }

        if (attempts is not { Count: > 0 })
        {
            return;
        }

        activity.SetTag(Attempts, TagValues.Box(attempts.Count));
        var previous = Activity.Current;
        try
        {
            var cursor = new DateTimeOffset(activity.StartTimeUtc, TimeSpan.Zero);
            for (int i = 0; i < attempts.Count; i++)
            {
                var attempt = attempts[i];
                string outcome = AttemptOutcomes.Of(attempt);
                var kind = AttemptOutcomes.ReachedProvider(outcome) ? ActivityKind.Client : ActivityKind.Internal;
                using var span = Source.StartActivity(TagValues.AttemptName(attempt.Provider), kind, activity.Context, tags: null, links: null, startTime: cursor);
                cursor += attempt.Duration;
                if (span is null)
                {
                    continue;
                }

                span.SetTag(Provider, attempt.Provider);
                span.SetTag(AttemptNumber, TagValues.Box(attempt.AttemptNumber));
                span.SetTag(Outcome, outcome);
                if (attempt.StatusCode is { } status)
                {
                    span.SetTag(StatusCode, TagValues.Box(status));
                }

                if (outcome != AttemptOutcomes.Success)
                {
                    span.SetTag(ErrorType, attempt.ExceptionType ?? outcome);
                    span.SetStatus(ActivityStatusCode.Error);
                }

                span.SetEndTime(cursor.UtcDateTime);
            }
        }
        finally
        {
            Activity.Current = previous;
        }
    }
}
