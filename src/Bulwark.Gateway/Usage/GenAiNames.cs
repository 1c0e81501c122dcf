using Bulwark.Gateway.Configuration;

namespace Bulwark.Gateway.Usage;

/// <summary>The OpenTelemetry GenAI semantic conventions' values for an API and an endpoint.</summary>
internal static class GenAiNames
{
    /// <summary>The <c>gen_ai.system</c> of an API kind, or <see langword="null"/> for a plain HTTP route.</summary>
    public static string? SystemOf(RouteApi api) => api switch
    {
        RouteApi.OpenAI => "openai",
        RouteApi.Anthropic => "anthropic",
        _ => null,
    };

    /// <summary>The <c>gen_ai.operation.name</c> of a request path, matched on its end as the replayable endpoints are.</summary>
    public static string OperationOf(string? path) => path switch
    {
        null => "other",
        _ when path.EndsWith("/v1/chat/completions", StringComparison.Ordinal) => "chat",
        _ when path.EndsWith("/v1/messages", StringComparison.Ordinal) => "chat",
        _ when path.EndsWith("/v1/responses", StringComparison.Ordinal) => "chat",
        _ when path.EndsWith("/v1/completions", StringComparison.Ordinal) => "text_completion",
        _ when path.EndsWith("/v1/embeddings", StringComparison.Ordinal) => "embeddings",
        _ => "other",
    };
}
