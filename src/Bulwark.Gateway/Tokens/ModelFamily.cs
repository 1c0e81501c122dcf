namespace Bulwark.Gateway.Tokens;

/// <summary>What the estimator knows of a model: its tiktoken encoding (if any) and its per-image token bound.</summary>
internal readonly record struct ModelFamily(TiktokenEncoding Encoding, int ImageTokens)
{
    private static readonly ModelFamily Unknown = new(TiktokenEncoding.None, PromptTokenConstants.DefaultImageTokens);

    /// <summary>
    /// The family of a body's <c>model</c>, by prefix, ignoring case and any routing prefix up to the last <c>/</c>
    /// (<c>openai/gpt-4o</c>): gpt-4o*, gpt-4.1*, gpt-4.5*, gpt-5*, o1*, o3*, o4*, chatgpt-4o* use o200k_base; gpt-4 and
    /// gpt-4-*, gpt-3.5*, text-embedding-3*, text-embedding-ada-002 use cl100k_base; everything else (Claude, Llama,
    /// Mistral, an unknown or missing model) has no tokenizer here.
    /// </summary>
    public static ModelFamily Of(string? model)
    {
        if (string.IsNullOrEmpty(model))
        {
            return Unknown;
        }

        var name = model.AsSpan();
        var slash = name.LastIndexOf('/');
        if (slash >= 0)
        {
            name = name[(slash + 1)..];
        }

        if (Starts(name, "gpt-4o-mini"))
        {
            return new(TiktokenEncoding.O200kBase, PromptTokenConstants.Gpt4oMiniImageTokens);
        }

        if (Starts(name, "gpt-4.1-nano") || Starts(name, "gpt-5-nano"))
        {
            return new(TiktokenEncoding.O200kBase, PromptTokenConstants.NanoPatchImageTokens);
        }

        if (Starts(name, "gpt-4.1-mini") || Starts(name, "gpt-5-mini"))
        {
            return new(TiktokenEncoding.O200kBase, PromptTokenConstants.MiniPatchImageTokens);
        }

        if (Starts(name, "o4-mini"))
        {
            return new(TiktokenEncoding.O200kBase, PromptTokenConstants.O4MiniPatchImageTokens);
        }

        if (Starts(name, "gpt-4o") || Starts(name, "gpt-4.1") || Starts(name, "gpt-4.5") || Starts(name, "gpt-5")
            || Starts(name, "o1") || Starts(name, "o3") || Starts(name, "o4") || Starts(name, "chatgpt-4o"))
        {
            return new(TiktokenEncoding.O200kBase, PromptTokenConstants.DefaultImageTokens);
        }

        if (name.Equals("gpt-4", StringComparison.OrdinalIgnoreCase) || Starts(name, "gpt-4-") || Starts(name, "gpt-3.5")
            || Starts(name, "text-embedding-3") || Starts(name, "text-embedding-ada-002"))
        {
            return new(TiktokenEncoding.Cl100kBase, PromptTokenConstants.DefaultImageTokens);
        }

        return Unknown;
    }

    private static bool Starts(ReadOnlySpan<char> name, string prefix) =>
        name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase);
}
