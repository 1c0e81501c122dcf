namespace Bulwark.AspNetCore.Correlation;

internal sealed class BulwarkCorrelationFeature(string correlationId, BulwarkTraceContext traceContext) : IBulwarkCorrelationFeature
{
    public string CorrelationId { get; } = correlationId;

    public BulwarkTraceContext TraceContext { get; } = traceContext;
}
