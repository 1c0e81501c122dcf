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
    /// <summary>
    /// Gets the largest output cap the body sets (<c>max_completion_tokens</c>, <c>max_tokens</c> or
    /// <c>max_output_tokens</c>, whichever are present), or <see langword="null"/> when it sets none.
    /// </summary>
    public long? MaxOutputTokens { get; init; }

    /// <summary>Gets how many answers the body asks for (OpenAI's <c>n</c>), 1 when it says nothing.</summary>
    public int Choices { get; init; } = 1;

    /// <summary>
    /// Gets the first output cap or answer count the body sets that is not a whole number in range (caps 1 to
    /// 1,000,000; <c>n</c> and <c>best_of</c> 1 to 128), by name; <see langword="null"/> when every one is.
    /// </summary>
    public string? InvalidLimit { get; init; }

    /// <summary>The largest output cap a body may set: 1,000,000 tokens.</summary>
    public const long MaxOutputCap = 1_000_000;

    /// <summary>The most answers a body may ask for (<c>n</c>, <c>best_of</c>): 128.</summary>
    public const int MaxChoices = 128;

    /// <summary>Gets whether the body was a JSON object (so a field can be added to it).</summary>
    public bool IsObject { get; init; }

    /// <summary>The fields of a JSON object body; both <see langword="null"/> for a body that is not one.</summary>
    public static RequestBodyFields Find(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        JsonModelField? model = null;
        string? user = null;
        bool ambiguous = false;
        long? maxOutput = null;
        int choices = 1;
        string? invalid = null;
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
                string? cap = reader.ValueTextEquals("max_completion_tokens"u8) ? "max_completion_tokens"
                    : reader.ValueTextEquals("max_tokens"u8) ? "max_tokens"
                    : reader.ValueTextEquals("max_output_tokens"u8) ? "max_output_tokens" : null;
                string? count = reader.ValueTextEquals("n"u8) ? "n" : reader.ValueTextEquals("best_of"u8) ? "best_of" : null;
                reader.Read();
                if (cap is not null)
                {
                    // The largest valid cap given is the bound; any other value (null, a fraction, out of range) is named.
                    if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out long value) && value is >= 1 and <= MaxOutputCap)
                    {
                        maxOutput = Math.Max(maxOutput ?? 0, value);
                    }
                    else
                    {
                        invalid ??= cap;
                    }

                    reader.Skip();
                    continue;
                }

                if (count is not null)
                {
                    if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out int n) && n is >= 1 and <= MaxChoices)
                    {
                        choices = Math.Max(choices, n);
                    }
                    else
                    {
                        invalid ??= count;
                    }

                    reader.Skip();
                    continue;
                }

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
        return new(ambiguous || model is null || !IsName(model.Name) ? null : model, user is not null && IsName(user) ? user : null)
        {
            MaxOutputTokens = maxOutput,
            Choices = choices,
            InvalidLimit = invalid,
            IsObject = true,
        };
    }

    /// <summary>The longest model or user name taken from a body: 256 characters.</summary>
    public const int MaxNameLength = 256;

    private static bool IsName(string value) => value.Length is > 0 and <= MaxNameLength && !value.Any(char.IsControl);
}
