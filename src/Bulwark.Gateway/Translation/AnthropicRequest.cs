using System.Buffers;
using System.Text.Json;

namespace Bulwark.Gateway.Translation;

/// <summary>
/// Translates an OpenAI chat completion request into an Anthropic Messages API request. Every field of the request is
/// either translated or refused with its name: nothing a client asked for is silently dropped. A field set to
/// <see langword="null"/>, or to the value that means "not used" (<c>n: 1</c>, <c>logprobs: false</c>, a penalty of 0),
/// is taken as absent.
/// </summary>
/// <remarks>
/// <para>What is translated: <c>messages</c> (system and developer messages go to <c>system</c>, in order; tool results to
/// <c>tool_result</c> blocks of a user turn; assistant <c>tool_calls</c> to <c>tool_use</c> blocks; text and image parts,
/// images as a data URL or an https URL), <c>max_completion_tokens</c> or <c>max_tokens</c> (else the provider's
/// default), <c>temperature</c> (0 to 1: Anthropic's range), <c>top_p</c>, <c>stop</c>, <c>stream</c> and
/// <c>stream_options.include_usage</c>, <c>tools</c> (functions), <c>tool_choice</c>, <c>parallel_tool_calls</c>, and
/// <c>user</c> or <c>safety_identifier</c> (to <c>metadata.user_id</c>).</para>
/// <para>Consecutive messages of one role are joined into one turn, as Anthropic's API takes them.</para>
/// </remarks>
internal static class AnthropicRequest
{
    private const int MaxDepth = 128;

    /// <summary>The image types Anthropic's API takes.</summary>
    private static readonly string[] ImageMediaTypes = ["image/jpeg", "image/png", "image/gif", "image/webp"];

