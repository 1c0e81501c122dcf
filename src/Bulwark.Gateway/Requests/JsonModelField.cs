using System.Text.Json;

namespace Bulwark.Gateway.Requests;

/// <summary>
/// The top-level <c>model</c> of a JSON request body (as OpenAI's and Anthropic's APIs take it): its value, and where its
/// JSON string lies in the body, so that it can be replaced with every other byte left as it was.
/// </summary>
internal sealed class JsonModelField
{
    public JsonModelField(string name, int tokenStart, int tokenLength)
    {
        Name = name;
        TokenStart = tokenStart;
        TokenLength = tokenLength;
    }

    /// <summary>Gets the model the body names.</summary>
    public string Name { get; }

    /// <summary>Gets the offset of the value's opening quote.</summary>
    public int TokenStart { get; }

    /// <summary>Gets the length of the value, quotes and escapes included.</summary>
    public int TokenLength { get; }

    /// <summary>The body with this field's value replaced by <paramref name="model"/>; every other byte as it was.</summary>
    public byte[] ReplaceIn(ReadOnlySpan<byte> json, string model)
    {
        var encoded = JsonEncodedText.Encode(model).EncodedUtf8Bytes;
        var result = new byte[json.Length - TokenLength + encoded.Length + 2];
        json[..TokenStart].CopyTo(result);
        int at = TokenStart;
        result[at++] = (byte)'"';
        encoded.CopyTo(result.AsSpan(at));
        at += encoded.Length;
        result[at++] = (byte)'"';
        json[(TokenStart + TokenLength)..].CopyTo(result.AsSpan(at));
        return result;
    }
}
