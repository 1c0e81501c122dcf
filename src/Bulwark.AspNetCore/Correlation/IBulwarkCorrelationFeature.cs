namespace Bulwark.AspNetCore.Correlation;

/// <summary>The correlation id chosen for the request, set on <c>HttpContext.Features</c> by the correlation middleware.</summary>
public interface IBulwarkCorrelationFeature
{
    /// <summary>
    /// Gets the correlation id: the request's valid <c>X-Correlation-ID</c> (one in which the PII redactor finds nothing),
    /// else its W3C trace id, else a new id.
    /// </summary>
    string CorrelationId { get; }

    /// <summary>
    /// Gets the request's W3C trace context at this service: its activity's when it has one, else the one its
    /// <c>traceparent</c> carries (continued with a span of this service), else a trace started here.
    /// </summary>
    BulwarkTraceContext TraceContext { get; }
}
