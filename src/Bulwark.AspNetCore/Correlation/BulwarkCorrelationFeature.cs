namespace Bulwark.AspNetCore.Correlation;

/// <param name="correlationId">The request's correlation id.</param>
/// <param name="traceContext">The request's trace context.</param>
/// <param name="madeHere">
/// Whether this process made the id (a new GUID, or the id of a trace started here): it holds nothing of the client's,
/// so the request log writes it without scanning it for PII. An id taken from the request (its header, or the trace it
/// continues) is scanned.
/// </param>
internal sealed class BulwarkCorrelationFeature(string correlationId, BulwarkTraceContext traceContext, bool madeHere) : IBulwarkCorrelationFeature
{
    public string CorrelationId { get; } = correlationId;

    public BulwarkTraceContext TraceContext { get; } = traceContext;

    public bool MadeHere { get; } = madeHere;
}
