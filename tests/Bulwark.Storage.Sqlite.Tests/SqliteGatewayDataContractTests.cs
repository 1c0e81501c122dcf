using Bulwark.Storage.Sqlite.Tests.Infrastructure;

namespace Bulwark.Storage.Sqlite.Tests;

/// <summary>The gateway-data contract against <see cref="SqliteBulwarkStore"/>: each instance a connection to the same real file.</summary>
public sealed class SqliteGatewayDataContractTests : GatewayDataContractTests<SqliteBulwarkStore>, IDisposable
{
    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Dispose();

    protected override SqliteBulwarkStore Open() => _database.Open();
}
