using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text;
using System.Text.Json;
using Bulwark.Gateway.Tests.Infrastructure;
using Bulwark.Gateway.Tests.Usage;
using Microsoft.AspNetCore.Http;
using OpenAI;
using OpenAI.Chat;

namespace Bulwark.Gateway.Tests.Forwarding;

/// <summary>
/// The official OpenAI .NET SDK, unchanged (its own retries off, so that what it sees is what the gateway answered),
/// through the gateway to a provider that speaks OpenAI's wire format and refuses 30% of the calls. The SDK sends no
/// Idempotency-Key: the gateway retries because the route is an OpenAI one (chat completions are replayable), or, on a
/// plain route, because a 429 or a 503 with Retry-After proves the provider did not process the call.
/// </summary>
public class OpenAiSdkTests
{
    private const int Calls = 500;

    private const string Pipeline = """
        {
          "Retry": { "MaxRetries": 2, "Backoff": "Constant", "Jitter": "None", "BaseDelay": "00:00:00", "MaxRetryAfter": "00:00:01" },
          "CircuitBreaker": { "Mode": "ConsecutiveFailures", "FailureThreshold": 50, "BreakDuration": "00:00:30" },
          "Timeout": { "Attempt": "00:00:10", "Total": "00:00:30" }
        }
        """;

    /// <summary>Three calls in ten refused, never two in a row: 429 and 503 with <c>Retry-After: 0</c>; on the OpenAI route also a plain 503 and a 500.</summary>
    [Theory]
    [InlineData("OpenAI", false)]
    [InlineData("OpenAI", true)]
    [InlineData("Http", false)]
    [InlineData("Http", true)]
    public async Task ChatCompletions_ProviderRefusing30Percent_EveryCallSucceeds(string api, bool stream)
    {
        bool refusalsOnly = api == "Http";
        await using var provider = await Upstream.StartAsync();
        provider.Behaviour = (context, n) => FlakyChatCompletions(context, n, refusalsOnly);
        await using var unused = await Upstream.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.TwoProviders(provider.BaseAddress, unused.BaseAddress, Pipeline, bulwarkExtra: $"\"Admin\": {{ \"Token\": \"{AdminToken}\" }},")
            .Replace("\"Path\": \"/api/{**rest}\", \"Providers\": [ \"primary\", \"secondary\" ]", $"\"Path\": \"/v1/{{**rest}}\", \"Api\": \"{api}\", \"Providers\": [ \"primary\" ]", StringComparison.Ordinal)
            .Replace("\"primary\":   {", "\"primary\":   { \"Prices\": { \"gpt-4o-mini\": { \"Input\": 0.15, \"Output\": 0.60 } },", StringComparison.Ordinal));
        var client = new ChatClient("gpt-4o-mini", new ApiKeyCredential("sk-test"), new OpenAIClientOptions
        {
            Endpoint = new Uri(gateway.Client.BaseAddress!, "/v1"),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
        });

        int succeeded = 0;
        for (int i = 0; i < Calls; i++)
        {
            string text = stream ? await StreamAsync(client, i) : (await client.CompleteChatAsync([new UserChatMessage($"call {i}")])).Value.Content[0].Text;
            Assert.Equal($"echo: call {i}", text);
            succeeded++;
        }

        Assert.Equal(Calls, succeeded);
        // Three in ten of the calls the provider received were refused, each repeated by the gateway.
        int refused = provider.Requests - Calls;
        Assert.InRange(refused * 100.0 / provider.Requests, 29.0, 31.0);
        Assert.Equal(0, unused.Requests);

        if (api == "OpenAI")
        {
            // The ledger holds one row per call, and its sums are what the provider reported: 5 prompt and 3 completion
            // tokens a call (the SDK asks a stream for its usage chunk), at 0.15 and 0.60 per million.
            var ledger = await UsageLedgerTests.PollGroupsAsync(gateway, "provider", Calls, AdminToken);
            var row = Assert.Single(ledger);
            Assert.Equal(Calls * 5, row.GetProperty("input_tokens").GetInt64());
            Assert.Equal(Calls * 3, row.GetProperty("output_tokens").GetInt64());
            Assert.Equal(Calls * ((5 * 0.15m) + (3 * 0.60m)) / 1_000_000m, row.GetProperty("cost").GetDecimal());
            Assert.Equal(0, row.GetProperty("unpriced_requests").GetInt64());
        }
    }

    private const string AdminToken = "sdk-admin-token-0123456789abcdef0123";

    private static async Task<string> StreamAsync(ChatClient client, int i)
    {
        var text = new StringBuilder();
        await foreach (var update in client.CompleteChatStreamingAsync([new UserChatMessage($"call {i}")]))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }
        }

        return text.ToString();
    }

    /// <summary>OpenAI's chat completions (JSON, or server-sent events when the body asks to stream); calls 3, 6 and 9 of every ten refused.</summary>
    private static async Task FlakyChatCompletions(HttpContext context, int n, bool refusalsOnly)
    {
        using var body = await JsonDocument.ParseAsync(context.Request.Body);
        if (n % 10 is 3 or 6 or 9)
        {
            int kind = n / 10 % 4;
            (int status, bool retryAfter) = kind switch
            {
                0 => (429, true),
                1 => (503, true),
                2 when !refusalsOnly => (503, false),
                3 when !refusalsOnly => (500, false),
                _ => (429, false),
            };
            context.Response.StatusCode = status;
            if (retryAfter)
            {
                context.Response.Headers.RetryAfter = "0";
            }

            await context.Response.WriteAsJsonAsync(new { error = new { message = "try again", type = status == 429 ? "rate_limit_error" : "server_error" } });
            return;
        }

        string model = body.RootElement.GetProperty("model").GetString()!;
        var content = body.RootElement.GetProperty("messages")[0].GetProperty("content");
        string prompt = content.ValueKind == JsonValueKind.Array ? content[0].GetProperty("text").GetString()! : content.GetString()!;
        string reply = "echo: " + prompt;
        if (body.RootElement.TryGetProperty("stream", out var s) && s.GetBoolean())
        {
            context.Response.ContentType = "text/event-stream";
            foreach (var (delta, finish) in new[] { ($$"""{"role":"assistant","content":"{{reply[..6]}}"}""", "null"), ($$"""{"content":"{{reply[6..]}}"}""", "null"), ("{}", "\"stop\"") })
            {
                await context.Response.WriteAsync($$$"""data: {"id":"chatcmpl-{{{n}}}","object":"chat.completion.chunk","created":1767225600,"model":"{{{model}}}","choices":[{"index":0,"delta":{{{delta}}},"finish_reason":{{{finish}}}}]}""" + "\n\n");
                await context.Response.Body.FlushAsync();
            }

            if (body.RootElement.TryGetProperty("stream_options", out var options) && options.TryGetProperty("include_usage", out var include) && include.GetBoolean())
            {
                await context.Response.WriteAsync($$$"""data: {"id":"chatcmpl-{{{n}}}","object":"chat.completion.chunk","created":1767225600,"model":"{{{model}}}","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":3,"total_tokens":8}}""" + "\n\n");
            }

            await context.Response.WriteAsync("data: [DONE]\n\n");
            return;
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync($$$"""{"id":"chatcmpl-{{{n}}}","object":"chat.completion","created":1767225600,"model":"{{{model}}}","choices":[{"index":0,"message":{"role":"assistant","content":"{{{reply}}}"},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":3,"total_tokens":8}}""");
    }
}
