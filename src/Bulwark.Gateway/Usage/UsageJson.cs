using System.Text.Json;

namespace Bulwark.Gateway.Usage;

/// <summary>
/// Reads <c>model</c> and <c>usage</c> from one JSON document of OpenAI's or Anthropic's API: a whole response body, or
/// one SSE event's data (a chat completion chunk; Anthropic's <c>message_start</c>, whose figures sit in <c>message</c>,
/// and <c>message_delta</c>; a Responses API event, whose figures sit in <c>response</c>).
/// </summary>
internal static class UsageJson
{
    private const int MaxDepth = 64;

    /// <summary>Adds what <paramref name="json"/> says to <paramref name="usage"/>; a document that is not valid JSON adds nothing.</summary>
    public static void Read(ReadOnlySpan<byte> json, ref TokenUsage usage)
    {
        var found = usage;
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = MaxDepth });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return;
            }

            ReadObject(ref reader, ref found, nested: false);
        }
        catch (JsonException)
        {
            return;
        }

        usage = found;
    }

    private static void ReadObject(ref Utf8JsonReader reader, ref TokenUsage usage, bool nested)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("model"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String)
                {
                    // A chunk repeats the model; the string is made once.
                    if (usage.Model is null || !reader.ValueTextEquals(usage.Model))
                    {
                        usage.Model = reader.GetString();
                    }
                }
                else
                {
                    reader.Skip();
                }
            }
            else if (reader.ValueTextEquals("usage"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    ReadUsage(ref reader, ref usage);
                }
                else
                {
                    reader.Skip();
                }
            }
            else if (!nested && (reader.ValueTextEquals("message"u8) || reader.ValueTextEquals("response"u8)))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    ReadObject(ref reader, ref usage, nested: true);
                }
                else
                {
                    reader.Skip();
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    private static void ReadUsage(ref Utf8JsonReader reader, ref TokenUsage usage)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("prompt_tokens"u8) || reader.ValueTextEquals("input_tokens"u8))
            {
                usage.Input = Number(ref reader) ?? usage.Input;
            }
            else if (reader.ValueTextEquals("completion_tokens"u8) || reader.ValueTextEquals("output_tokens"u8))
            {
                usage.Output = Number(ref reader) ?? usage.Output;
            }
            else if (reader.ValueTextEquals("cache_read_input_tokens"u8))
            {
                usage.CacheRead = Number(ref reader) ?? usage.CacheRead;
            }
            else if (reader.ValueTextEquals("cache_creation_input_tokens"u8))
            {
                usage.CacheCreation = Number(ref reader) ?? usage.CacheCreation;
            }
            else if (reader.ValueTextEquals("prompt_tokens_details"u8) || reader.ValueTextEquals("input_tokens_details"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    reader.Skip();
                    continue;
                }

                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("cached_tokens"u8))
                    {
                        usage.CachedDetail = Number(ref reader) ?? usage.CachedDetail;
                    }
                    else
                    {
                        reader.Read();
                        reader.Skip();
                    }
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    /// <summary>Reads the property's value: a non-negative whole number, else <see langword="null"/> (and the value skipped).</summary>
    private static long? Number(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out long value) && value >= 0)
        {
            return value;
        }

        reader.Skip();
        return null;
    }
}
