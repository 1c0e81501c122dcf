using Microsoft.ML.Tokenizers;

namespace Bulwark.Gateway.Tokens;

/// <summary>
/// The tiktoken encodings, each loaded on first use, once, by one thread (the others wait): most gateways never
/// estimate an OpenAI body, and an encoding costs tens of megabytes and about a second to load.
/// </summary>
internal sealed class TiktokenEncodings
{
    private readonly Lazy<EncodingCounter> _o200k = new(static () => new(TiktokenTokenizer.CreateForEncoding("o200k_base")), LazyThreadSafetyMode.ExecutionAndPublication);
    private readonly Lazy<EncodingCounter> _cl100k = new(static () => new(TiktokenTokenizer.CreateForEncoding("cl100k_base")), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>How many encodings have been loaded so far (0 to 2).</summary>
    public int Loaded => (_o200k.IsValueCreated ? 1 : 0) + (_cl100k.IsValueCreated ? 1 : 0);

    /// <summary>The counter of <paramref name="encoding"/>, loading it if this is its first use.</summary>
    public EncodingCounter Get(TiktokenEncoding encoding) => encoding switch
    {
        TiktokenEncoding.O200kBase => _o200k.Value,
        TiktokenEncoding.Cl100kBase => _cl100k.Value,
        _ => throw new ArgumentOutOfRangeException(nameof(encoding), encoding, "No tokenizer for this encoding."),
    };

    /// <summary>The encoding's tiktoken name.</summary>
    public static string? Name(TiktokenEncoding encoding) => encoding switch
    {
        TiktokenEncoding.O200kBase => "o200k_base",
        TiktokenEncoding.Cl100kBase => "cl100k_base",
        _ => null,
    };
}
