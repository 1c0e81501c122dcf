using Bulwark.Storage.Sqlite.Recovery;
using Bulwark.Storage.Sqlite.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using static Bulwark.Storage.Sqlite.Tests.Infrastructure.Entries;

namespace Bulwark.Storage.Sqlite.Tests.Recovery;

/// <summary>Recovering files that are not damaged pages: an older schema, and rows the store could not read back.</summary>
public sealed class RecoverySourceTests : IDisposable
{
    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task Recover_ASchemaVersionOneFile_SalvagesEveryRow()
    {
        using (var connection = _database.Connect())
        {
            Execute(connection, Bulwark.Storage.Sqlite.Migrations.SqliteMigrations.All[0] + "\nPRAGMA user_version = 1;");
            Execute(connection, """
                INSERT INTO deliveries (id, queue, idempotency_key, headers, body, state, attempts, max_attempts, created_at, expires_at, next_attempt_at)
                VALUES ('0123456789abcdef0123456789abcdef', 'payments', 'k-1', '[]', x'7b7d', 0, 1, 5, 0, 86400000, 0),
                       ('fedcba9876543210fedcba9876543210', 'payments', 'k-2', '[["Accept","*/*"]]', x'7b7d', 0, 0, 5, 0, 86400000, 0);
                """);
        }

        SqliteConnection.ClearAllPools();
        var report = SqliteStoreRecovery.Recover(_database.Path, TimeProvider.System);

        Assert.Equal(2, report.Deliveries);
        Assert.Empty(report.Unreadable);
        using var recovered = _database.Open();
        var entry = await recovered.FindAsync("payments", "k-2", CancellationToken.None);
        Assert.NotNull(entry);
        Assert.Equal([new KeyValuePair<string, string>("Accept", "*/*")], entry.Envelope.Headers);
        Assert.NotNull(await recovered.FindAsync("payments", "k-1", CancellationToken.None));
    }

    [Fact]
    public async Task HeadersThatAreNotJson_TheStoreSaysCorrupt_AndRecoverReportsTheRowInsteadOfImportingIt()
    {
        DeliveryEntryIds ids;
        using (var store = _database.Open())
        {
            var good = (await store.EnqueueAsync(New("good"), CancellationToken.None)).Entry;
            var bad = (await store.EnqueueAsync(New("bad"), CancellationToken.None)).Entry;
            ids = new(good.Id, bad.Id);
            using (var connection = _database.Connect())
            {
                Execute(connection, $"UPDATE deliveries SET headers = 'not json' WHERE id = '{bad.Id}';");
            }

            var refused = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.GetAsync(bad.Id, CancellationToken.None));
            Assert.Equal(StoreUnavailableReason.Corrupt, refused.Reason);
        }

        SqliteConnection.ClearAllPools();
        var report = SqliteStoreRecovery.Recover(_database.Path, TimeProvider.System);

        Assert.Equal(1, report.Deliveries);
        Assert.Contains(report.Unreadable, line => line.Contains("garbled", StringComparison.Ordinal));
        using var recovered = _database.Open();
        Assert.NotNull(await recovered.GetAsync(ids.Good, CancellationToken.None));
        Assert.Null(await recovered.GetAsync(ids.Bad, CancellationToken.None));
    }

    [Fact]
    public void Recover_TwiceWithinOneSecond_KeepsBothDamagedCopies()
    {
        using (var store = _database.Open())
        {
        }

        SqliteConnection.ClearAllPools();
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(T0);
        var first = SqliteStoreRecovery.Recover(_database.Path, clock);
        var second = SqliteStoreRecovery.Recover(_database.Path, clock);

        Assert.NotEqual(first.DamagedCopy, second.DamagedCopy);
        Assert.True(File.Exists(first.DamagedCopy));
        Assert.True(File.Exists(second.DamagedCopy));
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private sealed record DeliveryEntryIds(string Good, string Bad);
}
