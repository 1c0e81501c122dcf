using System.Buffers;
using System.Text.Json;
using Bulwark.Gateway.Usage;

namespace Bulwark.Gateway.Translation;

/// <summary>
/// Translates the events of an Anthropic Messages API stream, one at a time as they arrive, into the
/// <c>chat.completion.chunk</c> events of an OpenAI chat completion stream: <c>message_start</c> gives the first chunk
/// (the assistant role), text deltas give content deltas, a <c>tool_use</c> block gives a tool call (its id and name, then
/// its arguments as they come), <c>message_delta</c> the finish reason, and <c>message_stop</c> the usage chunk (when the
/// client asked for it) and <c>[DONE]</c>. An <c>error</c> event becomes OpenAI's error object, and the stream is failed.
/// </summary>
internal sealed class AnthropicEventTranslator(long created, bool includeUsage)
{
    /// <summary>The largest single event taken for translation.</summary>
    public const int MaxEventBytes = 1024 * 1024;

    private static ReadOnlySpan<byte> DataPrefix => "data: "u8;

    private static ReadOnlySpan<byte> EventEnd => "\n\n"u8;

    private readonly Dictionary<int, int> _toolByBlock = [];
    private TokenUsage _usage;
    private string _id = "msg";
    private string _model = string.Empty;

    /// <summary>Gets the usage the stream reported so far (input in <c>message_start</c>, the final output count in <c>message_delta</c>).</summary>
    public TokenUsage Usage => _usage;

    /// <summary>Gets whether the stream ended as a message ends (<c>message_stop</c>).</summary>
    public bool Finished { get; private set; }

    /// <summary>Gets the error the stream reported, or why it could not be translated; <see langword="null"/> while it goes well.</summary>
    public string? Failure { get; private set; }

    /// <summary>Gets whether anything has been written for the client.</summary>
    public bool Started { get; private set; }

    /// <summary>Translates one event's data (the JSON after <c>data:</c>), writing the chunks it gives to <paramref name="output"/>.</summary>
    public void Translate(ReadOnlySpan<byte> data, IBufferWriter<byte> output)
    {
        if (Finished || Failure is not null)
        {
            return;
        }

        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(data, new JsonReaderOptions { MaxDepth = 128 });
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException)
        {
            Failure = "the provider's stream held an event that is not JSON";
            return;
        }

