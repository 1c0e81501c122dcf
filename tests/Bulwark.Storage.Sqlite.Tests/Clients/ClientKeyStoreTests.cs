using Bulwark.Storage.Clients;
using Bulwark.Storage.Sqlite.Recovery;
using Bulwark.Storage.Sqlite.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace Bulwark.Storage.Sqlite.Tests.Clients;

/// <summary>What the SQLite store adds to the client-key contract: keys survive file recovery.</summary>
public sealed class ClientKeyStoreTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 0, 0, 0, TimeSpan.Zero);
    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Dispose();

    private static ClientKeyRecord Key(string id, char hash) =>
        new(id, new string(hash, 64), "bwk_abcdefgh", null, "alice", "research", "pro", T0, T0.AddDays(30), null);

    [Fact]
    public async Task Recover_KeepsIssuedKeys_RevokedOnesRevoked()
    {
        using (var store = _database.Open())
        {
            await store.AddClientKeyAsync(Key("key_1", 'A'), CancellationToken.None);
            await store.AddClientKeyAsync(Key("key_2", 'B'), CancellationToken.None);
            await store.RevokeClientKeyAsync("key_2", T0.AddHours(1), CancellationToken.None);
        }

        SqliteConnection.ClearAllPools();
        var report = SqliteStoreRecovery.Recover(_database.Path, TimeProvider.System);

        Assert.Empty(report.Unreadable);
        using var recovered = _database.Open();
        Assert.Equal(Key("key_1", 'A'), await recovered.FindClientKeyAsync(new string('A', 64), CancellationToken.None));
        Assert.Equal(T0.AddHours(1), (await recovered.FindClientKeyAsync(new string('B', 64), CancellationToken.None))!.Revoked);
    }
}
