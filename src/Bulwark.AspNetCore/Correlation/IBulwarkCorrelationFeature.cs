namespace Bulwark.AspNetCore.Correlation;

/// <summary>The correlation id chosen for the request, set on <c>HttpContext.Features</c> by the correlation middleware.</summary>
public interface IBulwarkCorrelationFeature
{
    /// <summary>Gets the correlation id: the request's valid <c>X-Correlation-ID</c>, else its W3C trace id, else a new id.</summary>
    string CorrelationId { get; }
}
