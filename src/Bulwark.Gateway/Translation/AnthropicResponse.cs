using System.Buffers;
using System.Text.Json;
using Bulwark.Gateway.Usage;

namespace Bulwark.Gateway.Translation;

/// <summary>
/// Translates Anthropic Messages API answers into OpenAI chat completion answers: a whole message into a
/// <c>chat.completion</c>, an error body into OpenAI's error shape. Streams go through <see cref="AnthropicEventTranslator"/>.
/// </summary>
internal static class AnthropicResponse
{
    private const int MaxDepth = 128;

    /// <summary>
    /// Writes the <c>chat.completion</c> of Anthropic's <paramref name="message"/> to <paramref name="output"/>;
    /// <see langword="false"/> (and nothing written) when it is not a message.
    /// </summary>
    public static bool TryTranslateMessage(ReadOnlySpan<byte> message, long created, IBufferWriter<byte> output, out TokenUsage usage)
    {
        usage = default;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(message.ToArray(), new JsonDocumentOptions { MaxDepth = MaxDepth });
        }
        catch (JsonException)
        {
            return false;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("type", out var type) || !type.ValueEquals("message")
                || !root.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.Array)
            {
                return false;
            }

            UsageJson.Read(message, ref usage);
            var text = new System.Text.StringBuilder();
            var calls = new List<JsonElement>();
            foreach (var block in content.EnumerateArray())
            {
                if (block.ValueKind != JsonValueKind.Object || !block.TryGetProperty("type", out var blockType))
                {
                    return false;
                }

                if (blockType.ValueEquals("text") && block.TryGetProperty("text", out var part) && part.ValueKind == JsonValueKind.String)
                {
                    text.Append(part.GetString());
                }
                else if (blockType.ValueEquals("tool_use"))
                {
                    calls.Add(block);
                }

                // Thinking blocks are never asked for by a translated request; any other block carries no chat text.
            }

            using var writer = new Utf8JsonWriter(output);
            writer.WriteStartObject();
            writer.WriteString("id", StringOf(root, "id") ?? "msg");
            writer.WriteString("object", "chat.completion");
            writer.WriteNumber("created", created);
            writer.WriteString("model", StringOf(root, "model") ?? string.Empty);
            writer.WriteStartArray("choices");
            writer.WriteStartObject();
            writer.WriteNumber("index", 0);
            writer.WriteStartObject("message");
            writer.WriteString("role", "assistant");
            if (text.Length > 0 || calls.Count == 0)
            {
                writer.WriteString("content", text.ToString());
            }
            else
            {
                writer.WriteNull("content");
            }

            if (calls.Count > 0)
            {
                writer.WriteStartArray("tool_calls");
                foreach (var call in calls)
                {
                    writer.WriteStartObject();
                    writer.WriteString("id", StringOf(call, "id") ?? string.Empty);
                    writer.WriteString("type", "function");
                    writer.WriteStartObject("function");
                    writer.WriteString("name", StringOf(call, "name") ?? string.Empty);
                    writer.WriteString("arguments", call.TryGetProperty("input", out var input) ? input.GetRawText() : "{}");
                    writer.WriteEndObject();
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
            }

            writer.WriteNull("refusal");
            writer.WriteEndObject();
            writer.WriteNull("logprobs");
            writer.WriteString("finish_reason", FinishReason(StringOf(root, "stop_reason")));
            writer.WriteEndObject();
            writer.WriteEndArray();
            WriteUsage(writer, usage);
            writer.WriteEndObject();
        }

        return true;
    }

    /// <summary>Writes OpenAI's error body for an Anthropic error answer (<c>{"type":"error","error":{...}}</c>), keeping its type and message.</summary>
    public static void TranslateError(ReadOnlySpan<byte> body, int statusCode, IBufferWriter<byte> output)
    {
        string type = statusCode >= 500 ? "api_error" : "invalid_request_error";
        string message = $"The provider answered {statusCode}.";
        try
        {
            var reader = new Utf8JsonReader(body);
            using var document = JsonDocument.ParseValue(ref reader);
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
            {
                type = StringOf(error, "type") ?? type;
                message = StringOf(error, "message") ?? message;
            }
        }
        catch (JsonException)
        {
            // Not Anthropic's error shape (a proxy's HTML page, say): the status alone is told.
        }

        using var writer = new Utf8JsonWriter(output);
        WriteError(writer, type, message);
    }

    /// <summary>Writes OpenAI's error object: <c>{"error":{"message","type","param","code"}}</c>.</summary>
    public static void WriteError(Utf8JsonWriter writer, string type, string message)
    {
        writer.WriteStartObject();
        writer.WriteStartObject("error");
        writer.WriteString("message", message);
        writer.WriteString("type", type);
        writer.WriteNull("param");
        writer.WriteNull("code");
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.Flush();
    }

    /// <summary>OpenAI's <c>finish_reason</c> for Anthropic's <c>stop_reason</c>.</summary>
    public static string FinishReason(string? stopReason) => stopReason switch
    {
        "max_tokens" or "model_context_window_exceeded" => "length",
        "tool_use" => "tool_calls",
        "refusal" => "content_filter",
        _ => "stop",
    };

    /// <summary>Writes OpenAI's <c>usage</c>: its prompt count includes the cache reads and writes Anthropic counts apart.</summary>
    public static void WriteUsage(Utf8JsonWriter writer, in TokenUsage usage)
    {
        long input = usage.TotalInput ?? 0;
        long output = usage.Output ?? 0;
        writer.WriteStartObject("usage");
        writer.WriteNumber("prompt_tokens", input);
        writer.WriteNumber("completion_tokens", output);
        writer.WriteNumber("total_tokens", input + output);
        writer.WriteStartObject("prompt_tokens_details");
        writer.WriteNumber("cached_tokens", usage.CacheRead ?? 0);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    internal static string? StringOf(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