    /// <summary>Translates <paramref name="chatCompletion"/>; <paramref name="model"/> is the model name to send.</summary>
    public static AnthropicRequestTranslation Translate(ReadOnlySpan<byte> chatCompletion, string? model, int defaultMaxTokens)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(chatCompletion.ToArray(), new JsonDocumentOptions { MaxDepth = MaxDepth });
        }
        catch (JsonException)
        {
            return AnthropicRequestTranslation.Refused("the request body is not valid JSON");
        }

        using (document)
        {
            try
            {
                return Translate(document.RootElement, model, defaultMaxTokens);
            }
            catch (UntranslatableException e)
            {
                return AnthropicRequestTranslation.Refused(e.Message);
            }
        }
    }

    private static AnthropicRequestTranslation Translate(JsonElement root, string? model, int defaultMaxTokens)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new UntranslatableException("the request body is not a JSON object");
        }

        var fields = new Fields(root);
        var output = new ArrayBufferWriter<byte>(1024);
        using var writer = new Utf8JsonWriter(output);
        writer.WriteStartObject();

        string name = model ?? fields.String("model") ?? throw new UntranslatableException("the request names no 'model'");
        fields.Take("model");
        writer.WriteString("model", name);
        writer.WriteNumber("max_tokens", MaxTokens(fields, defaultMaxTokens));

        var messages = fields.Take("messages");
        if (messages is not { ValueKind: JsonValueKind.Array } || messages.Value.GetArrayLength() == 0)
        {
            throw new UntranslatableException("'messages' must be a non-empty array");
        }

        WriteMessages(writer, messages.Value);

        if (fields.Take("stop") is { } stop)
        {
            writer.WritePropertyName("stop_sequences");
            writer.WriteStartArray();
            if (stop.ValueKind == JsonValueKind.String)
            {
                writer.WriteStringValue(stop.GetString());
            }
            else if (stop.ValueKind == JsonValueKind.Array)
            {
                foreach (var sequence in stop.EnumerateArray())
                {
                    writer.WriteStringValue(sequence.ValueKind == JsonValueKind.String ? sequence.GetString() : throw new UntranslatableException("'stop' must be a string or an array of strings"));
                }
            }
            else
            {
                throw new UntranslatableException("'stop' must be a string or an array of strings");
            }

            writer.WriteEndArray();
        }

        if (fields.Take("temperature") is { } temperature)
        {
            if (temperature.ValueKind != JsonValueKind.Number || temperature.GetDouble() is < 0 or > 1)
            {
                throw new UntranslatableException("'temperature' must be a number from 0 to 1 for Anthropic (OpenAI's range goes to 2)");
            }

            writer.WritePropertyName("temperature");
            temperature.WriteTo(writer);
        }

        if (fields.Take("top_p") is { } topP)
        {
            writer.WritePropertyName("top_p");
            topP.WriteTo(writer);
        }

        var tools = fields.Take("tools");
        if (tools is { } toolList)
        {
            WriteTools(writer, toolList);
        }

        WriteToolChoice(writer, fields.Take("tool_choice"), fields.Take("parallel_tool_calls"));

        string? user = fields.String("safety_identifier") ?? fields.String("user");
        fields.Take("user");
        if (user is not null)
        {
            writer.WritePropertyName("metadata");
            writer.WriteStartObject();
            writer.WriteString("user_id", user);
            writer.WriteEndObject();
        }

        bool stream = fields.Take("stream") is { } streamValue && (streamValue.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? streamValue.GetBoolean()
            : throw new UntranslatableException("'stream' must be true or false"));
        bool includeUsage = false;
        if (fields.Take("stream_options") is { } options)
        {
            includeUsage = StreamOptions(options);
        }

        if (stream)
        {
            writer.WriteBoolean("stream", true);
        }

        // Fields that change nothing at their "not used" value; any other value cannot be honoured by Anthropic's API.
        fields.TakeIfUnused("n", static v => v.ValueKind == JsonValueKind.Number && v.GetDouble() == 1, "only n: 1 can be served by Anthropic");
        fields.TakeIfUnused("logprobs", static v => v.ValueKind == JsonValueKind.False, "Anthropic's API returns no log probabilities");
        fields.TakeIfUnused("presence_penalty", static v => v.ValueKind == JsonValueKind.Number && v.GetDouble() == 0, "Anthropic's API has no presence penalty");
        fields.TakeIfUnused("frequency_penalty", static v => v.ValueKind == JsonValueKind.Number && v.GetDouble() == 0, "Anthropic's API has no frequency penalty");
        fields.TakeIfUnused("store", static v => v.ValueKind == JsonValueKind.False, "Anthropic's API does not store completions");
        fields.TakeIfUnused("response_format", static v => v.ValueKind == JsonValueKind.Object && v.TryGetProperty("type", out var t) && t.ValueEquals("text"), "Anthropic's API has no response_format (only type 'text' can be served)");
        fields.TakeIfUnused("modalities", static v => v.ValueKind == JsonValueKind.Array && v.GetArrayLength() == 1 && v[0].ValueEquals("text"), "Anthropic's API answers in text only");

        if (fields.FirstUnknown() is { } unknown)
        {
            throw new UntranslatableException($"'{Shorten(unknown)}' cannot be translated for Anthropic's API");
        }

        writer.WriteEndObject();
        writer.Flush();
        return new AnthropicRequestTranslation(output.WrittenSpan.ToArray(), null, stream, includeUsage);
    }

    private static int MaxTokens(Fields fields, int defaultMaxTokens)
    {
        var completion = fields.Take("max_completion_tokens");
        var legacy = fields.Take("max_tokens");
        if ((completion ?? legacy) is not { } value)
        {
            return defaultMaxTokens;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int tokens) && tokens > 0
            ? tokens
            : throw new UntranslatableException("'max_completion_tokens' (or 'max_tokens') must be a positive whole number");
    }

    private static bool StreamOptions(JsonElement options)
    {
        if (options.ValueKind != JsonValueKind.Object)
        {
            throw new UntranslatableException("'stream_options' must be an object");
        }

        bool includeUsage = false;
        foreach (var option in options.EnumerateObject())
        {
            if (option.NameEquals("include_usage") && option.Value.ValueKind is JsonValueKind.True or JsonValueKind.False)
            {
                includeUsage = option.Value.GetBoolean();
            }
            else if (option.Value.ValueKind != JsonValueKind.Null && !(option.NameEquals("include_obfuscation") && option.Value.ValueKind == JsonValueKind.False))
            {
                throw new UntranslatableException($"'stream_options.{Shorten(option.Name)}' cannot be translated for Anthropic's API");
            }
        }

        return includeUsage;
    }

    private static void WriteMessages(Utf8JsonWriter writer, JsonElement messages)
    {
        // System text first (Anthropic takes it apart from the turns), then the turns with consecutive roles joined.
        var system = new List<string>();
        var turns = new List<(string Role, List<Action<Utf8JsonWriter>> Blocks)>();
        int index = 0;
        foreach (var message in messages.EnumerateArray())
        {
            string at = $"messages[{index++}]";
            if (message.ValueKind != JsonValueKind.Object || !message.TryGetProperty("role", out var roleValue) || roleValue.ValueKind != JsonValueKind.String)
            {
                throw new UntranslatableException($"'{at}' must be an object with a 'role'");
            }

            string role = roleValue.GetString()!;
            var fields = new Fields(message);
            fields.Take("role");
            switch (role)
            {
                case "system" or "developer":
                    system.Add(TextOf(fields.Take("content"), at));
                    break;
                case "user":
                    AddTurn(turns, "user", UserBlocks(fields.Take("content"), at));
                    break;
                case "assistant":
                    AddTurn(turns, "assistant", AssistantBlocks(fields, at));
                    break;
                case "tool":
                    AddTurn(turns, "user", [ToolResult(fields, at)]);
                    break;
                default:
                    throw new UntranslatableException($"'{at}.role' '{Shorten(role)}' cannot be translated for Anthropic's API");
            }

            if (fields.FirstUnknown() is { } unknown)
            {
                throw new UntranslatableException($"'{at}.{Shorten(unknown)}' cannot be translated for Anthropic's API");
            }
        }

        if (system.Count > 0)
        {
            writer.WriteString("system", string.Join("\n\n", system));
        }

        if (turns.Count == 0)
        {
            throw new UntranslatableException("'messages' holds only system messages; Anthropic's API needs at least one user message");
        }

        writer.WritePropertyName("messages");
        writer.WriteStartArray();
        foreach (var (role, blocks) in turns)
        {
            writer.WriteStartObject();
            writer.WriteString("role", role);
            writer.WritePropertyName("content");
            writer.WriteStartArray();
            foreach (var block in blocks)
            {
                block(writer);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static void AddTurn(List<(string Role, List<Action<Utf8JsonWriter>> Blocks)> turns, string role, List<Action<Utf8JsonWriter>> blocks)
    {
        if (turns.Count > 0 && turns[^1].Role == role)
        {
            turns[^1].Blocks.AddRange(blocks);
        }
        else
        {
            turns.Add((role, blocks));
        }
    }

    /// <summary>The text of a system or tool message: a string, or text parts joined.</summary>
    private static string TextOf(JsonElement? content, string at)
    {
        if (content is not { } value)
        {
            throw new UntranslatableException($"'{at}.content' is required");
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            return value.GetString()!;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            throw new UntranslatableException($"'{at}.content' must be a string or an array of text parts");
        }

        var text = new System.Text.StringBuilder();
        int i = 0;
        foreach (var part in value.EnumerateArray())
        {
            text.Append(TextPart(part, $"{at}.content[{i++}]"));
        }

        return text.ToString();
    }

    private static string TextPart(JsonElement part, string at)
    {
        var fields = new Fields(part);
        if (part.ValueKind != JsonValueKind.Object || fields.String("type") != "text" || fields.String("text") is not { } text)
        {
            throw new UntranslatableException($"'{at}' must be a text part here");
        }

        fields.Take("type");
        fields.Take("text");
        return fields.FirstUnknown() is { } unknown
            ? throw new UntranslatableException($"'{at}.{Shorten(unknown)}' cannot be translated for Anthropic's API")
            : text;
    }

    private static List<Action<Utf8JsonWriter>> UserBlocks(JsonElement? content, string at)
    {
        if (content is not { } value)
        {
            throw new UntranslatableException($"'{at}.content' is required");
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            return [TextBlock(value.GetString()!)];
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            throw new UntranslatableException($"'{at}.content' must be a string or an array of parts");
        }

        var blocks = new List<Action<Utf8JsonWriter>>();
        int i = 0;
        foreach (var part in value.EnumerateArray())
        {
            string partAt = $"{at}.content[{i++}]";
            string? type = part.ValueKind == JsonValueKind.Object && part.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            blocks.Add(type switch
            {
                "text" => TextBlock(TextPart(part, partAt)),
                "image_url" => ImageBlock(part, partAt),
                _ => throw new UntranslatableException($"'{partAt}' of type '{Shorten(type ?? "?")}' cannot be translated for Anthropic's API"),
            });
        }

        return blocks;
    }

    private static Action<Utf8JsonWriter> TextBlock(string text) => writer =>
    {
        writer.WriteStartObject();
        writer.WriteString("type", "text");
        writer.WriteString("text", text);
        writer.WriteEndObject();
    };

    private static Action<Utf8JsonWriter> ImageBlock(JsonElement part, string at)
    {
        var fields = new Fields(part);
        fields.Take("type");
        if (fields.Take("image_url") is not { ValueKind: JsonValueKind.Object } image)
        {
            throw new UntranslatableException($"'{at}.image_url' must be an object with a 'url'");
        }

        if (fields.FirstUnknown() is { } unknown)
        {
            throw new UntranslatableException($"'{at}.{Shorten(unknown)}' cannot be translated for Anthropic's API");
        }

        var imageFields = new Fields(image);
        string url = imageFields.String("url") ?? throw new UntranslatableException($"'{at}.image_url.url' is required");
        imageFields.Take("url");
        imageFields.TakeIfUnused("detail", static v => v.ValueEquals("auto"), "Anthropic's API has no image detail level (only 'auto' can be served)");
        if (imageFields.FirstUnknown() is { } unknownImage)
        {
            throw new UntranslatableException($"'{at}.image_url.{Shorten(unknownImage)}' cannot be translated for Anthropic's API");
        }

        if (url.StartsWith("data:", StringComparison.Ordinal))
        {
            // data:image/png;base64,AAAA
            int comma = url.IndexOf(',', StringComparison.Ordinal);
            string header = comma > 5 ? url[5..comma] : string.Empty;
            string mediaType = header.EndsWith(";base64", StringComparison.Ordinal) ? header[..^7] : string.Empty;
            if (Array.IndexOf(ImageMediaTypes, mediaType) < 0)
            {
                throw new UntranslatableException($"'{at}.image_url.url' must be a base64 data URL of {string.Join(", ", ImageMediaTypes)} for Anthropic's API");
            }

            string data = url[(comma + 1)..];
            return writer =>
            {
                writer.WriteStartObject();
                writer.WriteString("type", "image");
                writer.WritePropertyName("source");
                writer.WriteStartObject();
                writer.WriteString("type", "base64");
                writer.WriteString("media_type", mediaType);
                writer.WriteString("data", data);
                writer.WriteEndObject();
                writer.WriteEndObject();
            };
        }

        if (!url.StartsWith("https://", StringComparison.OrdinalIgnoreCase) && !url.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
        {
            throw new UntranslatableException($"'{at}.image_url.url' must be a data URL or an http(s) URL");
        }

        return writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("type", "image");
            writer.WritePropertyName("source");
            writer.WriteStartObject();
            writer.WriteString("type", "url");
            writer.WriteString("url", url);
            writer.WriteEndObject();
            writer.WriteEndObject();
        };
    }

    private static List<Action<Utf8JsonWriter>> AssistantBlocks(Fields fields, string at)
    {
        var blocks = new List<Action<Utf8JsonWriter>>();
        if (fields.Take("content") is { } content)
        {
            string text = content.ValueKind == JsonValueKind.String ? content.GetString()! : TextOf(content, at);
            if (text.Length > 0)
            {
                // Anthropic refuses an empty text block: an assistant turn of tool calls only has none.
                blocks.Add(TextBlock(text));
            }
        }

        if (fields.Take("refusal") is { ValueKind: JsonValueKind.String } refusal && refusal.GetString() is { Length: > 0 } refused)
        {
            blocks.Add(TextBlock(refused));
        }

        if (fields.Take("tool_calls") is { } calls)
        {
            if (calls.ValueKind != JsonValueKind.Array)
            {
                throw new UntranslatableException($"'{at}.tool_calls' must be an array");
            }

            int i = 0;
            foreach (var call in calls.EnumerateArray())
            {
                blocks.Add(ToolUse(call, $"{at}.tool_calls[{i++}]"));
            }
        }

        if (blocks.Count == 0)
        {
            throw new UntranslatableException($"'{at}' has neither content nor tool calls");
        }

        return blocks;
    }

    private static Action<Utf8JsonWriter> ToolUse(JsonElement call, string at)
    {
        var fields = new Fields(call);
        string id = fields.String("id") ?? throw new UntranslatableException($"'{at}.id' is required");
        fields.Take("id");
        fields.TakeIfUnused("type", static v => v.ValueEquals("function"), "only function tool calls can be translated");
        if (fields.Take("function") is not { ValueKind: JsonValueKind.Object } function)
        {
            throw new UntranslatableException($"'{at}.function' is required");
        }

        if (fields.FirstUnknown() is { } unknown)
        {
            throw new UntranslatableException($"'{at}.{Shorten(unknown)}' cannot be translated for Anthropic's API");
        }

        var functionFields = new Fields(function);
        string name = functionFields.String("name") ?? throw new UntranslatableException($"'{at}.function.name' is required");
        string arguments = functionFields.String("arguments") ?? "{}";
        functionFields.Take("name");
        functionFields.Take("arguments");
        if (functionFields.FirstUnknown() is { } unknownFunction)
        {
            throw new UntranslatableException($"'{at}.function.{Shorten(unknownFunction)}' cannot be translated for Anthropic's API");
        }

        // OpenAI carries a call's arguments as a JSON string; Anthropic takes them as the object itself.
        byte[] input;
        try
        {
            using var parsed = JsonDocument.Parse(arguments.Length == 0 ? "{}" : arguments);
            if (parsed.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new UntranslatableException($"'{at}.function.arguments' must hold a JSON object");
            }

            input = System.Text.Encoding.UTF8.GetBytes(arguments.Length == 0 ? "{}" : arguments);
        }
        catch (JsonException)
        {
            throw new UntranslatableException($"'{at}.function.arguments' is not valid JSON");
        }

        return writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("type", "tool_use");
            writer.WriteString("id", id);
            writer.WriteString("name", name);
            writer.WritePropertyName("input");
            writer.WriteRawValue(input, skipInputValidation: true);
            writer.WriteEndObject();
        };
    }

    private static Action<Utf8JsonWriter> ToolResult(Fields fields, string at)
    {
        string id = fields.String("tool_call_id") ?? throw new UntranslatableException($"'{at}.tool_call_id' is required");
        fields.Take("tool_call_id");
        string text = TextOf(fields.Take("content"), at);
        return writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("type", "tool_result");
            writer.WriteString("tool_use_id", id);
            writer.WriteString("content", text);
            writer.WriteEndObject();
        };
    }

    private static void WriteTools(Utf8JsonWriter writer, JsonElement tools)
    {
        if (tools.ValueKind != JsonValueKind.Array)
        {
            throw new UntranslatableException("'tools' must be an array");
        }

        writer.WritePropertyName("tools");
        writer.WriteStartArray();
        int i = 0;
        foreach (var tool in tools.EnumerateArray())
        {
            string at = $"tools[{i++}]";
            var fields = new Fields(tool);
            if (tool.ValueKind != JsonValueKind.Object || fields.String("type") != "function" || fields.Take("function") is not { ValueKind: JsonValueKind.Object } function)
            {
                throw new UntranslatableException($"'{at}' must be a function tool for Anthropic's API");
            }

            fields.Take("type");
            if (fields.FirstUnknown() is { } unknown)
            {
                throw new UntranslatableException($"'{at}.{Shorten(unknown)}' cannot be translated for Anthropic's API");
            }

            var functionFields = new Fields(function);
            string name = functionFields.String("name") ?? throw new UntranslatableException($"'{at}.function.name' is required");
            functionFields.Take("name");
            writer.WriteStartObject();
            writer.WriteString("name", name);
            if (functionFields.String("description") is { } description)
            {
                writer.WriteString("description", description);
            }

            functionFields.Take("description");
            writer.WritePropertyName("input_schema");
            if (functionFields.Take("parameters") is { ValueKind: JsonValueKind.Object } parameters)
            {
                parameters.WriteTo(writer);
            }
            else
            {
                // OpenAI lets a function take no parameters; Anthropic needs a schema: an object with none.
                writer.WriteStartObject();
                writer.WriteString("type", "object");
                writer.WriteStartObject("properties");
                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            functionFields.TakeIfUnused("strict", static v => v.ValueKind == JsonValueKind.False, "strict function schemas cannot be translated for Anthropic's API");
            if (functionFields.FirstUnknown() is { } unknownFunction)
            {
                throw new UntranslatableException($"'{at}.function.{Shorten(unknownFunction)}' cannot be translated for Anthropic's API");
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static void WriteToolChoice(Utf8JsonWriter writer, JsonElement? choice, JsonElement? parallel)
    {
        bool? parallelCalls = parallel is { } p
            ? p.ValueKind is JsonValueKind.True or JsonValueKind.False ? p.GetBoolean() : throw new UntranslatableException("'parallel_tool_calls' must be true or false")
            : null;
        if (choice is null && parallelCalls != false)
        {
            return;
        }

        string type = "auto";
        string? name = null;
        if (choice is { } value)
        {
            if (value.ValueKind == JsonValueKind.String)
            {
                type = value.GetString() switch
                {
                    "auto" => "auto",
                    "required" => "any",
                    "none" => "none",
                    var other => throw new UntranslatableException($"'tool_choice' '{Shorten(other ?? string.Empty)}' cannot be translated for Anthropic's API"),
                };
            }
            else if (value.ValueKind == JsonValueKind.Object && value.TryGetProperty("type", out var t) && t.ValueEquals("function")
                && value.TryGetProperty("function", out var f) && f.ValueKind == JsonValueKind.Object
                && f.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String)
            {
                type = "tool";
                name = n.GetString();
            }
            else
            {
                throw new UntranslatableException("'tool_choice' must be 'auto', 'required', 'none' or a named function for Anthropic's API");
            }
        }

        writer.WritePropertyName("tool_choice");
        writer.WriteStartObject();
        writer.WriteString("type", type);
        if (name is not null)
        {
            writer.WriteString("name", name);
        }

        if (parallelCalls == false && type != "none")
        {
            writer.WriteBoolean("disable_parallel_tool_use", true);
        }

        writer.WriteEndObject();
    }

    private static string Shorten(string name) => name.Length <= 64 ? name : name[..64] + "…";

    /// <summary>The fields of one JSON object, each taken once by the translation; what is left untaken was not understood.</summary>
    private sealed class Fields(JsonElement element)
    {
        private readonly HashSet<string> _taken = new(StringComparer.Ordinal);

        public JsonElement? Take(string name)
        {
            _taken.Add(name);
            return element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;
        }

        public string? String(string name) =>
            element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

        /// <summary>Takes a field that is accepted only at the value meaning "not used".</summary>
        public void TakeIfUnused(string name, Func<JsonElement, bool> unused, string why)
        {
            if (Take(name) is { } value && !unused(value))
            {
                throw new UntranslatableException($"'{name}' cannot be served: {why}");
            }
        }

        public string? FirstUnknown()
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            foreach (var property in element.EnumerateObject())
            {
                if (!_taken.Contains(property.Name) && property.Value.ValueKind != JsonValueKind.Null)
                {
                    return property.Name;
                }
            }

            return null;
        }
    }

    private sealed class UntranslatableException(string message) : Exception(message);
}

/// <summary>An OpenAI chat completion request as an Anthropic Messages API request, or why it cannot be one.</summary>
/// <param name="Body">The Anthropic request body, or <see langword="null"/> when refused.</param>
/// <param name="Refusal">Why the request cannot be sent to Anthropic's API (the field and the reason), or <see langword="null"/>.</param>
/// <param name="Stream">Whether the client asked for a stream.</param>
/// <param name="IncludeUsage">Whether the client asked for a usage chunk at the end of the stream (<c>stream_options.include_usage</c>).</param>
internal sealed record AnthropicRequestTranslation(byte[]? Body, string? Refusal, bool Stream, bool IncludeUsage)
{
    public static AnthropicRequestTranslation Refused(string reason) => new(null, reason, false, false);
}
