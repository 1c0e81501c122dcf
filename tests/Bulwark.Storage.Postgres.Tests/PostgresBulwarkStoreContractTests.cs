using Bulwark.Deliveries;
using Bulwark.Tests.Shared;
using Bulwark.Storage.Sqlite.Tests;

namespace Bulwark.Storage.Postgres.Tests;

/// <summary>The store contract (the same tests the SQLite and in-memory stores pass) against a real PostgreSQL database of its own.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresBulwarkStoreContractTests : StoreContractTests, IAsyncLifetime
{
    private readonly PostgresServer _server;
    private PostgresBulwarkStore? _store;

    public PostgresBulwarkStoreContractTests(PostgresServer server) => _server = server;

    protected override IDeliveryStore Store => _store ?? throw new InvalidOperationException("Not initialized.");

    public async Task InitializeAsync() =>
        _store = PostgresBulwarkStore.Open(new PostgresStoreOptions { ConnectionString = await _server.CreateDatabaseAsync() });

    public async Task DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }
    }
}
