namespace Bulwark.Gateway.Tokens;

/// <summary>An upper bound on the prompt (input) tokens a provider will count for one request body.</summary>
/// <param name="Tokens">The bound, never negative.</param>
/// <param name="Method">Whether a tokenizer counted the text or its bytes did.</param>
/// <param name="Encoding">The tiktoken encoding used (<c>o200k_base</c>, <c>cl100k_base</c>); null for
/// <see cref="PromptTokenMethod.Bytes"/>.</param>
/// <param name="Images">The media parts found (images, files, documents, audio), each bounded by its own rule rather than
/// by reading its payload as text.</param>
internal readonly record struct PromptTokenBound(long Tokens, PromptTokenMethod Method, string? Encoding, int Images);
