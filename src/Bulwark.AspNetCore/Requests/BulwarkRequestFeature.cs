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

    /// <summary>Gets or sets the generative AI system the request spoke to (<c>openai</c>, <c>anthropic</c>), on routes of an AI API; else <see langword="null"/>.</summary>
    /// <remarks>When set, the request is recorded on the <c>gen_ai.client.*</c> metrics.</remarks>
    public string? GenAiSystem { get; set; }

    /// <summary>Gets or sets the generative AI operation (<c>chat</c>, <c>text_completion</c>, <c>embeddings</c>), when known.</summary>
    public string? GenAiOperation { get; set; }

    /// <summary>Gets or sets the model the client asked for (the request body's <c>model</c>), when known.</summary>
    public string? RequestModel { get; set; }

    /// <summary>Gets or sets the model that answered (the response's <c>model</c>, else the requested one), when known.</summary>
    public string? ResponseModel { get; set; }

    /// <summary>Gets or sets the input (prompt) tokens the provider reported, cached ones included; <see langword="null"/> when unknown.</summary>
    public long? InputTokens { get; set; }

    /// <summary>Gets or sets the output (completion) tokens the provider reported; <see langword="null"/> when unknown.</summary>
    public long? OutputTokens { get; set; }

    /// <summary>Gets or sets how many of <see cref="InputTokens"/> the provider read from its prompt cache; <see langword="null"/> when not reported.</summary>
    public long? CachedInputTokens { get; set; }

    /// <summary>Gets or sets the request's cost from the configured prices; <see langword="null"/> when unknown (no usage, or no price for the model).</summary>
    public decimal? Cost { get; set; }

    /// <summary>Gets or sets the currency of <see cref="Cost"/> (for example <c>USD</c>).</summary>
    public string? CostCurrency { get; set; }
}
