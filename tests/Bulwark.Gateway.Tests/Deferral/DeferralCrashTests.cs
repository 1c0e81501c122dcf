using System.Collections.Concurrent;
using System.Net;
using Bulwark.Gateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Xunit.Abstractions;

namespace Bulwark.Gateway.Tests.Deferral;

/// <summary>
/// The proof of durable deferral: the gateway as a separate process accepts writes while its provider refuses connections,
/// is killed with SIGKILL, and delivers every acknowledged write, once, after it starts again.
/// </summary>
public sealed class DeferralCrashTests(ITestOutputHelper output)
{
    private const int Attempted = 300;

    [Fact]
    public async Task KillNine_WhileProvidersRefuse_RestartDeliversEveryAcknowledgedWrite_NoneLost_NoneTwice()
    {
        string store = TestStore.NewPath();
        var closed = ClosedPort.Open();
        int port = closed.Address.Port;
        string config = DeferralConfigs.Payments(closed.Address, maxAttempts: 1000);

        var acknowledged = new ConcurrentDictionary<string, string>();
        int refused = 0;
        await using (var first = await GatewayProcess.StartAsync(config, store, DeferralConfigs.Environment))
        {
            using var client = new HttpClient { BaseAddress = first.Address, Timeout = TimeSpan.FromSeconds(30) };
            await Parallel.ForEachAsync(Enumerable.Range(0, Attempted), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
            {
                string key = $"crash-{i:D4}";
                using var response = await client.SendAsync(DeferralTests.Post("/payments/charges", key, $$"""{"n":{{i}}}"""), ct);
                if (response.StatusCode == HttpStatusCode.Accepted)
                {
                    acknowledged[key] = response.Headers.Location!.ToString();
                }
                else
                {
                    Interlocked.Increment(ref refused);
                }
            });

            await first.KillAsync();
        }

        closed.Dispose();
        var receipts = new ConcurrentDictionary<string, int>();
        await using var provider = await Upstream.StartAsync(port);
        provider.Behaviour = async (context, _) =>
        {
            receipts.AddOrUpdate(context.Request.Headers["Idempotency-Key"].ToString(), 1, static (_, n) => n + 1);
            context.Response.StatusCode = StatusCodes.Status201Created;
            await context.Response.WriteAsync("{}");
        };

        await using var second = await GatewayProcess.StartAsync(config, store, DeferralConfigs.Environment);
        await Poll.UntilAsync(() => acknowledged.Keys.All(receipts.ContainsKey), "every acknowledged write to be delivered", TimeSpan.FromSeconds(60));

        int delivered = acknowledged.Keys.Count(receipts.ContainsKey);
        int lost = acknowledged.Count - delivered;
        int duplicated = receipts.Values.Sum(n => n - 1);
        int unacknowledgedDelivered = receipts.Keys.Count(k => !acknowledged.ContainsKey(k));
        output.WriteLine($"attempted {Attempted}, acknowledged (202) {acknowledged.Count}, refused {refused}, delivered {delivered}, lost {lost}, duplicated upstream deliveries {duplicated}, delivered without acknowledgement {unacknowledgedDelivered}");

        Assert.Equal(Attempted, acknowledged.Count + refused);
        Assert.True(acknowledged.Count >= Attempted * 9 / 10, $"only {acknowledged.Count} of {Attempted} were acknowledged");
        Assert.Equal(0, lost);
        Assert.Equal(0, duplicated);

        using var client2 = new HttpClient { BaseAddress = second.Address };
        using var status = await client2.GetAsync(acknowledged.Values.First());
        Assert.Contains("\"delivered\"", await status.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
