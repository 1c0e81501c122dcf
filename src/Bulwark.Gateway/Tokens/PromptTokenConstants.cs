namespace Bulwark.Gateway.Tokens;

/// <summary>
/// The allowances of <see cref="PromptTokenEstimator"/>'s bound, beyond the tokens of the body's own text. Each is
/// chosen to be at least what the provider adds, so the bound stays an upper bound.
/// </summary>
internal static class PromptTokenConstants
{
    /// <summary>Added once per body: OpenAI primes every reply with 3 tokens (<c>&lt;|start|&gt;assistant&lt;|message|&gt;</c>).</summary>
    public const int FixedAllowance = 3;

    /// <summary>Added per JSON object: OpenAI's chat template spends 3 tokens per message
    /// (<c>&lt;|start|&gt;</c>, the separator after the role, <c>&lt;|end|&gt;</c>); one more covers a name's extra token.</summary>
    public const int PerObjectAllowance = 4;

    /// <summary>Added per element of any JSON array: the separators a provider's rendering puts between list items
    /// (a tool's enum renders as <c>"a" | "b"</c>: a quote and a bar around each value).</summary>
    public const int PerArrayElementAllowance = 3;

    /// <summary>Added per <c>&lt;|</c> in a text counted by a tokenizer: the tokenizer reads a special token such as
    /// <c>&lt;|endoftext|&gt;</c> as one token, while the provider encodes the client's text as ordinary text, at most one
    /// token per byte of the longest special token's 15 bytes (<c>&lt;|endofprompt|&gt;</c>).</summary>
    public const int SpecialTokenAllowance = 15;

    /// <summary>Added once when the body's top-level <c>tools</c> (or <c>functions</c>) list is not empty: Anthropic adds a
    /// tool-use system prompt of up to 346 tokens; OpenAI wraps function definitions in a namespace of a few dozen.</summary>
    public const int ToolUseAllowance = 400;

    /// <summary>Added per top-level tool whose <c>type</c> is neither <c>function</c> nor <c>custom</c> (a provider's
    /// built-in tool, e.g. Anthropic's <c>computer_*</c>: 735 tokens of definition plus up to 499 of system prompt; its
    /// <c>text_editor_*</c>: 700; <c>bash_*</c>: 245). The tool's definition is not in the body, so its own text counts
    /// for nothing.</summary>
    public const int BuiltInToolAllowance = 1_500;

    /// <summary>Per image for gpt-4o-mini: 2,833 base + 8 tiles × 5,667 (its image tokens are counted high and priced
    /// low).</summary>
    public const int Gpt4oMiniImageTokens = 48_169;

    /// <summary>Per image for the patch-counted nano models (gpt-4.1-nano, gpt-5-nano): 1,536 patches × 2.46.</summary>
    public const int NanoPatchImageTokens = 3_800;

    /// <summary>Per image for o4-mini: 1,536 patches × 1.72.</summary>
    public const int O4MiniPatchImageTokens = 2_700;

    /// <summary>Per image for the patch-counted mini models (gpt-4.1-mini, gpt-5-mini): 1,536 patches × 1.62.</summary>
    public const int MiniPatchImageTokens = 2_500;

    /// <summary>Per image for the other OpenAI families (tile-counted: 85 base + 170 × 8 tiles = 1,445 for gpt-4o, less for
    /// o1/o3/gpt-5), rounded up; also Claude's (about 1.15 megapixels / 750 = 1,568) and any unknown family's.</summary>
    public const int DefaultImageTokens = 1_600;
}
