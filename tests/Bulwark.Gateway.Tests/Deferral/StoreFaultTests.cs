using System.Collections.Concurrent;
using System.Net;
using System.Runtime.CompilerServices;
using Bulwark.Gateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace Bulwark.Gateway.Tests.Deferral;

/// <summary>
/// The store's file is damaged under a running gateway (deleted, or its pages overwritten): from then on nothing is
/// acknowledged, readiness says what happened, and every write acknowledged before is delivered after a restart.
/// </summary>
public sealed class StoreFaultTests(ITestOutputHelper output)
{
    private const int Batch = 20;

    [Fact]
    public async Task StoreDeletedWhileRunning_NothingMoreAcknowledged_ReadinessUnhealthy_RestartDeliversEveryAcknowledgedWrite()
    {
        string store = TestStore.NewPath();
        var receipts = new ConcurrentDictionary<string, int>();
        var accepting = new StrongBox<bool>();
        await using var provider = await RefusingProviderAsync(accepting, receipts);
        string config = DeferralConfigs.Payments(provider.BaseAddress, maxAttempts: 1000);

        Dictionary<string, HttpStatusCode> before, after;
        await using (var first = await GatewayProcess.StartAsync(config, store, DeferralConfigs.Environment))
        {
            using var client = new HttpClient { BaseAddress = first.Address, Timeout = TimeSpan.FromSeconds(30) };
            before = await SubmitAsync(client, "before", Batch);
            Assert.All(before.Values, status => Assert.Equal(HttpStatusCode.Accepted, status));

            // What `rm bulwark.db*` does: the gateway's open connections keep the unlinked files.
            foreach (var file in new[] { store, store + "-wal", store + "-shm" })
            {
                File.Delete(file);
            }

            after = await SubmitAsync(client, "after", Batch);

            // The copy is made in the background: readiness says so once it is done.
            string readiness = string.Empty;
            HttpStatusCode readyStatus = default;
            await Poll.UntilAsync(
                () =>
                {
                    using var ready = client.GetAsync("/health/ready").GetAwaiter().GetResult();
                    readyStatus = ready.StatusCode;
                    readiness = ready.Content.ReadAsStringAsync().GetAwaiter().GetResult();
                    return readiness.Contains("copied back", StringComparison.Ordinal);
                },
                "readiness to report the rescue's outcome",
                TimeSpan.FromSeconds(30));
            output.WriteLine(readiness);

            Assert.DoesNotContain(HttpStatusCode.Accepted, after.Values);
            Assert.All(after.Values, status => Assert.Equal(HttpStatusCode.ServiceUnavailable, status));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, readyStatus);
            Assert.Contains("was deleted while it was open", readiness, StringComparison.Ordinal);
            Assert.Contains("was deleted while it was open", first.Output, StringComparison.Ordinal);
            await Poll.UntilAsync(() => first.Output.Contains("copied back", StringComparison.Ordinal), "the rescue's outcome to be logged", TimeSpan.FromSeconds(30));
            Assert.True(File.Exists(store), "the open database was not copied back to its path");
            await first.KillAsync();
        }

