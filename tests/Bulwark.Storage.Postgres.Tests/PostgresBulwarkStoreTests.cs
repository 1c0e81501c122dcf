using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Bulwark.CircuitBreaker;
using Bulwark.Deliveries;
using Bulwark.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Polly.CircuitBreaker;

namespace Bulwark.Storage.Postgres.Tests;

/// <summary>What the PostgreSQL store adds to the contract: migrations shared by instances, bounded failures, and one delivery per entry across instances.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresBulwarkStoreTests(PostgresServer server)
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan DeliveryTime = TimeSpan.FromMilliseconds(5);

    [Fact]
    public async Task Open_ByFourInstancesAtOnce_MigratesOnce_AndEachSeesTheSameSchema()
    {
        string connectionString = await server.CreateDatabaseAsync();
        var opening = Enumerable.Range(0, 4)
            .Select(_ => Task.Run(() => PostgresBulwarkStore.Open(new PostgresStoreOptions { ConnectionString = connectionString })))
            .ToArray();
        var stores = await Task.WhenAll(opening).WaitAsync(TimeSpan.FromSeconds(60));
        try
        {
            Assert.All(stores, s => Assert.Equal(2, s.SchemaVersion));
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var versions = new NpgsqlCommand("SELECT COUNT(*) FROM bulwark.schema_version;", connection);
            Assert.Equal(2L, await versions.ExecuteScalarAsync());
        }
        finally
        {
            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Open_OnASchemaFromANewerBulwark_RefusesWithAClearMessage()
    {
        string connectionString = await server.CreateDatabaseAsync();
        PostgresBulwarkStore.Open(new PostgresStoreOptions { ConnectionString = connectionString }).Dispose();
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await using var bump = new NpgsqlCommand("INSERT INTO bulwark.schema_version (version) VALUES (99);", connection);
            await bump.ExecuteNonQueryAsync();
        }

        var error = Assert.Throws<StoreUnavailableException>(() => PostgresBulwarkStore.Open(new PostgresStoreOptions { ConnectionString = connectionString }));

        Assert.Equal(StoreUnavailableReason.CannotOpen, error.Reason);
        Assert.Contains("version 99, written by a newer Bulwark", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Schema_KeepsTwoGatewaysApart_InOneDatabase()
    {
        string connectionString = await server.CreateDatabaseAsync();
        await using var blue = PostgresBulwarkStore.Open(new PostgresStoreOptions { ConnectionString = connectionString, Schema = "blue" });
        await using var green = PostgresBulwarkStore.Open(new PostgresStoreOptions { ConnectionString = connectionString, Schema = "green" });

        await blue.EnqueueAsync(Entry("order-1"), CancellationToken.None);

        Assert.NotNull(await blue.FindAsync("payments", "order-1", CancellationToken.None));
        Assert.Null(await green.FindAsync("payments", "order-1", CancellationToken.None));
    }

    [Fact]
    public void Validate_ListsEveryProblem()
    {
        var problems = PostgresBulwarkStore.Validate(new PostgresStoreOptions { ConnectionString = " ", Schema = "1bad-name", CommandTimeout = TimeSpan.Zero });

        Assert.Equal(3, problems.Count);
        Assert.Contains(problems, p => p.Contains("connection string is required", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("schema must be 1 to 63", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("command timeout must be in [00:00:01, 00:05:00]; it is 00:00:00", StringComparison.Ordinal));
        Assert.Contains("cannot be read", Assert.Single(PostgresBulwarkStore.Validate(new PostgresStoreOptions { ConnectionString = "Hots=x" })), StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new ServiceCollection().AddBulwarkPostgresStore(o => o.ConnectionString = null));
    }

    [Fact]
    public void Open_WhenNothingListens_FailsAtOnce_WithoutThePassword()
    {
        var options = new PostgresStoreOptions { ConnectionString = $"Host=127.0.0.1;Port={FreePorts.Next()};Username=u;Password=hunter2-secret", CommandTimeout = TimeSpan.FromSeconds(2) };
        var clock = Stopwatch.StartNew();

        var error = Assert.Throws<StoreUnavailableException>(() => PostgresBulwarkStore.Open(options));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.Equal(StoreUnavailableReason.CannotOpen, error.Reason);
        Assert.DoesNotContain("hunter2", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_WhenTheServerNeverAnswers_FailsWithinTheCommandTimeout()
    {
        // A listener that accepts connections and never says a word: a hung server, or a network black hole.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var accepted = new List<TcpClient>();
        var accepting = Task.Run(async () =>
        {
            while (true)
            {
                var client = await silent.AcceptTcpClientAsync();
                lock (accepted)
                {
                    accepted.Add(client);
                }
            }
        });
        var options = new PostgresStoreOptions { ConnectionString = $"Host=127.0.0.1;Port={((IPEndPoint)silent.LocalEndpoint).Port};Username=u", CommandTimeout = TimeSpan.FromSeconds(1) };
        var clock = Stopwatch.StartNew();

        var error = Assert.Throws<StoreUnavailableException>(() => PostgresBulwarkStore.Open(options));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(8), $"took {clock.Elapsed}");
        Assert.Contains(error.Reason, new[] { StoreUnavailableReason.Busy, StoreUnavailableReason.CannotOpen });
        silent.Stop();
        lock (accepted)
        {
            accepted.ForEach(c => c.Dispose());
        }

        _ = accepting.Exception;
    }

    [Fact]
    public async Task BreakerState_SavedByOneInstance_IsLoadedByAnother_KeysIgnoringCase_NewestWins()
    {
        string connectionString = await server.CreateDatabaseAsync();
        await using var one = PostgresBulwarkStore.Open(new PostgresStoreOptions { ConnectionString = connectionString });
        await using var two = PostgresBulwarkStore.Open(new PostgresStoreOptions { ConnectionString = connectionString });
        var open = new CircuitBreakerSnapshot(CircuitState.Open, T0.AddSeconds(30), 3, 0.1, 50, T0, CircuitTransitionReason.FailureRatioExceeded, T0);
        var older = open with { State = CircuitState.Closed, OpenUntil = null, TakenAt = T0.AddSeconds(-5) };

        await one.SaveBreakerStateAsync("OpenAI", open, CancellationToken.None);
        await two.SaveBreakerStateAsync("openai", older, CancellationToken.None);

        var loaded = Assert.Single(await two.LoadBreakerStatesAsync(CancellationToken.None));
        Assert.Equal(open, loaded.Value);
        Assert.True((await one.LoadBreakerStatesAsync(CancellationToken.None)).ContainsKey("OPENAI"));
    }

    [Fact]
    public async Task ThreeInstances_Drain300Entries_EachDeliveredExactlyOnce_AndAnInstanceThatDiedMidDelivery_HandsItsLeasesBack()
    {
        string connectionString = await server.CreateDatabaseAsync();
        var deliveries = new ConcurrentDictionary<string, int>();
        var byInstance = new ConcurrentDictionary<int, int>();
        var hosts = Enumerable.Range(0, 3).Select(i => Instance(connectionString, i, deliveries, byInstance)).ToArray();

        // A fourth instance leased 20 entries and died before delivering them: its leases expire after 2 s.
        await using var producer = PostgresBulwarkStore.Open(new PostgresStoreOptions { ConnectionString = connectionString });
        var now = DateTimeOffset.UtcNow;
        for (int i = 0; i < 300; i++)
        {
            await producer.EnqueueAsync(Entry($"order-{i}", now), CancellationToken.None);
        }

        var orphaned = await producer.LeaseDueAsync("instance-killed", now, TimeSpan.FromSeconds(2), 20, CancellationToken.None);
        Assert.Equal(20, orphaned.Count);

        try
        {
            foreach (var host in hosts)
            {
                await host.StartAsync();
            }

            await Poll.UntilAsync(async () => (await producer.CountAsync(CancellationToken.None))[DeliveryState.Delivered] == 300, "the 300 entries to be delivered", TimeSpan.FromSeconds(90));
        }
        finally
        {
            foreach (var host in hosts)
            {
                await host.StopAsync();
                host.Dispose();
            }
        }

        Assert.Equal(300, deliveries.Count);
        Assert.All(deliveries, d => Assert.True(d.Value == 1, $"{d.Key} delivered {d.Value} times"));
        Assert.All(orphaned, e => Assert.Equal(1, deliveries[e.IdempotencyKey]));
        Assert.True(byInstance.Count >= 2, $"only {byInstance.Count} instance(s) delivered: the queue was not shared");
    }

    private static IHost Instance(string connectionString, int index, ConcurrentDictionary<string, int> deliveries, ConcurrentDictionary<int, int> byInstance)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddBulwarkPostgresStore(o => o.ConnectionString = connectionString);
        builder.Services.AddBulwarkDeliveries(o =>
            {
                o.PollInterval = TimeSpan.FromMilliseconds(50);
                o.SweepInterval = TimeSpan.FromSeconds(1);
                o.MaxConcurrentDeliveries = 4;
            })
            .AddHandler("payments", async (entry, ct) =>
            {
                // Each delivery takes a moment, as a provider's answer does, so that the three instances overlap.
                await Task.Delay(DeliveryTime, ct);
                deliveries.AddOrUpdate(entry.IdempotencyKey, 1, static (_, n) => n + 1);
                byInstance.AddOrUpdate(index, 1, static (_, n) => n + 1);
                return DeliveryAttemptResult.Delivered(new DeliveryResponse(200, null, ReadOnlyMemory<byte>.Empty));
            });
        return builder.Build();
    }

    private static DeliveryEntry Entry(string key, DateTimeOffset? at = null) => new()
    {
        Id = DeliveryIds.Create(),
        Queue = "payments",
        IdempotencyKey = key,
        Envelope = DeliveryEnvelope.ForPayload("{\"amount\":42}"u8.ToArray(), "application/json"),
        MaxAttempts = 5,
        CreatedAt = at ?? T0,
        ExpiresAt = (at ?? T0).AddHours(1),
        NextAttemptAt = at ?? T0,
    };
}
