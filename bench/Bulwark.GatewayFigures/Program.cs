// Measures the gateway's README figures on loopback: the share of requests that succeed through the gateway's default
// pipeline when both providers fail 15% of requests, and when one of two is dead; and the latency the gateway adds
// over calling a provider directly at a modest load, beside a plain YARP forwarder's. Bounded: a fixed number of requests per scenario.
//
//   dotnet run -c Release --project bench/Bulwark.GatewayFigures [-- --requests 50000]
//   dotnet run -c Release --project bench/Bulwark.GatewayFigures -- --ai-usage 3000   (usage reading: time to first byte, allocation)
//   dotnet run -c Release --project bench/Bulwark.GatewayFigures -- --ai-sample 1000  (the shipped AI sample, official OpenAI SDK, providers refusing 30%)
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Bulwark.GatewayFigures;

if (args.Length >= 1 && args[0] == "--ai-sample")
{
    string repository = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", ".."));
    await AiSampleFigures.RunAsync(repository, args.Length == 2 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1_000);
    return 0;
}

if (args.Length >= 1 && args[0] == "--ai-usage")
{
    await AiUsageFigures.RunAsync(args.Length == 2 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3_000);
    return 0;
}

int requests = args.Length == 2 && args[0] == "--requests" ? int.Parse(args[1], CultureInfo.InvariantCulture) : 50_000;
const int Concurrency = 32;

Console.WriteLine($"# Gateway figures — {DateTime.UtcNow:yyyy-MM-dd}, {Environment.ProcessorCount} cores, {requests:N0} requests per scenario, {Concurrency} concurrent");
Console.WriteLine();

await using var primary = await FigureUpstream.StartAsync();
await using var secondary = await FigureUpstream.StartAsync();
int deadPort = ClosedPort();

// 1. Both providers fail 15% of requests with 503.
primary.FailureRate = 0.15;
secondary.FailureRate = 0.15;
var both = await MeasureAsync("both providers fail 15%", primary.BaseAddress, secondary.BaseAddress, requests);

// 2. One of two providers is dead (connection refused); the other fails 15%.
var oneDead = await MeasureAsync("one provider dead, the other fails 15%", new Uri($"http://127.0.0.1:{deadPort}"), secondary.BaseAddress, requests);

// 3. The same with a pipeline of MaxRetries 3 (four attempts per provider): the route's attempt allowance (eight) is
//    spent on the live provider once the dead one's breaker is open.
const string FourAttempts = """{ "Retry": { "MaxRetries": 3, "Backoff": "Exponential", "Jitter": "Full", "BaseDelay": "00:00:00.010", "MaxDelay": "00:00:00.200" }, "CircuitBreaker": { "Mode": "Adaptive" }, "Timeout": { "Attempt": "00:00:05", "Total": "00:00:20" } }""";
var oneDeadFour = await MeasureAsync("one provider dead, the other fails 15%, MaxRetries 3", new Uri($"http://127.0.0.1:{deadPort}"), secondary.BaseAddress, requests, FourAttempts);

Console.WriteLine("| Scenario | Requests | Succeeded | Success rate | Upstream calls per request |");
Console.WriteLine("|---|--:|--:|--:|--:|");
foreach (var r in new[] { both, oneDead, oneDeadFour })
{
    Console.WriteLine($"| {r.Name} | {r.Requests:N0} | {r.Succeeded:N0} | {100.0 * r.Succeeded / r.Requests:0.0000}% | {r.UpstreamCalls / (double)r.Requests:0.000} |");
}

