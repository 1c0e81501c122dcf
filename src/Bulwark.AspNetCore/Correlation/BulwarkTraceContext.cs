using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Bulwark.AspNetCore.Correlation;

/// <summary>
/// The W3C trace context of a request at this service: the trace it belongs to, this service's span in it, the caller's
/// span and the sampling decision. From the request's activity when there is one; otherwise read from the request's
/// <c>traceparent</c> (the trace continued, with a span of this service's own) or a trace started here.
/// </summary>
/// <remarks>
/// What a service that propagates the context itself (as the gateway does, without an activity per request) sends on
/// as <c>traceparent</c> (<see cref="ToTraceParent"/>) and writes in its logs.
/// </remarks>
public readonly record struct BulwarkTraceContext
{
    private BulwarkTraceContext(ActivityTraceId traceId, ActivitySpanId spanId, ActivitySpanId parentSpanId, ActivityTraceFlags traceFlags)
    {
        TraceId = traceId;
        SpanId = spanId;
        ParentSpanId = parentSpanId;
        TraceFlags = traceFlags;
    }

    /// <summary>Gets the trace id.</summary>
    public ActivityTraceId TraceId { get; }

    /// <summary>Gets this service's span id for the request: the parent of what it sends on.</summary>
    public ActivitySpanId SpanId { get; }

    /// <summary>Gets the caller's span id, or <see langword="default"/> for a trace started here.</summary>
    public ActivitySpanId ParentSpanId { get; }

    /// <summary>Gets the trace flags: the caller's sampling decision, or <see cref="ActivityTraceFlags.None"/> for a trace started here.</summary>
    public ActivityTraceFlags TraceFlags { get; }

    /// <summary>Gets a value indicating whether the context continues a caller's trace.</summary>
    public bool HasParent => ParentSpanId != default;

    /// <summary>The context of <paramref name="activity"/>: its trace, its span, its parent's span and flags.</summary>
    /// <param name="activity">A W3C activity.</param>
    /// <returns>The activity's context.</returns>
    public static BulwarkTraceContext Of(Activity activity)
    {
        ArgumentNullException.ThrowIfNull(activity);
        return new(activity.TraceId, activity.SpanId, activity.ParentSpanId, activity.ActivityTraceFlags);
    }

    /// <summary>
    /// Reads the context a request carries: a valid version-00 <c>traceparent</c> header continued with a new span id of
    /// this service, else a new trace (random ids, not sampled).
    /// </summary>
    /// <param name="request">The request.</param>
    /// <returns>The request's context at this service.</returns>
    public static BulwarkTraceContext Of(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var spanId = ActivitySpanId.CreateRandom();
        return TryParse(request.Headers.TraceParent, out var traceId, out var parentSpanId, out var flags)
            ? new(traceId, spanId, parentSpanId, flags)
            : new(ActivityTraceId.CreateRandom(), spanId, default, ActivityTraceFlags.None);
    }

    /// <summary>The <c>traceparent</c> to send on: this trace, with this service's span as the parent, and the flags.</summary>
    /// <returns>A version-00 <c>traceparent</c> value.</returns>
    public string ToTraceParent() =>
        string.Create(55, this, static (chars, context) =>
        {
            "00-".CopyTo(chars);
            context.TraceId.ToHexString().CopyTo(chars[3..]);
            chars[35] = '-';
            context.SpanId.ToHexString().CopyTo(chars[36..]);
            chars[52] = '-';
            chars[53] = '0';
            chars[54] = (context.TraceFlags & ActivityTraceFlags.Recorded) != 0 ? '1' : '0';
        });

    /// <summary>Parses a version-00 <c>traceparent</c> (W3C Trace Context): lowercase hex ids, neither all zeros.</summary>
    internal static bool TryParse(string? traceparent, out ActivityTraceId traceId, out ActivitySpanId parentSpanId, out ActivityTraceFlags flags)
    {
        traceId = default;
        parentSpanId = default;
        flags = ActivityTraceFlags.None;
        if (traceparent is not { Length: 55 } || !traceparent.StartsWith("00-", StringComparison.Ordinal) || traceparent[35] != '-' || traceparent[52] != '-'
            || !IsLowerHex(traceparent.AsSpan(3, 32)) || !IsLowerHex(traceparent.AsSpan(36, 16)) || !IsLowerHex(traceparent.AsSpan(53, 2)))
        {
            return false;
        }

        if (!traceparent.AsSpan(3, 32).ContainsAnyExcept('0') || !traceparent.AsSpan(36, 16).ContainsAnyExcept('0'))
        {
            return false;
        }

        traceId = ActivityTraceId.CreateFromString(traceparent.AsSpan(3, 32));
        parentSpanId = ActivitySpanId.CreateFromString(traceparent.AsSpan(36, 16));

        flags = (ActivityTraceFlags)(int.Parse(traceparent.AsSpan(53, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture) & 1);
        return true;
    }

    private static bool IsLowerHex(ReadOnlySpan<char> text)
    {
        foreach (char c in text)
        {
            if (!char.IsAsciiDigit(c) && c is not (>= 'a' and <= 'f'))
            {
                return false;
            }
        }

        return true;
    }
}
