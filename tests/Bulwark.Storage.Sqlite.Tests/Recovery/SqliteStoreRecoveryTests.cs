using Bulwark.Deliveries;
using Bulwark.Storage.Sqlite.Recovery;
using Bulwark.Storage.Sqlite.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using static Bulwark.Storage.Sqlite.Tests.Infrastructure.Entries;

namespace Bulwark.Storage.Sqlite.Tests.Recovery;

/// <summary>Salvaging a store whose pages were overwritten, and keeping a store whose file was deleted under it.</summary>
public sealed class SqliteStoreRecoveryTests : IDisposable
{
    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task Recover_TableLeafPageOverwritten_SalvagesEveryOtherRow_ExactlyAsStored_AndMovesTheDamagedFileAside()
    {
        var entries = new List<DeliveryEntry>();
        using (var store = _database.Open())
        {
            for (int i = 0; i < 300; i++)
            {
                var entry = New($"key-{i:D3}", envelope: DeliveryEnvelope.ForPayload(new byte[600], "application/octet-stream"));
                entries.Add((await store.EnqueueAsync(entry, CancellationToken.None)).Entry);
            }

            Assert.Single(await store.LeaseDueAsync("dead-owner", T0, TimeSpan.FromMinutes(1), 1, CancellationToken.None));
        }

        SqliteConnection.ClearAllPools();
        long pageSize;
        using (var connection = _database.Connect())
        {
            pageSize = Scalar(connection, "PRAGMA page_size;");
        }

        // The middle one of the table leaf pages holding rows (b-tree page type 13 with cells): only the deliveries
        // table has rows, so it is one of its leaves.
        var file = await File.ReadAllBytesAsync(_database.Path);
        var leaves = Enumerable.Range(2, (int)(file.Length / pageSize) - 1)
            .Where(page => file[(page - 1) * pageSize] == 13 && (file[((page - 1) * pageSize) + 3] << 8 | file[((page - 1) * pageSize) + 4]) > 0)
            .ToList();
        long damaged = leaves[leaves.Count / 2];

        using (var stream = new FileStream(_database.Path, FileMode.Open, FileAccess.Write))
        {
            stream.Position = (damaged - 1) * pageSize;
            stream.Write(Enumerable.Repeat((byte)0xA5, (int)pageSize).ToArray());
        }

        Assert.Throws<StoreUnavailableException>(() => _database.Open());
        SqliteConnection.ClearAllPools();

        var report = SqliteStoreRecovery.Recover(_database.Path, TimeProvider.System);

        Assert.InRange(report.Deliveries, 250, 299);
        Assert.NotEmpty(report.Unreadable);
        Assert.True(File.Exists(report.DamagedCopy));
        Assert.StartsWith(_database.Path + ".corrupt-", report.DamagedCopy, StringComparison.Ordinal);
        using var recovered = _database.Open();
        int found = 0;
        foreach (var entry in entries)
        {
            if (await recovered.GetAsync(entry.Id, CancellationToken.None) is { } salvaged)
            {
                found++;
                // The lease of the process that is gone is released: the leased entry is pending again, its attempt counted.
                Assert.Equal(entry with { Attempts = salvaged.Attempts }, salvaged, EntryComparer.Instance);
                Assert.InRange(salvaged.Attempts, 0, 1);
            }
        }

        Assert.Equal(report.Deliveries, found);
        var counts = await recovered.CountAsync(CancellationToken.None);
        Assert.Equal(found, counts[DeliveryState.Pending]);
        Assert.Equal(0, counts[DeliveryState.InProgress]);
    }

    [Fact]
    public async Task FileDeletedWhileOpen_EveryOperationRefused_AndTheOpenDatabaseIsCopiedBackToThePath()
    {
        var store = _database.Open();
        var kept = (await store.EnqueueAsync(New("before"), CancellationToken.None)).Entry;
        foreach (var file in new[] { _database.Path, _database.Path + "-wal", _database.Path + "-shm" })
        {
            File.Delete(file);
        }

        var refused = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.EnqueueAsync(New("after"), CancellationToken.None));
        Assert.Equal(StoreUnavailableReason.FileLost, refused.Reason);
        Assert.Contains("copied back", await store.RescueCompletion.WaitAsync(TimeSpan.FromSeconds(30)), StringComparison.Ordinal);
        Assert.Contains("copied back", store.Failure!.Message, StringComparison.Ordinal);
        Assert.Equal(StoreUnavailableReason.FileLost, (await Assert.ThrowsAsync<StoreUnavailableException>(() => store.GetAsync(kept.Id, CancellationToken.None))).Reason);
        Assert.NotNull(store.Failure);
        store.Dispose();
        SqliteConnection.ClearAllPools();

        using var reopened = _database.Open();
        Assert.Equal(kept, await reopened.GetAsync(kept.Id, CancellationToken.None), EntryComparer.Instance);
        Assert.Null(await reopened.FindAsync("payments", "after", CancellationToken.None));
    }

    [Fact]
    public async Task WalDeletedWhileOpen_Refused_AndEveryCommittedEntryIsKept()
    {
        var store = _database.Open();
        var kept = (await store.EnqueueAsync(New("before"), CancellationToken.None)).Entry;
        File.Delete(_database.Path + "-wal");

        var refused = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.EnqueueAsync(New("after"), CancellationToken.None));
        Assert.Equal(StoreUnavailableReason.FileLost, refused.Reason);
        await store.RescueCompletion.WaitAsync(TimeSpan.FromSeconds(30));
        store.Dispose();
        SqliteConnection.ClearAllPools();

        using var reopened = _database.Open();
        Assert.Equal(kept, await reopened.GetAsync(kept.Id, CancellationToken.None), EntryComparer.Instance);
    }

    private static long Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }
}
