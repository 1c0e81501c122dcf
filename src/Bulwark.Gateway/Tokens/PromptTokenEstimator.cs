namespace Bulwark.Gateway.Tokens;

/// <summary>
/// An upper bound on the prompt (input) tokens a provider will count for a request body, for reserving a request's
/// maximum cost before it is forwarded. One per gateway; thread-safe.
/// </summary>
/// <remarks>
/// <para>
/// The bound walks the JSON body once (OpenAI chat completions, responses and embeddings bodies, Anthropic messages
/// bodies, or any other JSON object) and adds:
/// </para>
/// <list type="bullet">
/// <item>every property name and string value, unescaped: its token count in the model family's tiktoken encoding
/// (<see cref="PromptTokenMethod.Tokenizer"/>), or its UTF-8 byte count where no tokenizer is known
/// (<see cref="PromptTokenMethod.Bytes"/>: a byte-level tokenizer never makes a token of less than one byte); with a
/// tokenizer, plus <see cref="PromptTokenConstants.SpecialTokenAllowance"/> (15) per <c>&lt;|</c> in the text;</item>
/// <item>every number, <c>true</c>, <c>false</c> and <c>null</c>: its byte length;</item>
/// <item><see cref="PromptTokenConstants.PerObjectAllowance"/> (4) per object, <see cref="PromptTokenConstants.PerArrayElementAllowance"/>
/// (3) per array element and <see cref="PromptTokenConstants.FixedAllowance"/> (3) once: OpenAI's chat template
/// spends 3 per message and 3 to prime the reply, and role and content names are counted on top;</item>
/// <item>tools: <see cref="PromptTokenConstants.ToolUseAllowance"/> (400) when the top-level <c>tools</c> or
/// <c>functions</c> list is not empty, and <see cref="PromptTokenConstants.BuiltInToolAllowance"/> (1,500) per
/// top-level tool whose type is neither <c>function</c> nor <c>custom</c>;</item>
/// <item>media: an object whose <c>type</c> is <c>image_url</c>, <c>input_image</c> or <c>image</c> is one image and
/// adds the per-image bound; <c>file</c>, <c>input_file</c> or <c>document</c> adds its payload's bytes (for its text)
/// plus the per-image bound per page (providers show the model an image of each PDF page): a PDF's page objects
/// counted in the decoded file, or one page per 1,000 bytes (at most 100) where they may hide in compressed object
/// streams, one page for anything else (<see cref="DocumentPages"/>); <c>input_audio</c> adds its payload's bytes.
/// A payload is a string under <c>url</c>, <c>image_url</c>, <c>data</c> or <c>file_data</c> inside that object (at
/// any depth): it is never read as text. Its bytes are its base64-decoded size for a base64 data URL or a base64
/// string, otherwise its UTF-8 byte count. Payload strings outside a media object are counted as text.</item>
/// </list>
/// <para>
/// A body that is empty, not JSON, or not a JSON object is bounded by its byte length plus the fixed allowance.
/// Not bounded, since the body does not show it: state the provider holds (<c>previous_response_id</c>,
/// <c>conversation</c>, a file sent by id or URL beyond one page), and what server-side tools add (web or file search
/// results).
/// </para>
/// </remarks>
internal sealed class PromptTokenEstimator
{
    private readonly int? _imageTokenBound;
    private readonly TiktokenEncodings _encodings = new();

    /// <summary>Creates an estimator.</summary>
    /// <param name="imageTokenBound">The token bound per image for every model family; null (the default) for each
    /// family's own: gpt-4o-mini 48,169; gpt-4.1-nano and gpt-5-nano 3,800; o4-mini 2,700; gpt-4.1-mini and
    /// gpt-5-mini 2,500; every other family, Claude and unknown 1,600. At least 0.</param>
    public PromptTokenEstimator(int? imageTokenBound = null)
    {
        if (imageTokenBound is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(imageTokenBound), imageTokenBound, "The image token bound cannot be negative.");
        }

        _imageTokenBound = imageTokenBound;
    }

    /// <summary>How many tiktoken encodings this estimator has loaded (0 to 2); each loads on first use.</summary>
    internal int LoadedEncodings => _encodings.Loaded;

    /// <summary>
    /// Loads the tokenizer <paramref name="model"/>'s family uses, if any, so the first request does not wait for it
    /// (o200k_base takes 0.3 to 1 s and about 42 MB; cl100k_base about half of that). Thread-safe; loads once.
    /// </summary>
    /// <returns>Whether the family has a tokenizer.</returns>
    public bool Preload(string? model)
    {
        var encoding = ModelFamily.Of(model).Encoding;
        if (encoding == TiktokenEncoding.None)
        {
            return false;
        }

        _encodings.Get(encoding);
        return true;
    }

    /// <summary>
    /// An upper bound on the prompt (input) tokens the provider will count for this JSON request body (OpenAI chat
    /// completions / responses / embeddings, or Anthropic messages), for <paramref name="model"/> (the body's model,
    /// may be null). Never throws for any body.
    /// </summary>
    public PromptTokenBound UpperBound(ReadOnlySpan<byte> jsonBody, string? model)
    {
        var family = ModelFamily.Of(model);
        var imageTokens = _imageTokenBound ?? family.ImageTokens;
        if (jsonBody.StartsWith("\uFEFF"u8))
        {
            jsonBody = jsonBody[3..];
        }

        if (!StartsLikeObject(jsonBody))
        {
            return WholeBody(jsonBody);
        }

        var tokenizer = family.Encoding == TiktokenEncoding.None ? null : _encodings.Get(family.Encoding);
        var walker = new PromptBodyWalker(jsonBody, tokenizer, imageTokens);
        try
        {
            if (!walker.TryWalk(out var tokens, out var media))
            {
                return WholeBody(jsonBody);
            }

            return tokenizer is null
                ? new(tokens, PromptTokenMethod.Bytes, null, media)
                : new(tokens, PromptTokenMethod.Tokenizer, TiktokenEncodings.Name(family.Encoding), media);
        }
        finally
        {
            walker.Dispose();
        }
    }

    private static PromptTokenBound WholeBody(ReadOnlySpan<byte> body) =>
        new(body.Length + PromptTokenConstants.FixedAllowance, PromptTokenMethod.Bytes, null, 0);

    // Saves loading a tokenizer for a body that cannot be an object; the walk still checks the rest.
    private static bool StartsLikeObject(ReadOnlySpan<byte> body)
    {
        var start = body.IndexOfAnyExcept(" \t\r\n"u8);
        return start >= 0 && body[start] == (byte)'{';
    }
}
