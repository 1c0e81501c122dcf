using System.Text.Json;

namespace Bulwark.Gateway.Requests;

/// <summary>
/// What the gateway reads from a JSON request body of an AI API (OpenAI's and Anthropic's take both at the top level):
/// the <c>model</c> asked for, with its place in the body for providers that are sent their own name of it, and the
/// end <c>user</c> OpenAI's API lets a caller name.
/// </summary>
/// <param name="Model">The top-level <c>model</c> string, or <see langword="null"/> when there is none or more than one (which one a provider reads is not known).</param>
/// <param name="User">The top-level <c>user</c> string, if any.</param>
internal sealed record RequestBodyFields(JsonModelField? Model, string? User)
{
    /// <summary>The fields of a JSON object body; both <see langword="null"/> for a body that is not one.</summary>
    public static RequestBodyFields Find(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        JsonModelField? model = null;
        string? user = null;
        bool ambiguous = false;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return new(null, null);
            }

            while (reader.Read() && reader.CurrentDepth > 0)
            {
                if (reader.TokenType != JsonTokenType.PropertyName)
                {
                    continue;
                }

                bool isModel = reader.ValueTextEquals("model"u8);
                bool isUser = !isModel && reader.ValueTextEquals("user"u8);
                reader.Read();
                if (isModel && reader.TokenType == JsonTokenType.String)
                {
                    ambiguous |= model is not null;
                    model = new JsonModelField(reader.GetString()!, (int)reader.TokenStartIndex, reader.ValueSpan.Length + 2);
                }
                else if (isUser && reader.TokenType == JsonTokenType.String)
                {
                    user = reader.GetString();
                }
                else
                {
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON after all: nothing is rewritten in a body a provider may read differently.
            return new(null, null);
        }

        // Names a client writes go to logs, metrics and the ledger: one longer than any model or user name, or with control
        // characters, is not taken (the body still goes as it came).
        return new(ambiguous || model is null || !IsName(model.Name) ? null : model, user is not null && IsName(user) ? user : null);
    }

    /// <summary>The longest model or user name taken from a body: 256 characters.</summary>
    public const int MaxNameLength = 256;

    private static bool IsName(string value) => value.Length is > 0 and <= MaxNameLength && !value.Any(char.IsControl);
}
