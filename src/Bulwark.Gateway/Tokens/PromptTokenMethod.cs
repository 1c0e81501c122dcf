namespace Bulwark.Gateway.Tokens;

/// <summary>How a <see cref="PromptTokenBound"/> was computed.</summary>
internal enum PromptTokenMethod
{
    /// <summary>The model family's own tiktoken encoding counted the body's text.</summary>
    Tokenizer,

    /// <summary>No tokenizer is known for the model (or the body is not a JSON object): the UTF-8 byte count of the
    /// body's text, since a byte-level tokenizer never makes a token of less than one byte.</summary>
    Bytes,
}
