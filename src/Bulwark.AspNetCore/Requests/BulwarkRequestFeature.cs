using Bulwark.Failover;

namespace Bulwark.AspNetCore.Requests;

/// <summary>
/// What Bulwark did for one HTTP request, set on <c>HttpContext.Features</c> by whoever forwards it (the gateway) and
/// read by request logging, metrics and error-rate tracking.
/// </summary>
public sealed class BulwarkRequestFeature
{
    /// <summary>Gets or sets the correlation id of the request.</summary>
    public string? CorrelationId { get; set; }

    /// <summary>Gets or sets the route template that matched (never the raw path).</summary>
    public string? Route { get; set; }

    /// <summary>Gets or sets the provider that served the request, or <see langword="null"/> if none did.</summary>
    public string? Provider { get; set; }

    /// <summary>Gets or sets every attempt: provider, outcome, status, duration.</summary>
    public IReadOnlyList<FailoverAttempt> Attempts { get; set; } = [];

    /// <summary>Gets or sets the breaker state of the serving (or last tried) provider when the request ended.</summary>
    public string? BreakerState { get; set; }

    /// <summary>Gets or sets a short error type when the request failed (for example <c>providers-failed</c>), else <see langword="null"/>.</summary>
    public string? ErrorType { get; set; }
}
