using BenchmarkDotNet.Attributes;
using Bulwark.AspNetCore.Logging;
using Bulwark.Gateway.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Bulwark.Benchmarks.SharedState;

/// <summary>
/// The gateway's whole request path in this process, alone and as one of a fleet on a real redis-server: a plain GET (a
/// closed breaker, shared or not; goal: unchanged) and a budgeted chat completion (reserved on this gateway's book, or
/// also on the fleet's counters and settled there in the background; goal: at most 0.3 ms more at the median).
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class FleetGatewayBenchmarks
{
    private static readonly byte[] Answer = """{"id":"chatcmpl-1","object":"chat.completion","created":1741569952,"model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"Hello"},"finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":5,"total_tokens":17}}"""u8.ToArray();
    private static readonly byte[] Chat = """{"model":"gpt-4o-mini","max_completion_tokens":50,"messages":[{"role":"user","content":"Say hello"}]}"""u8.ToArray();
    private readonly List<WebApplication> _apps = [];
    private readonly List<string> _stores = [];
    private RedisProcess? _redis;
    private HttpClient _alone = null!;
    private HttpClient _fleet = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _redis = RedisProcess.Start();
        var upstream = await StartAsync(Upstream());
        _alone = Client(await StartAsync(Gateway(upstream, sharedState: null)));
        _fleet = Client(await StartAsync(Gateway(upstream, sharedState: _redis.Configuration)));
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        _alone.Dispose();
        _fleet.Dispose();
        foreach (var app in _apps)
        {
            await app.DisposeAsync();
        }

        _redis?.Dispose();
        foreach (string store in _stores)
        {
            Directory.Delete(store, recursive: true);
        }
    }

    [Benchmark(Baseline = true)]
    public Task<int> GetAlone() => GetAsync(_alone);

    [Benchmark]
    public Task<int> GetInAFleet() => GetAsync(_fleet);

    [Benchmark]
    public Task<int> BudgetedChatAlone() => ChatAsync(_alone);

    [Benchmark]
    public Task<int> BudgetedChatInAFleet() => ChatAsync(_fleet);

    private static async Task<int> GetAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/api/item");
        return (await response.Content.ReadAsByteArrayAsync()).Length + (int)response.StatusCode;
    }

    private static async Task<int> ChatAsync(HttpClient client)
    {
        using var content = new ByteArrayContent(Chat);
        content.Headers.ContentType = new("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = content };
        request.Headers.Add("X-User", "bench");
        using var response = await client.SendAsync(request);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"the gateway answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }

        return (await response.Content.ReadAsByteArrayAsync()).Length;
    }

    private async Task<Uri> StartAsync(WebApplication app)
    {
        _apps.Add(app);
        await app.StartAsync();
        return new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    private static HttpClient Client(Uri address) => new(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = address };

    private static WebApplication Upstream()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.Run(static async context =>
        {
            // Drains the request, then answers a chat completion with its usage (a GET gets the same bytes).
            await context.Request.Body.CopyToAsync(Stream.Null);
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = Answer.Length;
            await context.Response.Body.WriteAsync(Answer);
        });
        return app;
    }

    private WebApplication Gateway(Uri upstream, string? sharedState)
    {
        string shared = sharedState is null ? string.Empty : $"\"SharedState\": {{ \"Provider\": \"Redis\", \"Configuration\": \"{sharedState}\" }},";
        string json = $$"""
            {
              "Bulwark": {
                {{shared}}
                "Clients": { "UserHeader": "X-User" },
                "Budgets": { "Items": { "everyone": { "Per": "Global", "Period": "Day", "Tokens": 1000000000000000 } } },
                "Providers": { "upstream": { "BaseUrl": "{{upstream.ToString().TrimEnd('/')}}" } },
                "Routes": [
                  { "Path": "/api/{**rest}", "Providers": [ "upstream" ] },
                  { "Path": "/v1/{**rest}", "Providers": [ "upstream" ], "Api": "OpenAI", "Clients": "TrustedHeader" }
                ]
              }
            }
            """;
        string store = Path.Combine(Path.GetTempPath(), "bulwark-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(store);
        _stores.Add(store);
        return GatewayHost.Build(new GatewayHostSettings(null, json, ["http://127.0.0.1:0"])
        {
            EnvironmentOverrides = false,
            Environment = _ => null,
            MinimumLogLevel = LogLevel.Information,
            StorePath = Path.Combine(store, "bulwark.db"),
            Logging = static logging => logging.Services.AddSingleton(new BulwarkJsonConsoleOutput(Stream.Null)),
        });
    }
}
