namespace Bulwark.AspNetCore.Correlation;

/// <param name="correlationId">The request's correlation id.</param>
/// <param name="traceContext">The request's trace context.</param>
/// <param name="knownClean">
/// Whether the id is known to hold nothing the redaction rules for identifiers find, so the request log writes it
/// without scanning it again: this process made it (a new GUID, or the id of a trace started here), or it is the
/// client's header, scanned when it was chosen. The id of a trace the request continues is scanned on the line.
/// </param>
internal sealed class BulwarkCorrelationFeature(string correlationId, BulwarkTraceContext traceContext, bool knownClean) : IBulwarkCorrelationFeature
{
    public string CorrelationId { get; } = correlationId;

    public BulwarkTraceContext TraceContext { get; } = traceContext;

    public bool KnownClean { get; } = knownClean;
}