// 3. Added latency at a modest load: healthy provider, 4 clients in a closed loop, direct vs through the gateway.
primary.FailureRate = 0;
secondary.FailureRate = 0;
var latency = await LatencyAsync(primary.BaseAddress, secondary.BaseAddress, Math.Max(2_000, requests / 5));
Console.WriteLine();
Console.WriteLine("| Path (healthy provider, 4 concurrent clients) | Requests | p50 | p99 |");
Console.WriteLine("|---|--:|--:|--:|");
Console.WriteLine($"| direct | {latency.Requests:N0} | {latency.DirectP50:0.000} ms | {latency.DirectP99:0.000} ms |");
Console.WriteLine($"| plain YARP forwarder (no resilience) | {latency.Requests:N0} | {latency.YarpP50:0.000} ms | {latency.YarpP99:0.000} ms |");
Console.WriteLine($"| Bulwark gateway (default pipeline) | {latency.Requests:N0} | {latency.GatewayP50:0.000} ms | {latency.GatewayP99:0.000} ms |");
Console.WriteLine($"| added by Bulwark vs direct | | {latency.GatewayP50 - latency.DirectP50:0.000} ms | {latency.GatewayP99 - latency.DirectP99:0.000} ms |");
Console.WriteLine($"| added by plain YARP vs direct | | {latency.YarpP50 - latency.DirectP50:0.000} ms | {latency.YarpP99 - latency.DirectP99:0.000} ms |");
return 0;

static async Task<ScenarioResult> MeasureAsync(string name, Uri first, Uri second, int count, string? pipeline = null)
{
    await using var gateway = await FigureGateway.StartAsync(first, second, pipeline);
    using var client = NewClient(gateway.BaseAddress);
    int next = -1, succeeded = 0;
    long calls = 0;
    var workers = Enumerable.Range(0, Concurrency).Select(_ => Task.Run(async () =>
    {
        while (Interlocked.Increment(ref next) < count)
        {
            try
            {
                using var response = await client.GetAsync("/api/item");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref succeeded);
                }

                if (response.Headers.TryGetValues("X-Bulwark-Attempts", out var values) && int.TryParse(values.First(), CultureInfo.InvariantCulture, out int attempts))
                {
                    Interlocked.Add(ref calls, attempts);
                }
            }
            catch (HttpRequestException)
            {
            }
        }
    }));
    await Task.WhenAll(workers);
    return new ScenarioResult(name, count, succeeded, calls);
}

static async Task<LatencyResult> LatencyAsync(Uri provider, Uri secondary, int count)
{
    await using var gateway = await FigureGateway.StartAsync(provider, secondary);
    await using var yarp = await PlainForwarder.StartAsync(provider);
    using var direct = NewClient(provider);
    using var through = NewClient(gateway.BaseAddress);
    using var plain = NewClient(yarp.BaseAddress);
    var directTimes = new List<double>(count);
    var gatewayTimes = new List<double>(count);
    var yarpTimes = new List<double>(count);

    // Warm every path, then alternate batches so all see the same machine state.
    await RunAsync(direct, 500, null);
    await RunAsync(through, 500, null);
    await RunAsync(plain, 500, null);
    for (int batch = 0; batch < 10; batch++)
    {
        await RunAsync(direct, count / 10, directTimes);
        await RunAsync(through, count / 10, gatewayTimes);
        await RunAsync(plain, count / 10, yarpTimes);
    }

    directTimes.Sort();
    gatewayTimes.Sort();
    yarpTimes.Sort();
    return new LatencyResult(
        directTimes.Count,
        Percentile(directTimes, 0.50),
        Percentile(directTimes, 0.99),
        Percentile(gatewayTimes, 0.50),
        Percentile(gatewayTimes, 0.99),
        Percentile(yarpTimes, 0.50),
        Percentile(yarpTimes, 0.99));

    static async Task RunAsync(HttpClient client, int n, List<double>? times)
    {
        int next = -1;
        var local = new List<double>[4];
        var workers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            var mine = local[w] = [];
            while (Interlocked.Increment(ref next) < n)
            {
                long start = Stopwatch.GetTimestamp();
                using var response = await client.GetAsync("/api/item");
                await response.Content.ReadAsByteArrayAsync();
                mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        }));
        await Task.WhenAll(workers);
        if (times is not null)
        {
            foreach (var list in local)
            {
                times.AddRange(list);
            }
        }
    }
}

static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)(sorted.Count * p))];

static HttpClient NewClient(Uri baseAddress) =>
    new(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = 64 }) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };

static int ClosedPort()
{
    var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    int port = ((IPEndPoint)listener.LocalEndpoint).Port;
    listener.Stop();
    return port;
}

internal sealed record ScenarioResult(string Name, int Requests, int Succeeded, long UpstreamCalls);

internal sealed record LatencyResult(int Requests, double DirectP50, double DirectP99, double GatewayP50, double GatewayP99, double YarpP50, double YarpP99);
