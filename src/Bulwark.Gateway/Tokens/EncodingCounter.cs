using System.Collections.Frozen;
using Microsoft.ML.Tokenizers;

namespace Bulwark.Gateway.Tokens;

/// <summary>
/// Counts text in one tiktoken encoding, answering the property names and small values every request body repeats
/// (<c>role</c>, <c>content</c>, <c>user</c>, <c>type</c>…) from a table computed once by the same tokenizer: most of a
/// chat body's strings are those, and the tokenizer spends a few hundred nanoseconds and an allocation on each call.
/// </summary>
internal sealed class EncodingCounter
{
    internal static readonly string[] CommonStrings =
    [
        "role", "content", "name", "system", "developer", "user", "assistant", "tool", "function", "model", "messages",
        "input", "instructions", "type", "text", "input_text", "output_text", "image_url", "input_image", "url", "detail",
        "auto", "low", "high", "tool_calls", "tool_call_id", "id", "call_id", "arguments", "function_call",
        "function_call_output", "tools", "tool_choice", "parameters", "properties", "description", "required", "object",
        "string", "number", "integer", "boolean", "array", "items", "enum", "strict", "max_tokens",
        "max_completion_tokens", "max_output_tokens", "temperature", "top_p", "stream", "stream_options",
        "include_usage", "stop", "stop_sequences", "seed", "response_format", "json_schema", "schema", "reasoning",
        "effort", "tool_use", "tool_result", "tool_use_id", "is_error", "source", "media_type", "data", "base64",
        "cache_control", "ephemeral", "thinking", "budget_tokens", "metadata", "user_id", "encoding_format",
        "dimensions", "float", "refusal", "audio", "modalities", "store", "parallel_tool_calls",
    ];

    private readonly Tokenizer _tokenizer;
    private readonly FrozenDictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _common;
    private readonly int _longestCommon;

    public EncodingCounter(Tokenizer tokenizer)
    {
        _tokenizer = tokenizer;
        var common = CommonStrings.Distinct().ToFrozenDictionary(static s => s, s => tokenizer.CountTokens(s), StringComparer.Ordinal);
        _common = common.GetAlternateLookup<ReadOnlySpan<char>>();
        _longestCommon = CommonStrings.Max(static s => s.Length);
    }

    /// <summary>The tokens of <paramref name="text"/>, exactly as the tokenizer counts them.</summary>
    public int Count(ReadOnlySpan<char> text) =>
        text.Length <= _longestCommon && _common.TryGetValue(text, out var count) ? count : _tokenizer.CountTokens(text);
}
