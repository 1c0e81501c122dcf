using System.Diagnostics;
using System.Net;
using Bulwark.Gateway.Forwarding;
using Bulwark.Gateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Bulwark.Gateway.Tests.Load;

/// <summary>
/// The README's upload figures: 100 uploads of 50 MB through a provider that cuts 15% of its uploads mid-transfer
/// (seeded per upload and attempt, so the same uploads fail on every run), with the spool and with retry off; and the
/// spool's added time per upload against a healthy provider, the spool and retry off alternating. About two and a half
/// minutes in all: with the load harness (skipped by <c>--filter "FullyQualifiedName!~Bulwark.Gateway.Tests.Load."</c>),
/// one at a time. Results: bench/results/2026-12-07-uploads.md.
/// </summary>
[Collection(QuickLoadHarnessCollection.Name)]
public sealed class UploadFiguresTests(ITestOutputHelper output) : IDisposable
{
    private const long MiB = 1024 * 1024;
    private const long UploadBytes = 50 * MiB;
    private const int Uploads = 100;
    private const int Concurrency = 4;
    private const double FailureRate = 0.15;

    private const string Pipeline = """
        {
          "Retry": { "MaxRetries": 4, "Backoff": "Constant", "Jitter": "None", "BaseDelay": "00:00:00" },
          "CircuitBreaker": { "Mode": "ConsecutiveFailures", "FailureThreshold": 1000, "BreakDuration": "00:00:30" },
          "Timeout": { "Attempt": "00:05:00", "Total": "00:10:00" }
        }
        """;

    private readonly string _spool = Directory.CreateTempSubdirectory("bulwark-figures-").FullName;

    public void Dispose() => Directory.Delete(_spool, recursive: true);

    [Fact]
    public async Task HundredUploadsOf50MB_ProviderCutting15Percent_AllStoredByteIdentical_WithTheSpool()
    {
        await using var provider = await HashingUpstream.StartAsync();
        provider.ResetAfter = CutsFifteenPercent();
        await using var gateway = await GatewayUnderTest.StartAsync(Config(provider.BaseAddress, replayable: true));
        var quota = gateway.Services.GetRequiredService<BodyBufferDirectory>().Quota;
        using var sampling = new CancellationTokenSource();
        long diskPeak = 0;
        var sampler = Task.Run(async () =>
        {
            // A measurement, not a wait for anything: the bytes the spool files hold, every 10 ms.
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
            try
            {
                while (await timer.WaitForNextTickAsync(sampling.Token))
                {
                    long bytes = Directory.EnumerateFiles(_spool).Sum(static f => new FileInfo(f) is { Exists: true } info ? info.Length : 0);
                    diskPeak = Math.Max(diskPeak, bytes);
                }
            }
            catch (OperationCanceledException)
            {
                // The run ended.
            }
        });

        var (succeeded, attempts, wall) = await RunAsync(gateway, provider);
        await sampling.CancelAsync();
        await sampler;

        output.WriteLine($"spool on: {succeeded}/{Uploads} stored byte-identical ({100.0 * succeeded / Uploads:0.0}%), {attempts} attempts ({provider.Requests} provider requests), {wall.TotalSeconds:0.0} s, {Concurrency} at a time");
        output.WriteLine($"spool peak: {quota.Peak / MiB} MiB reserved, {diskPeak / MiB} MiB seen on disk (sampled every 10 ms)");
        Assert.Equal(Uploads, succeeded);
        Assert.True(provider.Requests > Uploads, "the provider cut some uploads");
        await Poll.UntilAsync(() => Directory.GetFiles(_spool).Length == 0, "every spool file to be removed");
    }

    [Fact]
    public async Task HundredUploadsOf50MB_ProviderCutting15Percent_RetryOff_TheCutOnesFail()
    {
        await using var provider = await HashingUpstream.StartAsync();
        provider.ResetAfter = CutsFifteenPercent();
        await using var gateway = await GatewayUnderTest.StartAsync(Config(provider.BaseAddress, replayable: false));

        var (succeeded, attempts, wall) = await RunAsync(gateway, provider);

        output.WriteLine($"spool off (MaxReplayableBodyBytes 0): {succeeded}/{Uploads} stored ({100.0 * succeeded / Uploads:0.0}%), {attempts} attempts, {wall.TotalSeconds:0.0} s");
        Assert.InRange(succeeded, 70, 95);
    }

