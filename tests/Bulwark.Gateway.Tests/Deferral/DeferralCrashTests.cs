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
        string config = DeferralConfigs.Payments(closed.Address, maxAttempts: 1000)
            .Replace("\"PollInterval\": \"00:00:00.050\"", "\"PollInterval\": \"00:00:00.050\", \"AttemptTimeout\": \"00:00:02\", \"LeaseDuration\": \"00:00:03\", \"SweepInterval\": \"00:00:00.500\"", StringComparison.Ordinal);
        Assert.Contains("LeaseDuration", config, StringComparison.Ordinal);

        var acknowledged = new ConcurrentDictionary<string, string>();
        int refused = 0, cut = 0;
        await using (var first = await GatewayProcess.StartAsync(config, store, DeferralConfigs.Environment))
        {
            // The kill lands while submissions are still in flight: some are committed but never answered.
            using var client = new HttpClient { BaseAddress = first.Address, Timeout = TimeSpan.FromSeconds(30) };
            var sending = Parallel.ForEachAsync(Enumerable.Range(0, Attempted), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
            {
                string key = $"crash-{i:D4}";
                try
                {
                    using var response = await client.SendAsync(DeferralTests.Post("/payments/charges", key, $$"""{"n":{{i}}}"""), ct);
                    if (response.StatusCode == HttpStatusCode.Accepted)
                    {
                        acknowledged[key] = response.Headers.Location!.ToString();
                    }
                    else
                    {
                        Interlocked.Increment(ref refused);
                    }
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref cut);
                }
            });

            await Poll.UntilAsync(() => acknowledged.Count >= Attempted / 2 || sending.IsCompleted, "half the writes to be acknowledged");
            await first.KillAsync();
            await Poll.WithinAsync(sending, "the submissions to end");
        }

        closed.Dispose();
        var receipts = new DeliveryReceipts();
        await using var provider = await receipts.StartProviderAsync(port);
        await using var second = await GatewayProcess.StartAsync(config, store, DeferralConfigs.Environment);
        await Poll.UntilAsync(() => acknowledged.Keys.All(receipts.ByKey.ContainsKey), "every acknowledged write to be delivered", TimeSpan.FromSeconds(60));
        await DeliveryReceipts.SettlePastALeaseAsync();

        int delivered = acknowledged.Keys.Count(receipts.ByKey.ContainsKey);
        int lost = acknowledged.Count - delivered;
        int duplicated = receipts.Duplicated;
        int unacknowledgedDelivered = receipts.ByKey.Keys.Count(k => !acknowledged.ContainsKey(k));
        output.WriteLine($"attempted {Attempted}, acknowledged (202) {acknowledged.Count}, refused {refused}, cut by the kill {cut}, delivered {delivered}, lost {lost}, duplicated upstream deliveries {duplicated}, stored but never acknowledged (delivered) {unacknowledgedDelivered}");

        Assert.Equal(Attempted, acknowledged.Count + refused + cut);
        Assert.Equal(0, refused);
        Assert.True(acknowledged.Count >= Attempted / 2, $"only {acknowledged.Count} of {Attempted} were acknowledged before the kill");
        Assert.Equal(0, lost);
        Assert.Equal(0, duplicated);

        using var client2 = new HttpClient { BaseAddress = second.Address };
        using var status = await client2.GetAsync(acknowledged.Values.First());
        Assert.Contains("\"delivered\"", await status.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task KillNine_WhileDelivering_ResendsOnlyTheEntriesInFlight_WithTheirKey_AndTheirStatusCountsTheAttempt()
    {
        const int Concurrency = 4;
        const int Submitted = 40;
        string store = TestStore.NewPath();
        string config = DeferralConfigs.Payments(new Uri("http://127.0.0.1:1"), maxAttempts: 1000, deliveriesExtra: $", \"MaxConcurrentDeliveries\": {Concurrency}");

        // Two phases at the provider: refusals (so every write is deferred), then hanging (deliveries in flight at the kill).
        var hanging = new ConcurrentDictionary<string, int>();
        var receipts = new ConcurrentDictionary<string, int>();
        var withoutKey = 0;
        int phase = 0;
        await using var provider = await Upstream.StartAsync();
        provider.Behaviour = async (context, _) =>
        {
            string key = context.Request.Headers["Idempotency-Key"].ToString();
            if (key.Length == 0)
            {
                Interlocked.Increment(ref withoutKey);
            }

            switch (Volatile.Read(ref phase))
            {
                case 0:
                    context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                    return;
                case 1:
                    hanging.AddOrUpdate(key, 1, static (_, n) => n + 1);
                    var gone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    using (context.RequestAborted.Register(() => gone.TrySetResult()))
                    {
                        await gone.Task;
                    }

                    return;
                default:
                    receipts.AddOrUpdate(key, 1, static (_, n) => n + 1);
                    context.Response.StatusCode = StatusCodes.Status201Created;
                    await context.Response.WriteAsync("{}");
                    return;
            }
        };
        config = config.Replace("http://127.0.0.1:1", provider.BaseAddress.ToString().TrimEnd('/'), StringComparison.Ordinal);

        var acknowledged = new Dictionary<string, string>();
        await using (var first = await GatewayProcess.StartAsync(config, store, DeferralConfigs.Environment))
        {
            using var client = new HttpClient { BaseAddress = first.Address, Timeout = TimeSpan.FromSeconds(30) };
            for (int i = 0; i < Submitted; i++)
            {
                string key = $"inflight-{i:D3}";
                using var response = await client.SendAsync(DeferralTests.Post("/payments/charges", key, $$"""{"n":{{i}}}"""));
                Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
                acknowledged[key] = response.Headers.Location!.ToString();
            }

            Volatile.Write(ref phase, 1);
            await Poll.UntilAsync(() => hanging.Count >= Concurrency, $"{Concurrency} deliveries to be in flight at the provider");
            await first.KillAsync();
        }

        var inFlight = hanging.Keys.ToArray();
        Volatile.Write(ref phase, 2);
        await using var second = await GatewayProcess.StartAsync(config, store, DeferralConfigs.Environment);
        await Poll.UntilAsync(() => acknowledged.Keys.All(receipts.ContainsKey), "every acknowledged write to be delivered", TimeSpan.FromSeconds(60));

        // Once every entry is recorded as delivered nothing is left to send: the counts below can no longer change.
        using var statusClient = new HttpClient { BaseAddress = second.Address, Timeout = TimeSpan.FromSeconds(10) };
        await Poll.UntilAsync(
            () => acknowledged.Values.All(location =>
            {
                using var response = statusClient.GetAsync(location).GetAwaiter().GetResult();
                using var body = System.Text.Json.JsonDocument.Parse(response.Content.ReadAsStringAsync().GetAwaiter().GetResult());
                return response.IsSuccessStatusCode && body.RootElement.GetProperty("state").GetString() == "delivered";
            }),
            "every acknowledged write to be recorded as delivered",
            TimeSpan.FromSeconds(60));

        // Re-sent: a key the provider saw in flight at the kill and again after the restart.
        int resent = acknowledged.Keys.Count(k => hanging.ContainsKey(k) && receipts.ContainsKey(k));
        int duplicated = acknowledged.Keys.Sum(k => hanging.GetValueOrDefault(k) + receipts.GetValueOrDefault(k)) - acknowledged.Count;
        output.WriteLine($"acknowledged {acknowledged.Count}, in flight at the kill {inFlight.Length} (concurrency {Concurrency}), re-sent after the restart {resent}, duplicated upstream deliveries {duplicated}");

        Assert.Equal(0, Volatile.Read(ref withoutKey));
        Assert.All(acknowledged.Keys, k => Assert.Equal(1, receipts[k]));
        Assert.InRange(inFlight.Length, 1, Concurrency);
        Assert.Equal(inFlight.Length, resent);
        Assert.InRange(duplicated, 1, Concurrency);

        // What an operator sees of a re-sent entry: the attempt the kill cut short is counted.
        using var client2 = new HttpClient { BaseAddress = second.Address };
        using var status = await client2.GetAsync(acknowledged[inFlight[0]]);
        using var json = System.Text.Json.JsonDocument.Parse(await status.Content.ReadAsStringAsync());
        Assert.Equal("delivered", json.RootElement.GetProperty("state").GetString());
        Assert.True(json.RootElement.GetProperty("attempts").GetInt32() >= 3, json.RootElement.ToString());
    }
}
