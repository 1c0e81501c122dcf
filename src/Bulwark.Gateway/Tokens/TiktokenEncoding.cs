namespace Bulwark.Gateway.Tokens;

/// <summary>The tiktoken encodings the estimator can load.</summary>
internal enum TiktokenEncoding
{
    /// <summary>No tokenizer: bound by bytes.</summary>
    None,

    /// <summary><c>o200k_base</c>: gpt-4o, gpt-4.1, gpt-4.5, gpt-5, o1, o3, o4.</summary>
    O200kBase,

    /// <summary><c>cl100k_base</c>: gpt-4, gpt-3.5, text-embedding-3, text-embedding-ada-002.</summary>
    Cl100kBase,
}
