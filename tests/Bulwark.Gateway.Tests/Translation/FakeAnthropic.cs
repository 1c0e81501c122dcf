using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Bulwark.Gateway.Tests.Translation;

/// <summary>
/// A provider speaking Anthropic's Messages API as its reference describes it: <c>POST /v1/messages</c> with
/// <c>x-api-key</c> and <c>anthropic-version</c>, a body of <c>model</c>, <c>max_tokens</c>, <c>messages</c> (user and
/// assistant turns of content blocks) and the optional fields it knows; anything else is refused with its 400
/// <c>invalid_request_error</c>, as the real API does. It answers an echo of the last user text (or, when tools are
/// offered and the text asks for weather, a <c>tool_use</c> of the first tool), as a message or as the events of a stream.
/// </summary>
internal static class FakeAnthropic
{
    public const string ApiKey = "sk-ant-test-key";

    public const string Model = "claude-3-5-haiku-20241022";

    public const int InputTokens = 21;

    public const int CacheReadTokens = 4;

    private static readonly HashSet<string> KnownFields =
    [
        "model", "max_tokens", "messages", "system", "stop_sequences", "temperature", "top_p", "top_k", "tools",
        "tool_choice", "metadata", "stream",
    ];

    /// <summary>The last request body the provider accepted, parsed.</summary>
    public static Func<HttpContext, int, Task> Behaviour(Action<JsonElement>? seen = null) => async (context, n) =>
    {
        if (context.Request.Path != "/v1/messages" || context.Request.Method != "POST")
        {
            await ErrorAsync(context, 404, "not_found_error", $"{context.Request.Method} {context.Request.Path} is not an endpoint of this API");
            return;
        }

        if (context.Request.Headers["x-api-key"] != ApiKey)
        {
            await ErrorAsync(context, 401, "authentication_error", "invalid x-api-key");
            return;
        }

        if (string.IsNullOrEmpty(context.Request.Headers["anthropic-version"]))
        {
            await ErrorAsync(context, 400, "invalid_request_error", "anthropic-version: header is required");
            return;
        }

        using var document = await JsonDocument.ParseAsync(context.Request.Body);
        var body = document.RootElement;
        seen?.Invoke(body.Clone());
        if (Invalid(body) is { } problem)
        {
            await ErrorAsync(context, 400, "invalid_request_error", problem);
            return;
        }

        string model = body.GetProperty("model").GetString()!;
        string text = LastUserText(body);
        bool useTool = body.TryGetProperty("tools", out var tools) && text.Contains("weather", StringComparison.Ordinal);
        string reply = "echo: " + text;
        int outputTokens = 3 + (n % 5);
        string? tool = useTool ? tools[0].GetProperty("name").GetString() : null;

        if (body.TryGetProperty("stream", out var stream) && stream.GetBoolean())
        {
            await StreamAsync(context, n, model, reply, tool, outputTokens);
            return;
        }

        context.Response.ContentType = "application/json";
        string content = tool is null
            ? Fill("""[{"type":"text","text":@0@}]""", JsonSerializer.Serialize(reply))
            : Fill("""[{"type":"text","text":"Let me check."},{"type":"tool_use","id":"toolu_@0@","name":"@1@","input":{"location":"Paris","unit":"celsius"}}]""", n, tool);
        await context.Response.WriteAsync(Fill("""{"id":"msg_@0@","type":"message","role":"assistant","model":"@1@","content":@2@,"stop_reason":"@3@","stop_sequence":null,"usage":{"input_tokens":@4@,"cache_creation_input_tokens":0,"cache_read_input_tokens":@5@,"output_tokens":@6@}}""", n, model, content, (tool is null ? "end_turn" : "tool_use"), InputTokens, CacheReadTokens, outputTokens));
    };

