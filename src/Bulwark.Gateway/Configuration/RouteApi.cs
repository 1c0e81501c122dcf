namespace Bulwark.Gateway.Configuration;

/// <summary>The API a route's providers speak, which tells the gateway which of its requests are safe to send again.</summary>
public enum RouteApi
{
    /// <summary>Any HTTP API: only idempotent methods and requests with an <c>Idempotency-Key</c> may be sent again after they may have been processed. The default.</summary>
    Http = 0,

    /// <summary>
    /// OpenAI's API or a compatible one: a POST to a generation endpoint (<c>/v1/chat/completions</c>, <c>/v1/completions</c>,
    /// <c>/v1/embeddings</c>, <c>/v1/responses</c>, <c>/v1/messages</c>) may also be sent again: a repeat costs tokens and
    /// changes nothing else.
    /// </summary>
    OpenAI = 1,

    /// <summary>Anthropic's API: the same generation endpoints as <see cref="OpenAI"/> may be sent again.</summary>
    Anthropic = 2,
}
