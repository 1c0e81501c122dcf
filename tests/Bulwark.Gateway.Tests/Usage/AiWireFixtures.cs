using System.Text;
using Microsoft.AspNetCore.Http;

namespace Bulwark.Gateway.Tests.Usage;

/// <summary>
/// Responses as OpenAI's and Anthropic's APIs write them (shapes from their API references: a chat completion and its
/// chunks with <c>stream_options.include_usage</c>; a Messages API message and its SSE events), and fake-provider
/// behaviours that send them.
/// </summary>
internal static class AiWireFixtures
{
    public const string OpenAiModel = "gpt-4o-mini-2024-07-18";
    public const string AnthropicModel = "claude-sonnet-4-20250514";

    public const string OpenAiChatCompletion = """
        {"id":"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT","object":"chat.completion","created":1741569952,"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"message":{"role":"assistant","content":"Hello! How can I assist you today?","refusal":null,"annotations":[]},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":1200,"completion_tokens":300,"total_tokens":1500,"prompt_tokens_details":{"cached_tokens":200,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}},"service_tier":"default","system_fingerprint":"fp_06737a9306"}
        """;

    /// <summary>The chunks of a streamed chat completion with <c>include_usage</c>: <c>usage</c> is null on all but the last, which has no choices.</summary>
    public static readonly string[] OpenAiChunks =
    [
        """data: {"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini-2024-07-18","system_fingerprint":"fp_44709d6fcb","choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}],"usage":null}""" + "\n\n",
        """data: {"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini-2024-07-18","system_fingerprint":"fp_44709d6fcb","choices":[{"index":0,"delta":{"content":"Hello"},"logprobs":null,"finish_reason":null}],"usage":null}""" + "\n\n",
        """data: {"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini-2024-07-18","system_fingerprint":"fp_44709d6fcb","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}],"usage":null}""" + "\n\n",
        """data: {"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini-2024-07-18","system_fingerprint":"fp_44709d6fcb","choices":[],"usage":{"prompt_tokens":9,"completion_tokens":12,"total_tokens":21,"prompt_tokens_details":{"cached_tokens":4,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}}""" + "\n\n",
        "data: [DONE]\n\n",
    ];

    public const string AnthropicMessage = """
        {"id":"msg_01XFDUDYJgAACzvnptvVoYEL","type":"message","role":"assistant","content":[{"type":"text","text":"Hello!"}],"model":"claude-sonnet-4-20250514","stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":12,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":6}}
        """;

    /// <summary>A streamed message: input (and cache) figures in <c>message_start</c>, the final output count in <c>message_delta</c>.</summary>
    public static readonly string[] AnthropicEvents =
    [
        "event: message_start\r\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[],\"model\":\"claude-sonnet-4-20250514\",\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":25,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":100,\"output_tokens\":1}}}\r\n\r\n",
        "event: content_block_start\r\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\r\n\r\n",
        "event: ping\r\ndata: {\"type\": \"ping\"}\r\n\r\n",
        "event: content_block_delta\r\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hello\"}}\r\n\r\n",
        "event: content_block_stop\r\ndata: {\"type\":\"content_block_stop\",\"index\":0}\r\n\r\n",
        "event: message_delta\r\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":15}}\r\n\r\n",
        "event: message_stop\r\ndata: {\"type\":\"message_stop\"}\r\n\r\n",
    ];

    public const string ChatRequest = """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hello"}]}""";

    public const string StreamingChatRequest = """{"model":"gpt-4o-mini","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Hello"}]}""";

    public const string AnthropicRequest = """{"model":"claude-sonnet-4-20250514","max_tokens":1024,"stream":true,"messages":[{"role":"user","content":"Hello"}]}""";

    public static Func<HttpContext, int, Task> Json(string body) => async (context, _) =>
    {
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body, context.RequestAborted);
    };

    /// <summary>Sends <paramref name="events"/> one write and flush each; before the last, waits for <paramref name="beforeLast"/> when given.</summary>
    public static Func<HttpContext, int, Task> Stream(string[] events, Task? beforeLast = null) => async (context, _) =>
    {
        context.Response.ContentType = "text/event-stream";
        for (int i = 0; i < events.Length; i++)
        {
            if (i == events.Length - 1 && beforeLast is not null)
            {
                await beforeLast.WaitAsync(Infrastructure.Poll.DefaultTimeout, context.RequestAborted);
            }

            await context.Response.WriteAsync(events[i], context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
        }
    };

    public static StringContent JsonContent(string json) => new(json, Encoding.UTF8, "application/json");
}
