using System.Diagnostics;
using Bulwark.CircuitBreaker;
using Bulwark.Deliveries;
using Bulwark.Storage.Sqlite.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Polly.CircuitBreaker;
using static Bulwark.Storage.Sqlite.Tests.Infrastructure.Entries;

namespace Bulwark.Storage.Sqlite.Tests;

/// <summary>What only a file can do: survive a reopen, and fail clearly when it is corrupt, locked, full or misplaced.</summary>
public sealed class SqliteBulwarkStoreTests : IDisposable
{
    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task Reopen_AfterThePoolsAreCleared_FindsEverything_AtSchemaVersion1_InWal()
    {
        var store = _database.Open();
        var entry = New("order-1");
        await store.EnqueueAsync(entry, CancellationToken.None);
        var snapshot = new CircuitBreakerSnapshot(CircuitState.Open, T0.AddSeconds(30), 2, 0.1, 50, T0, CircuitTransitionReason.ConsecutiveFailures, T0);
        await store.SaveBreakerStateAsync("payments/payments", snapshot, CancellationToken.None);
        SqliteConnection.ClearAllPools();

        var reopened = _database.Open();

        Assert.Equal(6, reopened.SchemaVersion);
        Assert.Equal(_database.Path, reopened.FilePath);
        Assert.Equal(entry, await reopened.GetAsync(entry.Id, CancellationToken.None), EntryComparer.Instance);
        Assert.Equal(snapshot, (await reopened.LoadBreakerStatesAsync(CancellationToken.None))["payments/payments"]);
        using var connection = _database.Connect();
        Assert.Equal(6L, Scalar(connection, "PRAGMA user_version;"));
        Assert.Equal("wal", Scalar(connection, "PRAGMA journal_mode;"));
    }

    [Fact]
    public async Task Open_MissingDirectories_AreCreated()
    {
        string path = Path.Combine(_database.Directory, "a", "b", "c", "bulwark.db");

        var store = SqliteBulwarkStore.Open(new SqliteStoreOptions { Path = path });
        await store.PingAsync(CancellationToken.None);

        Assert.True(File.Exists(path));
        Assert.Equal(path, store.FilePath);
    }

    [Fact]
    public async Task Open_TwoProcessesCreatingTheSameNewFileAtOnce_BothSucceed()
    {
        // Two instances starting together on a fresh volume: both see schema version 0 and race to migrate.
        for (int round = 0; round < 20; round++)
        {
            string path = Path.Combine(_database.Directory, $"race-{round}.db");
            using var barrier = new Barrier(2);
            var opens = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
            {
                barrier.SignalAndWait(TimeSpan.FromSeconds(10));
                return SqliteBulwarkStore.Open(new SqliteStoreOptions { Path = path });
            })).ToArray();

            var stores = await Task.WhenAll(opens).WaitAsync(TimeSpan.FromSeconds(60));

