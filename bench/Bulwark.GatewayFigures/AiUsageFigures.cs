using System.Diagnostics;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Bulwark.GatewayFigures;

/// <summary>
/// What reading usage costs: the time to the first byte of an OpenAI-shaped SSE stream, direct and through the gateway
/// on a plain route (no usage reading) and on an <c>Api: OpenAI</c> route (usage read); and the bytes allocated per
/// request in this process (gateway, client and fake provider together — the difference between the routes is what
/// usage reading adds); and the same for an Anthropic stream translated for an OpenAI client. One client in a closed
/// loop, routes alternating in batches.
/// </summary>
internal static class AiUsageFigures
{
    private static readonly byte[][] Chunks =
    [
        .. Enumerable.Range(0, 20).Select(i => Encoding.UTF8.GetBytes(
            "data: {\"id\":\"chatcmpl-123\",\"object\":\"chat.completion.chunk\",\"created\":1694268190,\"model\":\"gpt-4o-mini-2024-07-18\",\"system_fingerprint\":\"fp_44709d6fcb\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"token" + i + "\"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}\n\n")),
        Encoding.UTF8.GetBytes("data: {\"id\":\"chatcmpl-123\",\"object\":\"chat.completion.chunk\",\"created\":1694268190,\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":20,\"total_tokens\":29,\"prompt_tokens_details\":{\"cached_tokens\":0}}}\n\n"),
        "data: [DONE]\n\n"u8.ToArray(),
    ];

    private static readonly byte[] Completion = """{"id":"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT","object":"chat.completion","created":1741569952,"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"message":{"role":"assistant","content":"Hello! How can I assist you today?","refusal":null,"annotations":[]},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":19,"completion_tokens":10,"total_tokens":29,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}},"service_tier":"default","system_fingerprint":"fp_06737a9306"}"""u8.ToArray();

