namespace Bulwark.Gateway.Usage;

/// <summary>
/// The usage figures read from a response so far, as the provider wrote them; a later report of a field replaces an
/// earlier one (Anthropic's <c>message_delta</c> carries the final output count after <c>message_start</c>'s).
/// </summary>
internal struct TokenUsage
{
    /// <summary>The response's <c>model</c>.</summary>
    public string? Model;

    /// <summary><c>prompt_tokens</c> or <c>input_tokens</c> (Anthropic's excludes its cache reads and writes).</summary>
    public long? Input;

    /// <summary><c>completion_tokens</c> or <c>output_tokens</c>.</summary>
    public long? Output;

    /// <summary>OpenAI's <c>prompt_tokens_details.cached_tokens</c> (or <c>input_tokens_details.cached_tokens</c>): part of <see cref="Input"/>.</summary>
    public long? CachedDetail;

    /// <summary>Anthropic's <c>cache_read_input_tokens</c>: in addition to <see cref="Input"/>.</summary>
    public long? CacheRead;

    /// <summary>Anthropic's <c>cache_creation_input_tokens</c>: in addition to <see cref="Input"/>.</summary>
    public long? CacheCreation;

    /// <summary>Gets whether any token count was read.</summary>
    public readonly bool HasTokens => Input is not null || Output is not null;

    /// <summary>All input tokens, cached ones included (Anthropic's cache reads and writes added to its input count).</summary>
    public readonly long? TotalInput => Input is null && CacheRead is null && CacheCreation is null
        ? null
        : (Input ?? 0) + (CacheRead ?? 0) + (CacheCreation ?? 0);

    /// <summary>The input tokens read from the provider's prompt cache, when it reported them.</summary>
    public readonly long? CachedInput => CacheRead ?? CachedDetail;
}
