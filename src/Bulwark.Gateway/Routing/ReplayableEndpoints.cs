using Bulwark.Gateway.Configuration;

namespace Bulwark.Gateway.Routing;

/// <summary>
/// The endpoints of an API whose requests may be sent again whatever their method: a repeat costs the provider work
/// (tokens) and changes nothing else. Matched on the forwarded path's last segments, since the gateway forwards the
/// client's path as it is after the provider's base URL, and a route may put its own prefix before the API's path
/// (<c>/openai/v1/chat/completions</c> on a route <c>/openai/{**rest}</c>).
/// </summary>
internal static class ReplayableEndpoints
{
    /// <summary>The generation endpoints of the OpenAI API (and compatible ones) and of Anthropic's.</summary>
    /// <remarks>
    /// Whole endpoints, never a prefix: <c>/v1/messages/batches</c> creates a batch and <c>/v1/threads/{id}/messages</c> adds
    /// a message to a thread; a repeat of either would do it twice.
    /// </remarks>
    private static readonly string[] GenerationEndpoints =
        ["/v1/chat/completions", "/v1/completions", "/v1/embeddings", "/v1/responses", "/v1/messages"];

    /// <summary>The endpoints replayable by default on a route of <paramref name="api"/>.</summary>
    public static string[] Of(RouteApi api) => api is RouteApi.OpenAI or RouteApi.Anthropic ? GenerationEndpoints : [];

    /// <summary>
    /// Gets whether <paramref name="path"/> ends with one of <paramref name="endpoints"/>: each starts with <c>/</c>, so the
    /// match starts at a segment boundary. Ordinal, as providers compare paths; a trailing <c>/</c> does not match.
    /// </summary>
    public static bool Matches(string? path, string[] endpoints)
    {
        if (path is null)
        {
            return false;
        }

        foreach (var endpoint in endpoints)
        {
            if (path.EndsWith(endpoint, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
