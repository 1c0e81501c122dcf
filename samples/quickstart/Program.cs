// Bulwark quickstart: two local providers that misbehave, called directly and then through Bulwark's named pipeline
// with failover. Runs a bounded workload (a few thousand requests, well under a minute) and prints what changed.
using System.Diagnostics;
using Bulwark.Failover;
using Bulwark.Pipelines;
using Bulwark.Samples.Quickstart;

const int Requests = 3_000;
const int Concurrency = 16;

await using var primary = await FlakyProvider.StartAsync("primary");
await using var secondary = await FlakyProvider.StartAsync("secondary");
primary.ErrorRate = 0.10;      // 503s
primary.ResetRate = 0.05;      // connection resets
secondary.ThrottleRate = 0.05; // 429 with Retry-After

var builder = Host.CreateApplicationBuilder(args);
builder.Configuration.AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: false);
builder.Services.AddBulwark(builder.Configuration.GetSection("Bulwark"));
using var host = builder.Build();
await host.StartAsync(); // validates the configuration: every error at once, or nothing

using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(1) });
var pipelines = host.Services.GetRequiredService<IBulwarkPipelineProvider>();
var primaryPipeline = pipelines.GetPipeline("default", "primary");
var secondaryPipeline = pipelines.GetPipeline("default", "secondary");
var transitions = new List<string>();
var clock = Stopwatch.StartNew();
primaryPipeline.CircuitBreaker!.StateChanged += (_, t) => { lock (transitions) { transitions.Add($"{clock.Elapsed.TotalSeconds,5:0.0}s primary {t.From} -> {t.To} ({t.Reason})"); } };
secondaryPipeline.CircuitBreaker!.StateChanged += (_, t) => { lock (transitions) { transitions.Add($"{clock.Elapsed.TotalSeconds,5:0.0}s secondary {t.From} -> {t.To} ({t.Reason})"); } };
var chain = new FailoverExecutor<HttpResponseMessage>(
[
    FailoverProvider.Create<HttpResponseMessage>(primaryPipeline),
    FailoverProvider.Create<HttpResponseMessage>(secondaryPipeline),
]);
var urls = new Dictionary<string, Uri> { ["primary"] = primary.BaseAddress, ["secondary"] = secondary.BaseAddress };

Console.WriteLine($"Bulwark quickstart: {Requests} requests, {Concurrency} at a time, to two local providers.");
Console.WriteLine("  primary:   10% 503, 5% connection resets, and down (every connection reset) for requests 1000-1800");
Console.WriteLine("  secondary: 5% 429 with Retry-After");
Console.WriteLine();

// 1. Directly to the primary, no resilience.
var direct = await RunAsync("direct", async i =>
{
    SetOutage(i);
    try
    {
        using var response = await http.GetAsync(new Uri(primary.BaseAddress, "/api/hello"));
        return (response.IsSuccessStatusCode, 1, false);
    }
    catch (HttpRequestException)
    {
        return (false, 1, false);
    }
});

lock (transitions) { transitions.Add($"{clock.Elapsed.TotalSeconds,5:0.0}s -- direct run done; run through Bulwark starts --"); }

// 2. Through Bulwark: per-provider pipeline (retry, adaptive breaker, bulkhead, timeouts) and failover.
var bulwark = await RunAsync("bulwark", async i =>
{
    SetOutage(i);
    var result = await chain.ExecuteAsync(
        (attempt, targets) => new ValueTask<HttpResponseMessage>(Send(attempt, targets)),
        urls);
    bool ok = result.Outcome.Result is { IsSuccessStatusCode: true };
    result.Outcome.Result?.Dispose();
    int calls = result.Attempts.Count(a => a.Kind is not FailoverAttemptKind.Skipped and not FailoverAttemptKind.Rejected);
    return (ok, calls, result.Provider == "secondary");
});

Console.WriteLine($"{"",-9} {"success",9} {"calls/req",10} {"failovers",10} {"p50 ms",8} {"p99 ms",8}");
Print(direct);
Print(bulwark);
Console.WriteLine();
Console.WriteLine("Timeline (both runs):");
foreach (var line in transitions)
{
    Console.WriteLine("  " + line);
}

Console.WriteLine();
Console.WriteLine($"Primary breaker now {primaryPipeline.CircuitBreaker.State}; learned baseline failure rate {primaryPipeline.CircuitBreaker.GetHealth().Baseline:P1}.");
await host.StopAsync();
return bulwark.Successes > direct.Successes ? 0 : 1;

// The primary goes down when request 1000 starts and comes back when request 1800 starts.
void SetOutage(int i)
{
    if (i == 1000)
    {
        primary.Down = true;
        lock (transitions) { transitions.Add($"{clock.Elapsed.TotalSeconds,5:0.0}s primary goes down"); }
    }
    else if (i == 1800)
    {
        primary.Down = false;
        lock (transitions) { transitions.Add($"{clock.Elapsed.TotalSeconds,5:0.0}s primary comes back"); }
    }
}

async Task<HttpResponseMessage> Send(FailoverAttemptContext attempt, Dictionary<string, Uri> targets) =>
    await http.GetAsync(new Uri(targets[attempt.Provider], "/api/hello"), attempt.CancellationToken);

static async Task<RunResult> RunAsync(string name, Func<int, Task<(bool Ok, int Calls, bool FailedOver)>> call)
{
    int next = -1, successes = 0, calls = 0, failovers = 0;
    var latencies = new double[Requests];
    var workers = Enumerable.Range(0, Concurrency).Select(_ => Task.Run(async () =>
    {
        int i;
        while ((i = Interlocked.Increment(ref next)) < Requests)
        {
            long start = Stopwatch.GetTimestamp();
            var (ok, n, failedOver) = await call(i);
            latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            Interlocked.Add(ref calls, n);
            if (ok)
            {
                Interlocked.Increment(ref successes);
            }

            if (failedOver)
            {
                Interlocked.Increment(ref failovers);
            }
        }
    }));
    await Task.WhenAll(workers);
    Array.Sort(latencies);
    return new RunResult(name, successes, calls, failovers, latencies[Requests / 2], latencies[(int)(Requests * 0.99)]);
}

static void Print(RunResult r) =>
    Console.WriteLine($"{r.Name,-9} {100.0 * r.Successes / Requests,8:0.00}% {(double)r.Calls / Requests,10:0.00} {r.Failovers,10} {r.P50,8:0.0} {r.P99,8:0.0}");

internal sealed record RunResult(string Name, int Successes, int Calls, int Failovers, double P50, double P99);