    /// <summary>The same stream as Anthropic's Messages API sends it: 20 text deltas between its start and stop events.</summary>
    private static readonly byte[][] AnthropicEvents =
    [
        Encoding.UTF8.GetBytes("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[],\"model\":\"claude-3-5-haiku-20241022\",\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":9,\"output_tokens\":1}}}\n\n"),
        Encoding.UTF8.GetBytes("event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"),
        .. Enumerable.Range(0, 20).Select(i => Encoding.UTF8.GetBytes("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"token" + i + "\"}}\n\n")),
        Encoding.UTF8.GetBytes("event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"),
        Encoding.UTF8.GetBytes("event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":20}}\n\n"),
        Encoding.UTF8.GetBytes("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"),
    ];

    private const string StreamRequest = """{"model":"gpt-4o-mini","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Hello"}]}""";
    private const string JsonRequest = """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hello"}]}""";

    public static async Task RunAsync(int count)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var provider = builder.Build();
        provider.Run(async context =>
        {
            await context.Request.Body.CopyToAsync(Stream.Null);
            if (context.Request.Path.Value!.Contains("json", StringComparison.Ordinal))
            {
                context.Response.ContentType = "application/json";
                context.Response.ContentLength = Completion.Length;
                await context.Response.Body.WriteAsync(Completion);
                return;
            }

            context.Response.ContentType = "text/event-stream";
            foreach (var chunk in context.Request.Path.Value.EndsWith("/messages", StringComparison.Ordinal) ? AnthropicEvents : Chunks)
            {
                await context.Response.Body.WriteAsync(chunk);
                await context.Response.Body.FlushAsync();
            }
        });
        await provider.StartAsync();
        var upstream = new Uri(provider.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        string baseUrl = upstream.ToString().TrimEnd('/');
        string json = $$"""
            {
              "Bulwark": {
                "Providers": {
                  "openai": { "BaseUrl": "{{baseUrl}}", "Prices": { "gpt-4o-mini": { "Input": 0.15, "Output": 0.60, "CachedInput": 0.075 } } },
                  "anthropic": { "BaseUrl": "{{baseUrl}}", "Api": "Anthropic", "Models": { "*": "claude-3-5-haiku-20241022" } }
                },
                "Routes": [
                  { "Path": "/plain/{**rest}", "Providers": [ "openai" ], "Idempotent": true },
                  { "Path": "/v1/{**rest}", "Providers": [ "openai" ], "Api": "OpenAI" },
                  { "Path": "/translated/{**rest}", "Providers": [ "anthropic" ], "Api": "OpenAI" }
                ]
              }
            }
            """;
        await using var gateway = await FigureGateway.StartJsonAsync(json);
        using var direct = Client(upstream);
        using var through = Client(gateway.BaseAddress);

        var paths = new (string Name, HttpClient Client, string Path)[]
        {
            ("direct", direct, "/v1/chat/completions"),
            ("gateway, plain route (usage not read)", through, "/plain/v1/chat/completions"),
            ("gateway, Api: OpenAI route (usage read)", through, "/v1/chat/completions"),
            ("direct, Anthropic's Messages API stream", direct, "/v1/messages"),
            ("gateway, OpenAI route served by the Anthropic provider (translated, usage read)", through, "/translated/v1/chat/completions"),
        };
        var times = paths.Select(_ => new List<double>(count)).ToArray();
        foreach (var (_, client, path) in paths)
        {
            for (int i = 0; i < 300; i++)
            {
                await FirstByteAsync(client, path);
            }
        }

        for (int batch = 0; batch < 10; batch++)
        {
            for (int p = 0; p < paths.Length; p++)
            {
                for (int i = 0; i < count / 10; i++)
                {
                    times[p].Add(await FirstByteAsync(paths[p].Client, paths[p].Path));
                }
            }
        }

        Console.WriteLine($"# AI usage reading — {DateTime.UtcNow:yyyy-MM-dd}, {Environment.ProcessorCount} cores, {count:N0} streams per path, 1 client");
        Console.WriteLine();
        Console.WriteLine("| Path (SSE chat completion, 22 chunks, include_usage) | p50 to first byte | p90 | p99 |");
        Console.WriteLine("|---|--:|--:|--:|");
        for (int p = 0; p < paths.Length; p++)
        {
            times[p].Sort();
            Console.WriteLine($"| {paths[p].Name} | {Percentile(times[p], 0.50):0.000} ms | {Percentile(times[p], 0.90):0.000} ms | {Percentile(times[p], 0.99):0.000} ms |");
        }

        Console.WriteLine($"| added by usage reading (Api route − plain route), p50 | {Percentile(times[2], 0.50) - Percentile(times[1], 0.50):0.000} ms | | |");
        Console.WriteLine($"| added by the gateway with translation (translated − direct Anthropic), p50 | {Percentile(times[4], 0.50) - Percentile(times[3], 0.50):0.000} ms | | |");
        Console.WriteLine();
        Console.WriteLine("| Allocated per request in the process (gateway + client + fake provider) | plain route | Api: OpenAI route | added |");
        Console.WriteLine("|---|--:|--:|--:|");
        foreach (var (kind, suffix, body) in new[] { ("SSE stream", "chat/completions", StreamRequest), ("JSON completion", "json/chat/completions", JsonRequest) })
        {
            long plain = await AllocatedPerRequestAsync(through, "/plain/v1/" + suffix, body, count);
            long api = await AllocatedPerRequestAsync(through, "/v1/" + suffix, body, count);
            Console.WriteLine($"| {kind} | {plain:N0} B | {api:N0} B | {api - plain:N0} B |");
        }
    }

    private static async Task<double> FirstByteAsync(HttpClient client, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(StreamRequest, Encoding.UTF8, "application/json") };
        long start = Stopwatch.GetTimestamp();
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();
        var one = new byte[1];
        _ = await body.ReadAsync(one);
        double elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        await body.CopyToAsync(Stream.Null);
        return elapsed;
    }

    private static async Task<long> AllocatedPerRequestAsync(HttpClient client, string path, string body, int count)
    {
        for (int i = 0; i < 200; i++)
        {
            await SendAsync(client, path, body);
        }

        GC.Collect();
        long before = GC.GetTotalAllocatedBytes(precise: true);
        for (int i = 0; i < count; i++)
        {
            await SendAsync(client, path, body);
        }

        return (GC.GetTotalAllocatedBytes(precise: true) - before) / count;
    }

    private static async Task SendAsync(HttpClient client, string path, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        using var response = await client.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)(sorted.Count * p))];

    private static HttpClient Client(Uri baseAddress) =>
        new(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
}
