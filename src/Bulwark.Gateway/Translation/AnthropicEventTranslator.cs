using System.Buffers;
using System.Text.Json;
using Bulwark.Gateway.Usage;

namespace Bulwark.Gateway.Translation;

/// <summary>
/// Translates the events of an Anthropic Messages API stream, one at a time as they arrive, into the
/// <c>chat.completion.chunk</c> events of an OpenAI chat completion stream: <c>message_start</c> gives the first chunk
/// (the assistant role, sent with the first chunk that follows), text deltas give content deltas, a <c>tool_use</c> block gives a tool call (its id and name, then
/// its arguments as they come), <c>message_delta</c> the finish reason, and <c>message_stop</c> the usage chunk (when the
/// client asked for it) and <c>[DONE]</c>. An <c>error</c> event becomes OpenAI's error object, and the stream is failed;
/// one before anything was written fails the attempt whole (nothing reached the client, so it can be tried again).
/// </summary>
internal sealed class AnthropicEventTranslator(long created, bool includeUsage)
{
    /// <summary>The largest single event taken for translation.</summary>
    public const int MaxEventBytes = 1024 * 1024;

    private static ReadOnlySpan<byte> DataPrefix => "data: "u8;

    private static ReadOnlySpan<byte> EventEnd => "\n\n"u8;

    private readonly Dictionary<int, int> _toolByBlock = [];
    private readonly HashSet<int> _toolsWithArguments = [];
    private bool _rolePending;
    private TokenUsage _usage;
    private string _id = "msg";
    private string _model = string.Empty;

    /// <summary>Gets the usage the stream reported so far (input in <c>message_start</c>, the final output count in <c>message_delta</c>).</summary>
    public TokenUsage Usage => _usage;

    /// <summary>Gets whether the stream ended as a message ends (<c>message_stop</c>).</summary>
    public bool Finished { get; private set; }

    /// <summary>Gets the error the stream reported, or why it could not be translated; <see langword="null"/> while it goes well.</summary>
    public string? Failure { get; private set; }

    /// <summary>
    /// Gets the HTTP status Anthropic's API answers for the error the stream reported (<c>overloaded_error</c>: 529), or
    /// <see langword="null"/>: an error before anything was written fails the attempt as that status would.
    /// </summary>
    public int? ErrorStatus { get; private set; }

    /// <summary>The status of an Anthropic error type, as its API reference lists them.</summary>
    private static int StatusOf(string errorType) => errorType switch
    {
        "invalid_request_error" => 400,
        "authentication_error" => 401,
        "permission_error" => 403,
        "not_found_error" => 404,
        "request_too_large" => 413,
        "rate_limit_error" => 429,
        "overloaded_error" => 529,
        _ => 500,
    };

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

                    // The role chunk waits for the first chunk with something in it: an error before any (Anthropic's
                    // overloaded_error, say) then fails the attempt before the response has started, so it is retried.
                    _rolePending = true;
                    break;

                case "content_block_start" when root.TryGetProperty("content_block", out var block):
                    StartBlock(root, block, output);
                    break;

                case "content_block_delta" when root.TryGetProperty("delta", out var delta):
                    Delta(root, delta, output);
                    break;

                case "content_block_stop" when _toolByBlock.TryGetValue(TranslationJson.IndexOf(root), out int stopped) && !_toolsWithArguments.Contains(stopped):
                    // A tool called with no input streams no argument fragment: OpenAI's clients expect "{}", as a whole message says.
                    WriteChunk(output, w => WriteToolArguments(w, stopped, "{}"), finishReason: null);
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

                    if (_rolePending)
                    {
                        WriteChunk(output, static _ => { }, finishReason: null);
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

                    Failure = $"the provider's stream reported {errorType}";
                    ErrorStatus = StatusOf(errorType);
                    if (!Started)
                    {
                        // Nothing has reached the client: the attempt fails whole, and may be tried again elsewhere.
                        break;
                    }

                    Write(output, DataPrefix);
                    using (var writer = new Utf8JsonWriter(output))
                    {
                        AnthropicResponse.WriteError(writer, errorType, errorMessage);
                    }

                    Write(output, EventEnd);
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
        int index = TranslationJson.IndexOf(root);
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
        else if (deltaType == "input_json_delta" && AnthropicResponse.StringOf(delta, "partial_json") is { Length: > 0 } json
            && _toolByBlock.TryGetValue(TranslationJson.IndexOf(root), out int tool))
        {
            _toolsWithArguments.Add(tool);
            WriteChunk(output, w => WriteToolArguments(w, tool, json), finishReason: null);
        }

        // Thinking and signature deltas are never asked for by a translated request.
    }

    private static void WriteToolArguments(Utf8JsonWriter w, int tool, string arguments)
    {
        w.WriteStartArray("tool_calls");
        w.WriteStartObject();
        w.WriteNumber("index", tool);
        w.WriteStartObject("function");
        w.WriteString("arguments", arguments);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndArray();
    }

    private void WriteChunk(IBufferWriter<byte> output, Action<Utf8JsonWriter> delta, string? finishReason)
    {
        if (_rolePending)
        {
            _rolePending = false;
            WriteChunk(output, static w =>
            {
                w.WriteString("role", "assistant");
                w.WriteString("content", string.Empty);
            }, finishReason: null);
        }

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
        if (_rolePending)
        {
            WriteChunk(output, static _ => { }, finishReason: null);
        }

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
