using Bulwark.Deliveries;
using Bulwark.Storage.Sqlite.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using static Bulwark.Storage.Sqlite.Tests.Infrastructure.Entries;

namespace Bulwark.Storage.Sqlite.Tests.Recovery;

/// <summary>
/// What the store does when its files change under it: a loss is only believed when it is real (a missing path, another
/// file at the path), nothing is ever overwritten, and everything acknowledged is kept.
/// </summary>
public sealed class FileLossTests : IDisposable
{
    private static readonly TimeSpan RescueTimeout = TimeSpan.FromSeconds(30);
    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task PathUnreadableForAMoment_RefusesOnlyWhileItLasts_ThenTheStoreGoesOn_AndNothingIsCopiedOrMoved()
    {
        // The store reaches its directory through a symbolic link; pointing the link at itself makes every stat of the
        // path fail with ELOOP (an error that is not "no such file", like EACCES or ESTALE) while the open files stay fine.
        string real = Path.Combine(_database.Directory, "real");
        string link = Path.Combine(_database.Directory, "link");
        Directory.CreateDirectory(real);
        File.CreateSymbolicLink(link, real);
        string path = Path.Combine(link, "bulwark.db");
        using var store = SqliteBulwarkStore.Open(new SqliteStoreOptions { Path = path });
        var kept = (await store.EnqueueAsync(New("before"), CancellationToken.None)).Entry;
        var filesBefore = Directory.GetFiles(real).Order().ToArray();

        File.Delete(link);
        File.CreateSymbolicLink(link, link);
        var refused = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.EnqueueAsync(New("during"), CancellationToken.None));
        Assert.NotEqual(StoreUnavailableReason.FileLost, refused.Reason);
        Assert.Null(store.Failure);

        File.Delete(link);
        File.CreateSymbolicLink(link, real);
        var after = (await store.EnqueueAsync(New("after"), CancellationToken.None)).Entry;
        Assert.Null(store.Failure);
        Assert.Equal(kept, await store.GetAsync(kept.Id, CancellationToken.None), EntryComparer.Instance);
        Assert.Equal(after, await store.GetAsync(after.Id, CancellationToken.None), EntryComparer.Instance);
        Assert.Null(await store.FindAsync("payments", "during", CancellationToken.None));
        Assert.Equal(filesBefore, Directory.GetFiles(real).Order().ToArray());
    }

    [Fact]
    public async Task FileReplacedWhileOpen_TheOtherFileIsNeverOverwritten_AndTheEntriesAreCopiedBesideIt()
    {
        var store = _database.Open();
        var kept = (await store.EnqueueAsync(New("before"), CancellationToken.None)).Entry;
        string other = _database.Path + ".other";
        byte[] otherBytes = "not the store's file"u8.ToArray();
        File.WriteAllBytes(other, otherBytes);
        File.Move(other, _database.Path, overwrite: true);

        var refused = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.EnqueueAsync(New("after"), CancellationToken.None));
        Assert.Equal(StoreUnavailableReason.FileLost, refused.Reason);
        string? outcome = await store.RescueCompletion.WaitAsync(RescueTimeout);
        store.Dispose();
        SqliteConnection.ClearAllPools();

        Assert.Equal(otherBytes, File.ReadAllBytes(_database.Path));
        string copy = Assert.Single(Directory.GetFiles(_database.Directory, "bulwark.db.rescued-*"));
        Assert.Contains(copy, outcome, StringComparison.Ordinal);
        Assert.Contains(copy, store.Failure!.Message, StringComparison.Ordinal);
        using var rescued = SqliteBulwarkStore.Open(new SqliteStoreOptions { Path = copy });
        Assert.Equal(kept, await rescued.GetAsync(kept.Id, CancellationToken.None), EntryComparer.Instance);
    }

    [Fact]
    public async Task WalDeletedWhileOpen_ACheckpointKeepsEveryAcknowledgedRow_InTheSameFile_WithoutReplacingIt()
    {
        var store = _database.Open();
        var acknowledged = new List<DeliveryEntry>();
        for (int i = 0; i < 50; i++)
        {
            acknowledged.Add((await store.EnqueueAsync(New($"key-{i}"), CancellationToken.None)).Entry);
        }

        // Held open from before: if the path still names this file afterwards, both read the same bytes.
        using var held = new FileStream(_database.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        File.Delete(_database.Path + "-wal");

        var refused = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.EnqueueAsync(New("after"), CancellationToken.None));
        Assert.Equal(StoreUnavailableReason.FileLost, refused.Reason);
        string? outcome = await store.RescueCompletion.WaitAsync(RescueTimeout);
        Assert.Contains("checkpoint", outcome, StringComparison.Ordinal);

        var throughHeld = new byte[held.Length];
        held.ReadExactly(throughHeld);
        Assert.Equal(File.ReadAllBytes(_database.Path), throughHeld);
        Assert.Empty(Directory.GetFiles(_database.Directory, "bulwark.db.rescued-*"));
        store.Dispose();
        SqliteConnection.ClearAllPools();

        using var reopened = _database.Open();
        foreach (var entry in acknowledged)
        {
            Assert.Equal(entry, await reopened.GetAsync(entry.Id, CancellationToken.None), EntryComparer.Instance);
        }

        Assert.Null(await reopened.FindAsync("payments", "after", CancellationToken.None));
    }

    [Fact]
    public async Task ShmDeletedWhileOpen_IsALoss_AndEveryAcknowledgedRowIsKept()
    {
        var store = _database.Open();
        var kept = (await store.EnqueueAsync(New("before"), CancellationToken.None)).Entry;
        File.Delete(_database.Path + "-shm");

        var refused = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.EnqueueAsync(New("after"), CancellationToken.None));
        Assert.Equal(StoreUnavailableReason.FileLost, refused.Reason);
        await store.RescueCompletion.WaitAsync(RescueTimeout);
        store.Dispose();
        SqliteConnection.ClearAllPools();

        using var reopened = _database.Open();
        Assert.Equal(kept, await reopened.GetAsync(kept.Id, CancellationToken.None), EntryComparer.Instance);
        Assert.Null(await reopened.FindAsync("payments", "after", CancellationToken.None));
    }
}