        using (document)
        {
            var root = document.RootElement;
            string? type = AnthropicResponse.StringOf(root, "type");
            switch (type)
            {
                case "message_start":
                    UsageJson.Read(data, ref _usage);
                    if (root.TryGetProperty("message", out var message))
                    {
                        _id = AnthropicResponse.StringOf(message, "id") ?? _id;
                        _model = AnthropicResponse.StringOf(message, "model") ?? _model;
                    }

                    WriteChunk(output, static w =>
                    {
                        w.WriteString("role", "assistant");
                        w.WriteString("content", string.Empty);
                    }, finishReason: null);
                    break;

                case "content_block_start" when root.TryGetProperty("content_block", out var block):
                    StartBlock(root, block, output);
                    break;

                case "content_block_delta" when root.TryGetProperty("delta", out var delta):
                    Delta(root, delta, output);
                    break;

                case "message_delta":
                    UsageJson.Read(data, ref _usage);
                    string? stopReason = root.TryGetProperty("delta", out var messageDelta) ? AnthropicResponse.StringOf(messageDelta, "stop_reason") : null;
                    WriteChunk(output, static _ => { }, AnthropicResponse.FinishReason(stopReason));
                    break;

                case "message_stop":
                    if (includeUsage)
                    {
                        WriteUsageChunk(output);
                    }

                    Write(output, "data: [DONE]\n\n"u8);
                    Finished = true;
                    break;

                case "error":
                    string errorType = "api_error";
                    string errorMessage = "The provider's stream failed.";
                    if (root.TryGetProperty("error", out var error))
                    {
                        errorType = AnthropicResponse.StringOf(error, "type") ?? errorType;
                        errorMessage = AnthropicResponse.StringOf(error, "message") ?? errorMessage;
                    }

                    Write(output, DataPrefix);
                    using (var writer = new Utf8JsonWriter(output))
                    {
                        AnthropicResponse.WriteError(writer, errorType, errorMessage);
                    }

                    Write(output, EventEnd);
                    Failure = $"the provider's stream reported {errorType}";
                    break;

                // ping, content_block_stop, and events a later API version adds: nothing for the client.
                default:
                    break;
            }
        }
    }

    private void StartBlock(JsonElement root, JsonElement block, IBufferWriter<byte> output)
    {
        string? blockType = AnthropicResponse.StringOf(block, "type");
        int index = root.TryGetProperty("index", out var i) && i.TryGetInt32(out int n) ? n : -1;
        if (blockType == "tool_use")
        {
            int tool = _toolByBlock.Count;
            _toolByBlock[index] = tool;
            string id = AnthropicResponse.StringOf(block, "id") ?? string.Empty;
            string name = AnthropicResponse.StringOf(block, "name") ?? string.Empty;
            WriteChunk(output, w =>
            {
                w.WriteStartArray("tool_calls");
                w.WriteStartObject();
                w.WriteNumber("index", tool);
                w.WriteString("id", id);
                w.WriteString("type", "function");
                w.WriteStartObject("function");
                w.WriteString("name", name);
                w.WriteString("arguments", string.Empty);
                w.WriteEndObject();
                w.WriteEndObject();
                w.WriteEndArray();
            }, finishReason: null);
        }
        else if (blockType == "text" && AnthropicResponse.StringOf(block, "text") is { Length: > 0 } text)
        {
            WriteChunk(output, w => w.WriteString("content", text), finishReason: null);
        }
    }

    private void Delta(JsonElement root, JsonElement delta, IBufferWriter<byte> output)
    {
        string? deltaType = AnthropicResponse.StringOf(delta, "type");
        if (deltaType == "text_delta" && AnthropicResponse.StringOf(delta, "text") is { } text)
        {
            WriteChunk(output, w => w.WriteString("content", text), finishReason: null);
        }
        else if (deltaType == "input_json_delta" && AnthropicResponse.StringOf(delta, "partial_json") is { } json
            && root.TryGetProperty("index", out var i) && i.TryGetInt32(out int index) && _toolByBlock.TryGetValue(index, out int tool))
        {
            WriteChunk(output, w =>
            {
                w.WriteStartArray("tool_calls");
                w.WriteStartObject();
                w.WriteNumber("index", tool);
                w.WriteStartObject("function");
                w.WriteString("arguments", json);
                w.WriteEndObject();
                w.WriteEndObject();
                w.WriteEndArray();
            }, finishReason: null);
        }

        // Thinking and signature deltas are never asked for by a translated request.
    }

    private void WriteChunk(IBufferWriter<byte> output, Action<Utf8JsonWriter> delta, string? finishReason)
    {
        Write(output, DataPrefix);
        using (var writer = new Utf8JsonWriter(output))
        {
            StartChunk(writer);
            writer.WriteStartArray("choices");
            writer.WriteStartObject();
            writer.WriteNumber("index", 0);
            writer.WriteStartObject("delta");
            delta(writer);
            writer.WriteEndObject();
            writer.WriteNull("logprobs");
            if (finishReason is null)
            {
                writer.WriteNull("finish_reason");
            }
            else
            {
                writer.WriteString("finish_reason", finishReason);
            }

            writer.WriteEndObject();
            writer.WriteEndArray();
            if (includeUsage)
            {
                writer.WriteNull("usage");
            }

            writer.WriteEndObject();
        }

        Write(output, EventEnd);
    }

    private void WriteUsageChunk(IBufferWriter<byte> output)
    {
        Write(output, DataPrefix);
        using (var writer = new Utf8JsonWriter(output))
        {
            StartChunk(writer);
            writer.WriteStartArray("choices");
            writer.WriteEndArray();
            AnthropicResponse.WriteUsage(writer, _usage);
            writer.WriteEndObject();
        }

        Write(output, EventEnd);
    }

    private void StartChunk(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("id", _id);
        writer.WriteString("object", "chat.completion.chunk");
        writer.WriteNumber("created", created);
        writer.WriteString("model", _model);
    }

    private void Write(IBufferWriter<byte> output, ReadOnlySpan<byte> bytes)
    {
        output.Write(bytes);
        Started = true;
    }
}
