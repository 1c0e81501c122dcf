namespace Bulwark.AspNetCore.Correlation;

/// <param name="correlationId">The request's correlation id.</param>
/// <param name="traceContext">The request's trace context.</param>
/// <param name="isClean">
/// Whether the id is known to hold no PII: made by this process (a new GUID, or the id of a trace started here), or
/// taken from the request and found clean by the redactor. The request log writes such an id without scanning it again.
/// </param>
internal sealed class BulwarkCorrelationFeature(string correlationId, BulwarkTraceContext traceContext, bool isClean) : IBulwarkCorrelationFeature
{
    public string CorrelationId { get; } = correlationId;

    public BulwarkTraceContext TraceContext { get; } = traceContext;

    public bool IsClean { get; } = isClean;
}
