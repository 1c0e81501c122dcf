using Bulwark.Tests.Shared;
using Bulwark.Storage.Sqlite.Tests;

namespace Bulwark.Storage.Postgres.Tests;

/// <summary>The gateway-data contract (the same tests the SQLite store passes) against a real PostgreSQL database of its own; each instance a store of its own on it.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresGatewayDataContractTests(PostgresServer server) : GatewayDataContractTests<PostgresBulwarkStore>, IAsyncLifetime
{
    private string? _connectionString;

    public async Task InitializeAsync() => _connectionString = await server.CreateDatabaseAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    protected override PostgresBulwarkStore Open() =>
        PostgresBulwarkStore.Open(new PostgresStoreOptions { ConnectionString = _connectionString ?? throw new InvalidOperationException("Not initialized.") });
}