    /// <summary>The events of a streamed message, each written and flushed on its own, as the API sends them.</summary>
    public static string[] Events(int n, string model, string reply, string? tool, int outputTokens, bool failMidway = false)
    {
        var events = new List<string>
        {
            Event("message_start", Fill("""{"type":"message_start","message":{"id":"msg_@0@","type":"message","role":"assistant","content":[],"model":"@1@","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":@2@,"cache_creation_input_tokens":0,"cache_read_input_tokens":@3@,"output_tokens":1}}}""", n, model, InputTokens, CacheReadTokens)),
            Event("content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"""),
            Event("ping", """{"type": "ping"}"""),
        };
        string first = tool is null ? reply[..Math.Min(6, reply.Length)] : "Let me check.";
        events.Add(Event("content_block_delta", Fill("""{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":@0@}}""", JsonSerializer.Serialize(first))));
        if (failMidway)
        {
            events.Add(Event("error", """{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"""));
            return [.. events];
        }

        if (tool is null && reply.Length > 6)
        {
            events.Add(Event("content_block_delta", Fill("""{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":@0@}}""", JsonSerializer.Serialize(reply[6..]))));
        }

        events.Add(Event("content_block_stop", """{"type":"content_block_stop","index":0}"""));
        if (tool is not null)
        {
            events.Add(Event("content_block_start", Fill("""{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_@0@","name":"@1@","input":{}}}""", n, tool)));
            events.Add(Event("content_block_delta", """{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":""}}"""));
            events.Add(Event("content_block_delta", """{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"location\": \"Par"}}"""));
            events.Add(Event("content_block_delta", """{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"is\", \"unit\": \"celsius\"}"}}"""));
            events.Add(Event("content_block_stop", """{"type":"content_block_stop","index":1}"""));
        }

        events.Add(Event("message_delta", Fill("""{"type":"message_delta","delta":{"stop_reason":"@0@","stop_sequence":null},"usage":{"output_tokens":@1@}}""", (tool is null ? "end_turn" : "tool_use"), outputTokens)));
        events.Add(Event("message_stop", """{"type":"message_stop"}"""));
        return [.. events];
    }

    public static async Task ErrorAsync(HttpContext context, int status, string type, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(Fill("""{"type":"error","error":{"type":"@0@","message":@1@}}""", type, JsonSerializer.Serialize(message)));
    }

    private static async Task StreamAsync(HttpContext context, int n, string model, string reply, string? tool, int outputTokens)
    {
        context.Response.ContentType = "text/event-stream; charset=utf-8";
        foreach (string e in Events(n, model, reply, tool, outputTokens))
        {
            await context.Response.WriteAsync(e, context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
        }
    }

    /// <summary>The template with each <c>@i@</c> replaced by the i-th value.</summary>
    private static string Fill(string template, params object?[] values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            template = template.Replace($"@{i}@", Convert.ToString(values[i], System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        }

        return template;
    }

    private static string Event(string name, string data) => $"event: {name}\ndata: {data}\n\n";

    /// <summary>What the real API would refuse in <paramref name="body"/>, or <see langword="null"/>.</summary>
    private static string? Invalid(JsonElement body)
    {
        foreach (var field in body.EnumerateObject())
        {
            if (!KnownFields.Contains(field.Name))
            {
                return $"{field.Name}: Extra inputs are not permitted";
            }
        }

        if (!body.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.String)
        {
            return "model: Field required";
        }

        if (!body.TryGetProperty("max_tokens", out var max) || max.ValueKind != JsonValueKind.Number || max.GetInt32() < 1)
        {
            return "max_tokens: Field required";
        }

        if (body.TryGetProperty("temperature", out var t) && t.GetDouble() is < 0 or > 1)
        {
            return "temperature: Input should be less than or equal to 1";
        }

        if (!body.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array || messages.GetArrayLength() == 0)
        {
            return "messages: Field required";
        }

        string? previous = null;
        foreach (var message in messages.EnumerateArray())
        {
            string? role = message.GetProperty("role").GetString();
            if (role is not ("user" or "assistant"))
            {
                return $"messages: Unexpected role \"{role}\"";
            }

            if (role == previous)
            {
                return "messages: roles must alternate between \"user\" and \"assistant\"";
            }

            previous = role;
            var content = message.GetProperty("content");
            if (content.ValueKind == JsonValueKind.Array)
            {
                foreach (var block in content.EnumerateArray())
                {
                    string? type = block.GetProperty("type").GetString();
                    if (type is not ("text" or "image" or "tool_use" or "tool_result"))
                    {
                        return $"messages: unknown content block type {type}";
                    }

                    if (type == "text" && block.GetProperty("text").GetString()!.Length == 0)
                    {
                        return "messages: text content blocks must be non-empty";
                    }
                }
            }
        }

        return null;
    }

    private static string LastUserText(JsonElement body)
    {
        var text = new StringBuilder();
        foreach (var message in body.GetProperty("messages").EnumerateArray())
        {
            if (message.GetProperty("role").GetString() != "user")
            {
                continue;
            }

            text.Clear();
            var content = message.GetProperty("content");
            if (content.ValueKind == JsonValueKind.String)
            {
                text.Append(content.GetString());
                continue;
            }

            foreach (var block in content.EnumerateArray())
            {
                if (block.GetProperty("type").GetString() == "text")
                {
                    text.Append(block.GetProperty("text").GetString());
                }
            }
        }

        return text.ToString();
    }
}