            Assert.All(stores, s => Assert.Equal(6, s.SchemaVersion));
            Assert.True((await stores[0].EnqueueAsync(New("order-1"), CancellationToken.None)).Created);
            Assert.False((await stores[1].EnqueueAsync(New("order-1"), CancellationToken.None)).Created);
        }
    }

    [Fact]
    public void Open_ATextFile_FailsSayingItIsNotADatabase()
    {
        File.WriteAllText(_database.Path, "this is my shopping list, not a database\n" + new string('x', 5000));

        var error = Assert.Throws<StoreUnavailableException>(() => _database.Open());

        Assert.Contains(_database.Path, error.Message, StringComparison.Ordinal);
        Assert.Contains("corrupt or not a SQLite database", error.Message, StringComparison.Ordinal);
        Assert.IsType<SqliteException>(error.InnerException);
    }

    [Fact]
    public void Open_RandomBytes_FailsSayingItIsNotADatabase()
    {
        var bytes = new byte[16 * 1024];
        new Random(42).NextBytes(bytes);
        File.WriteAllBytes(_database.Path, bytes);

        var error = Assert.Throws<StoreUnavailableException>(() => _database.Open());

        Assert.Contains("corrupt or not a SQLite database", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_ADatabaseWithDamagedPages_FailsSayingItIsCorrupt()
    {
        var store = _database.Open();
        for (int i = 0; i < 40; i++)
        {
            await store.EnqueueAsync(New($"order-{i}", envelope: DeliveryEnvelope.ForPayload(new byte[3000])), CancellationToken.None);
        }

        using (var connection = _database.Connect())
        {
            Scalar(connection, "PRAGMA wal_checkpoint(TRUNCATE);");
        }

        SqliteConnection.ClearAllPools();

        // Keep the header page, scribble over every page after it.
        var bytes = File.ReadAllBytes(_database.Path);
        Assert.True(bytes.Length > 8 * 4096);
        var garbage = new byte[bytes.Length - 4096];
        new Random(7).NextBytes(garbage);
        garbage.CopyTo(bytes, 4096);
        File.WriteAllBytes(_database.Path, bytes);

        var error = Assert.Throws<StoreUnavailableException>(() => _database.Open());

        Assert.True(error.Message.Contains("corrupt", StringComparison.Ordinal), error.Message);
        Assert.Contains(_database.Path, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(200)]
    [InlineData(0)]
    public async Task Enqueue_WhileAnotherConnectionHoldsAnExclusiveLock_FailsSayingLocked_AndStoresNothing(int busyTimeoutMs)
    {
        var store = _database.Open(o => o.BusyTimeout = TimeSpan.FromMilliseconds(busyTimeoutMs));
        await store.EnqueueAsync(New("before"), CancellationToken.None);
        var blocked = New("during");

        StoreUnavailableException error;
        TimeSpan took;
        using (var locker = _database.Connect())
        {
            Scalar(locker, "BEGIN EXCLUSIVE;");
            var watch = Stopwatch.StartNew();
            // The driver waits synchronously: run it elsewhere so that a wait without end cannot hang the test.
            var attempt = Task.Run(() => store.EnqueueAsync(blocked, CancellationToken.None));
            try
            {
                error = await Assert.ThrowsAsync<StoreUnavailableException>(() => attempt.WaitAsync(TimeSpan.FromSeconds(20)));
            }
            finally
            {
                took = watch.Elapsed;
                Scalar(locker, "ROLLBACK;");
            }

        }

        Assert.Contains("locked", error.Message, StringComparison.Ordinal);
        Assert.True(took < TimeSpan.FromSeconds(5), $"The enqueue waited {took} for a busy timeout of {busyTimeoutMs} ms.");
        Assert.Null(await store.FindAsync("payments", "during", CancellationToken.None));
        Assert.Null(await store.GetAsync(blocked.Id, CancellationToken.None));
        Assert.NotNull(await store.FindAsync("payments", "before", CancellationToken.None));
        Assert.True((await store.EnqueueAsync(blocked, CancellationToken.None)).Created);
    }

    [Fact]
    public async Task Enqueue_BeyondMaxSize_FailsSayingFull_AndEveryEntryAcceptedBeforeIsStillReadable()
    {
        var store = _database.Open(o => o.MaxSizeBytes = 64 * 1024);
        var accepted = new List<DeliveryEntry>();
        StoreUnavailableException? error = null;
        DeliveryEntry? refused = null;
        for (int i = 0; i < 1000 && error is null; i++)
        {
            var body = new byte[2000];
            new Random(i).NextBytes(body);
            var entry = New($"order-{i}", envelope: DeliveryEnvelope.ForPayload(body));
            try
            {
                await store.EnqueueAsync(entry, CancellationToken.None);
                accepted.Add(entry);
            }
            catch (StoreUnavailableException e)
            {
                error = e;
                refused = entry;
            }
        }

        Assert.NotNull(error);
        Assert.Contains("full", error.Message, StringComparison.Ordinal);
        // The schema's tables and indexes take a dozen of the 16 pages of 4 KiB (client keys' since version 4).
        Assert.InRange(accepted.Count, 1, 40);
        Assert.Null(await store.GetAsync(refused!.Id, CancellationToken.None));
        Assert.Equal(accepted.Count, (await store.CountAsync(CancellationToken.None))[DeliveryState.Pending]);
        foreach (var entry in accepted)
        {
            Assert.Equal(entry, await store.GetAsync(entry.Id, CancellationToken.None), EntryComparer.Instance);
        }

        // Leasing and completing (which do not grow the file) still work when it is full.
        Assert.Equal(accepted.Count, (await store.LeaseDueAsync("a", T0, TimeSpan.FromSeconds(30), 1000, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task LeaseDue_TwoStoresOnOneFileLeasingAtOnce_NeverLeaseTheSameEntryTwice()
    {
        var first = _database.Open();
        var second = _database.Open();
        var all = new List<string>();
        for (int i = 0; i < 100; i++)
        {
            var entry = New($"order-{i}");
            await first.EnqueueAsync(entry, CancellationToken.None);
            all.Add(entry.Id);
        }

        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        async Task<List<string>> Drain(SqliteBulwarkStore store, string owner)
        {
            await start.Task;
            var mine = new List<string>();
            while (await store.LeaseDueAsync(owner, T0, TimeSpan.FromMinutes(1), 3, CancellationToken.None) is { Count: > 0 } batch)
            {
                mine.AddRange(batch.Select(e => e.Id));
            }

            return mine;
        }

        var a = Task.Run(() => Drain(first, "process-a"));
        var b = Task.Run(() => Drain(second, "process-b"));
        start.SetResult();
        var leased = await Task.WhenAll(a, b).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Empty(leased[0].Intersect(leased[1]));
        Assert.Equal(all.Order(), leased[0].Concat(leased[1]).Order());
        Assert.All(await first.ListAsync(null, 1000, CancellationToken.None), e => Assert.Equal(1, e.Attempts));
    }

    [Fact]
    public async Task MaxSize_OfAFileWithSmallerPages_IsStillCountedInBytes()
    {
        // A file created elsewhere with 1 KiB pages (SQLite's default is 4 KiB).
        using (var connection = _database.Connect())
        {
            Scalar(connection, "PRAGMA page_size = 1024; CREATE TABLE t (x INTEGER); DROP TABLE t; VACUUM;");
            Assert.Equal(1024L, Scalar(connection, "PRAGMA page_size;"));
        }

        var store = _database.Open(o => o.MaxSizeBytes = 64 * 1024);
        int accepted = 0;
        try
        {
            for (; accepted < 100; accepted++)
            {
                await store.EnqueueAsync(New($"order-{accepted}", envelope: DeliveryEnvelope.ForPayload(new byte[1000])), CancellationToken.None);
            }
        }
        catch (StoreUnavailableException e)
        {
            Assert.Contains("full", e.Message, StringComparison.Ordinal);
        }

        // 64 KiB hold some 25 such entries next to the schema (its tables take a page each); 16 pages of 1 KiB would hold a handful.
        Assert.InRange(accepted, 20, 64);
        using (var connection = _database.Connect())
        {
            Assert.True((long)Scalar(connection, "PRAGMA page_count;")! * 1024 <= 64 * 1024);
        }
    }

    [Fact]
    public async Task Open_AVersionOneFile_MigratesItInPlace_KeepingItsEntries()
    {
        using (var connection = _database.Connect())
        {
            Scalar(connection, Bulwark.Storage.Sqlite.Migrations.SqliteMigrations.All[0] + "\nPRAGMA user_version = 1;");
            Scalar(connection, """
                INSERT INTO deliveries (id, queue, idempotency_key, headers, body, state, attempts, max_attempts, created_at, expires_at, next_attempt_at)
                VALUES ('0123456789abcdef0123456789abcdef', 'payments', 'k-1', '[]', x'7b7d', 0, 1, 5, 0, 86400000, 0);
                """);
        }

        var store = _database.Open();

        Assert.Equal(6, store.SchemaVersion);
        var entry = await store.GetAsync("0123456789abcdef0123456789abcdef", CancellationToken.None);
        Assert.NotNull(entry);
        Assert.Equal("k-1", entry.IdempotencyKey);
        Assert.Null(entry.Fingerprint);
        Assert.Equal("{}"u8.ToArray(), entry.Envelope.Body.ToArray());
    }

    [Fact]
    public void Open_ASchemaNewerThanThisBulwark_FailsSayingSo()
    {
        using (var connection = _database.Connect())
        {
            Scalar(connection, "CREATE TABLE from_the_future (x INTEGER); PRAGMA user_version = 7;");
        }

        var error = Assert.Throws<StoreUnavailableException>(() => _database.Open());

        Assert.Equal(
            "The store's schema is version 7, newer than this Bulwark knows (6). Run the newer Bulwark, or point the store at another file.",
            error.Message);
    }

    [Fact]
    public void Open_APathWhoseParentIsAFile_FailsSayingTheDirectoryCannotBeCreated()
    {
        string file = Path.Combine(_database.Directory, "not-a-directory");
        File.WriteAllText(file, "x");
        string path = Path.Combine(file, "bulwark.db");

        var error = Assert.Throws<StoreUnavailableException>(() => SqliteBulwarkStore.Open(new SqliteStoreOptions { Path = path }));

        Assert.StartsWith($"The store's directory for '{path}' cannot be created: ", error.Message, StringComparison.Ordinal);
        Assert.IsType<IOException>(error.InnerException, exactMatch: false);
    }

    [Fact]
    public void Open_SettingsOutOfRange_AreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _database.Open(o => o.BusyTimeout = TimeSpan.FromMilliseconds(-1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => _database.Open(o => o.BusyTimeout = TimeSpan.FromMinutes(6)));
        Assert.Throws<ArgumentOutOfRangeException>(() => _database.Open(o => o.MaxSizeBytes = 4096));
        Assert.Throws<ArgumentException>(() => SqliteBulwarkStore.Open(new SqliteStoreOptions { Path = " " }));
        Assert.False(File.Exists(_database.Path));
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