        await DeliverAfterRestartAsync(accepting, receipts, config, store, before.Keys);
        Assert.All(before.Keys, key => Assert.Equal(1, receipts[key]));
    }

    [Fact]
    public async Task StoreCorruptedWhileRunning_NothingMoreAcknowledged_StartNamesRecover_RecoverSalvages_RestartDeliversThem()
    {
        string store = TestStore.NewPath();
        var receipts = new ConcurrentDictionary<string, int>();
        var accepting = new StrongBox<bool>();
        await using var provider = await RefusingProviderAsync(accepting, receipts);
        string config = DeferralConfigs.Payments(provider.BaseAddress, maxAttempts: 1000);
        var environment = new Dictionary<string, string>(DeferralConfigs.Environment) { ["Bulwark__Storage__Path"] = store };

        // The integrity check runs in the background; a short interval lets the test see it without waiting a minute.
        var checkedOften = new Dictionary<string, string>(DeferralConfigs.Environment) { ["Bulwark__Storage__IntegrityCheckInterval"] = "00:00:00.200" };
        Dictionary<string, HttpStatusCode> before, after;
        await using (var first = await GatewayProcess.StartAsync(config, store, checkedOften))
        {
            using var client = new HttpClient { BaseAddress = first.Address, Timeout = TimeSpan.FromSeconds(30) };
            before = await SubmitAsync(client, "before", Batch);
            Assert.All(before.Values, status => Assert.Equal(HttpStatusCode.Accepted, status));

            CorruptBreakerStatePage(store);

            // Inserts never touch the damaged page: only the failure, once the background check found it, can stop them.
            string readiness = string.Empty;
            await Poll.UntilAsync(
                () =>
                {
                    using var ready = client.GetAsync("/health/ready").GetAwaiter().GetResult();
                    readiness = ready.Content.ReadAsStringAsync().GetAwaiter().GetResult();
                    return ready.StatusCode == HttpStatusCode.ServiceUnavailable;
                },
                "readiness to report the store unhealthy",
                TimeSpan.FromSeconds(30));
            output.WriteLine(readiness);
            after = await SubmitAsync(client, "after", Batch);

            Assert.Contains("corrupt", readiness, StringComparison.Ordinal);
            Assert.DoesNotContain(HttpStatusCode.Accepted, after.Values);
            Assert.All(after.Values, status => Assert.Equal(HttpStatusCode.ServiceUnavailable, status));
            await first.KillAsync();
        }

        using var file = ConfigFile.Create(config);
        var refused = await GatewayProcess.RunToExitAsync(["serve", "--config", file.Path, "--urls", "http://127.0.0.1:0"], environment, TimeSpan.FromSeconds(60));
        output.WriteLine(refused.Output);
        Assert.Equal(4, refused.ExitCode);
        Assert.Contains($"bulwark store recover --config {file.Path}", refused.Output, StringComparison.Ordinal);

        var recovered = await GatewayProcess.RunToExitAsync(["store", "recover", "--config", file.Path], environment, TimeSpan.FromSeconds(60));
        output.WriteLine(recovered.Output);
        Assert.Equal(0, recovered.ExitCode);
        Assert.Contains($"salvaged {Batch} deliveries", recovered.Output, StringComparison.Ordinal);
        var aside = Directory.GetFiles(Path.GetDirectoryName(store)!, "bulwark.db.corrupt-*");
        Assert.Contains(aside, name => !name.EndsWith("-wal", StringComparison.Ordinal) && !name.EndsWith("-shm", StringComparison.Ordinal));

        await DeliverAfterRestartAsync(accepting, receipts, config, store, before.Keys);
        Assert.All(before.Keys, key => Assert.Equal(1, receipts[key]));
        Assert.DoesNotContain(receipts.Keys, key => key.StartsWith("after", StringComparison.Ordinal));
    }

    /// <summary>Posts <paramref name="count"/> writes with distinct keys; returns each key's answer.</summary>
    private static async Task<Dictionary<string, HttpStatusCode>> SubmitAsync(HttpClient client, string prefix, int count)
    {
        var answers = new Dictionary<string, HttpStatusCode>();
        for (int i = 0; i < count; i++)
        {
            string key = $"{prefix}-{i:D3}";
            using var response = await client.SendAsync(DeferralTests.Post("/payments/charges", key, $$"""{"n":{{i}}}"""));
            answers[key] = response.StatusCode;
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                Assert.Equal("Not accepted", (await Problem.ReadAsync(response)).GetProperty("title").GetString());
            }
        }

        return answers;
    }

    /// <summary>
    /// The provider, for the whole test: it refuses (so every write is deferred) until <paramref name="accepting"/> is set,
    /// then counts each key it receives. One listener throughout: its port is never released for another process to take.
    /// </summary>
    private static async Task<Upstream> RefusingProviderAsync(StrongBox<bool> accepting, ConcurrentDictionary<string, int> receipts)
    {
        var provider = await Upstream.StartAsync();
        provider.Behaviour = async (context, _) =>
        {
            if (!Volatile.Read(ref accepting.Value))
            {
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return;
            }

            receipts.AddOrUpdate(context.Request.Headers["Idempotency-Key"].ToString(), 1, static (_, n) => n + 1);
            context.Response.StatusCode = StatusCodes.Status201Created;
            await context.Response.WriteAsync("{}");
        };
        return provider;
    }

    /// <summary>Lets the provider accept, starts the gateway again on the same store, and waits for every key to arrive.</summary>
    private static async Task DeliverAfterRestartAsync(StrongBox<bool> accepting, ConcurrentDictionary<string, int> receipts, string config, string store, IEnumerable<string> expected)
    {
        Volatile.Write(ref accepting.Value, true);
        await using var second = await GatewayProcess.StartAsync(config, store, DeferralConfigs.Environment);
        await Poll.UntilAsync(() => expected.All(receipts.ContainsKey), "every acknowledged write to be delivered after the restart", TimeSpan.FromSeconds(30));
    }

    /// <summary>
    /// Moves every committed page into the main file (a checkpoint, as SQLite makes on its own) and overwrites the page
    /// of the breaker_state table (not the header): the deliveries stay readable, and an insert never reads that page.
    /// </summary>
    internal static void CorruptBreakerStatePage(string store)
    {
        var pages = new List<long>();
        long pageSize;
        using (var connection = new SqliteConnection($"Data Source={store};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA busy_timeout = 5000;";
            command.ExecuteNonQuery();
            command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
            using (var reader = command.ExecuteReader())
            {
                Assert.True(reader.Read());
                Assert.Equal(0L, reader.GetInt64(0));
            }

            command.CommandText = "PRAGMA page_size;";
            pageSize = (long)command.ExecuteScalar()!;
            command.CommandText = "SELECT rootpage FROM sqlite_schema WHERE name = 'breaker_state' AND rootpage > 1;";
            using var roots = command.ExecuteReader();
            while (roots.Read())
            {
                pages.Add(roots.GetInt64(0));
            }
        }

        Assert.NotEmpty(pages);
        using var stream = new FileStream(store, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
        var garbage = new byte[pageSize];
        new Random(11).NextBytes(garbage);
        garbage[0] = 0xA5; // not a b-tree page type
        foreach (long page in pages)
        {
            stream.Position = (page - 1) * pageSize;
            stream.Write(garbage);
        }

        stream.Flush(flushToDisk: true);
    }
}
