using System.ClientModel;
using System.ClientModel.Primitives;
using System.Diagnostics;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using OpenAI;
using OpenAI.Chat;

namespace Bulwark.GatewayFigures;

/// <summary>
/// The shipped AI sample (<c>samples/ai-providers/bulwark.json</c>, unchanged but for its providers' addresses) in front
/// of two providers that speak OpenAI's chat completions, the first refusing 30% of calls (half 429 with
/// <c>Retry-After: 1</c>, half a plain 503) and the second healthy or refusing as many, driven by the official OpenAI
/// .NET SDK with its own retries off: what share of chat completions reach the application.
/// </summary>
internal static class AiSampleFigures
{
    private const double RefusedShare = 0.30;
    private const int Concurrency = 8;

    public static async Task RunAsync(string repository, int count)
    {
        Console.WriteLine($"# AI sample through the official OpenAI .NET SDK — {DateTime.UtcNow:yyyy-MM-dd}, {Environment.ProcessorCount} cores, {Concurrency} concurrent");
        Console.WriteLine();
        Console.WriteLine("| Providers | Chat completions | Succeeded | Success rate | Failed (status: count) | p50 | p99 | Provider calls per completion | Wall time |");
        Console.WriteLine("|---|--:|--:|--:|---|--:|--:|--:|--:|");
        await RunAsync(repository, count, "primary refuses 30%, secondary healthy", RefusedShare, 0);
        await RunAsync(repository, count, "both refuse 30%", RefusedShare, RefusedShare);
    }

    private static async Task RunAsync(string repository, int count, string name, double primaryRefuses, double secondaryRefuses)
    {
        await using var openai = await StartProviderAsync(seed: 1, primaryRefuses);
        await using var groq = await StartProviderAsync(seed: 2, secondaryRefuses);
        string sample = await File.ReadAllTextAsync(Path.Combine(repository, "samples", "ai-providers", "bulwark.json"));
        string json = sample
            .Replace("https://api.openai.com", Address(openai), StringComparison.Ordinal)
            .Replace("https://api.groq.com/openai", Address(groq) + "/openai", StringComparison.Ordinal);
        await using var gateway = await FigureGateway.StartJsonAsync(json, static name => name.EndsWith("_API_KEY", StringComparison.Ordinal) ? "sk-figures" : null);
        var client = new ChatClient("gpt-4o-mini", new ApiKeyCredential("sk-client"), new OpenAIClientOptions
        {
            Endpoint = new Uri(gateway.BaseAddress, "/v1"),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = TimeSpan.FromMinutes(5),
        });

        int next = -1, succeeded = 0;
        var failures = new Dictionary<string, int>();
        var latencies = new double[count];
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(async _ =>
        {
            for (int i = Interlocked.Increment(ref next); i < count; i = Interlocked.Increment(ref next))
            {
                long started = Stopwatch.GetTimestamp();
                try
                {
                    await client.CompleteChatAsync([new UserChatMessage($"call {i}")]);
                    Interlocked.Increment(ref succeeded);
                }
                catch (ClientResultException e)
                {
                    lock (failures)
                    {
                        failures[e.Status.ToString(System.Globalization.CultureInfo.InvariantCulture)] = failures.GetValueOrDefault(e.Status.ToString(System.Globalization.CultureInfo.InvariantCulture)) + 1;
                    }
                }

                latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
        }));

        Array.Sort(latencies);
        string failed = failures.Count == 0 ? "none" : string.Join(", ", failures.Select(f => $"{f.Key}: {f.Value}"));
        long calls = Calls(openai) + Calls(groq);
        Console.WriteLine($"| {name} | {count:N0} | {succeeded:N0} | {100.0 * succeeded / count:0.00}% | {failed} | {latencies[count / 2]:0} ms | {latencies[count * 99 / 100]:0} ms | {calls / (double)count:0.00} | {watch.Elapsed.TotalSeconds:0} s |");
    }

    private static string Address(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');

    private static long Calls(WebApplication app) => app.Services.GetRequiredService<CallCounter>().Count;

    /// <summary>OpenAI's chat completions on any path ending with it; 30% of calls refused, from a seeded sequence.</summary>
    private static async Task<WebApplication> StartProviderAsync(int seed, double refused)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddSingleton<CallCounter>();
        var app = builder.Build();
        var random = new Random(seed);
        var counter = app.Services.GetRequiredService<CallCounter>();
        app.Run(async context =>
        {
            Interlocked.Increment(ref counter.Count);
            await context.Request.Body.CopyToAsync(Stream.Null);
            double roll;
            lock (random)
            {
                roll = random.NextDouble();
            }

            if (roll < refused)
            {
                context.Response.StatusCode = roll < refused / 2 ? 429 : 503;
                if (context.Response.StatusCode == 429)
                {
                    context.Response.Headers.RetryAfter = "1";
                }

                await context.Response.WriteAsJsonAsync(new { error = new { message = "try again", type = "rate_limit_error" } });
                return;
            }

            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("""{"id":"chatcmpl-1","object":"chat.completion","created":1767225600,"model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":1,"total_tokens":6}}""");
        });
        await app.StartAsync();
        return app;
    }

    private sealed class CallCounter
    {
        public long Count;
    }
}
