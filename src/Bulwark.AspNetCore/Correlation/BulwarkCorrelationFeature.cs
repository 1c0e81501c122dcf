namespace Bulwark.AspNetCore.Correlation;

internal sealed class BulwarkCorrelationFeature(string correlationId) : IBulwarkCorrelationFeature
{
    public string CorrelationId { get; } = correlationId;
}