    [Fact]
    public async Task SpoolsAddedTimePerUpload_AgainstAHealthyProvider()
    {
        await using var provider = await HashingUpstream.StartAsync();
        await using var spooled = await GatewayUnderTest.StartAsync(Config(provider.BaseAddress, replayable: true));
        await using var streamed = await GatewayUnderTest.StartAsync(Config(provider.BaseAddress, replayable: false));
        var on = new List<double>();
        var off = new List<double>();

        // Alternating, one at a time, after one warm-up each: the machine's drift falls on both alike.
        for (int i = -1; i < 20; i++)
        {
            double a = await TimeOneAsync(spooled, i);
            double b = await TimeOneAsync(streamed, i);
            if (i >= 0)
            {
                on.Add(a);
                off.Add(b);
            }
        }

        on.Sort();
        off.Sort();
        output.WriteLine($"50 MB upload, healthy provider, 20 each: spool on median {on[10]:0} ms (mean {on.Average():0}), retry off median {off[10]:0} ms (mean {off.Average():0}); added by the spool: {on[10] - off[10]:0} ms median ({(on[10] - off[10]) / off[10]:P0})");
        Assert.Equal(42, provider.StoredCount);
    }

    private async Task<double> TimeOneAsync(GatewayUnderTest gateway, int i)
    {
        var content = new PatternContent(UploadBytes, seed: 1000 + i);
        var clock = Stopwatch.StartNew();
        using var response = await gateway.Client.PutAsync($"/bucket/timing/{gateway.BaseAddress.Port}/{i}", content);
        double elapsed = clock.Elapsed.TotalMilliseconds;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return elapsed;
    }

    private static async Task<(int Succeeded, int Attempts, TimeSpan Wall)> RunAsync(GatewayUnderTest gateway, HashingUpstream provider)
    {
        int succeeded = 0;
        int attempts = 0;
        int next = -1;
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, Concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < Uploads)
            {
                var content = new PatternContent(UploadBytes, seed: i);
                string path = $"/bucket/figures/{i}.bin";
                using var response = await gateway.Client.PutAsync(path, content);
                if (response.Headers.TryGetValues("X-Bulwark-Attempts", out var values) && int.TryParse(values.Single(), out int n))
                {
                    Interlocked.Add(ref attempts, n);
                }

                if (response.StatusCode == HttpStatusCode.OK && content.Sent is { } sent && provider.StoredHash(path) == sent)
                {
                    Interlocked.Increment(ref succeeded);
                }
            }
        })).ToArray();
        await Task.WhenAll(workers);
        return (succeeded, attempts, clock.Elapsed);
    }

    /// <summary>Cuts 15% of attempts, at 5–95% of the body: decided by the upload's path and its attempt number, so every run cuts the same ones.</summary>
    private static Func<int, string, long?> CutsFifteenPercent()
    {
        var attemptsByPath = new Dictionary<string, int>(StringComparer.Ordinal);
        return (_, path) =>
        {
            int attempt;
            lock (attemptsByPath)
            {
                attempt = attemptsByPath[path] = attemptsByPath.GetValueOrDefault(path) + 1;
            }

            var random = new Random(Seed(path, attempt));
            return random.NextDouble() < FailureRate ? (long)(UploadBytes * (0.05 + (0.9 * random.NextDouble()))) : null;
        };
    }

    private static int Seed(string path, int attempt)
    {
        // Stable across runs (string.GetHashCode is randomized per process).
        int seed = 17;
        foreach (char c in path)
        {
            seed = unchecked((seed * 31) + c);
        }

        return unchecked((seed * 31) + attempt);
    }

    private string Config(Uri provider, bool replayable) => $$"""
        {
          "Bulwark": {
            "MaxBufferedBodyBytes": 1048576,
            "MaxReplayableBodyBytes": {{(replayable ? 1L << 30 : 0)}},
            "Limits": { "MaxRequestBodyBytes": {{100 * MiB}} },
            "Spool": { "Directory": "{{_spool}}" },
            "Pipelines": { "default": {{Pipeline}} },
            "Providers": { "storage": { "BaseUrl": "{{provider.ToString().TrimEnd('/')}}" } },
            "Routes": [ { "Path": "/bucket/{**key}", "Providers": [ "storage" ], "Timeout": "00:10:00" } ]
          }
        }
        """;
}
