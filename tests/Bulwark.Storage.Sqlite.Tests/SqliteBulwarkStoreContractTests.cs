using Bulwark.Deliveries;
using Bulwark.Storage.Sqlite.Tests.Infrastructure;

namespace Bulwark.Storage.Sqlite.Tests;

/// <summary>The store contract against <see cref="SqliteBulwarkStore"/> on a real file of its own.</summary>
public sealed class SqliteBulwarkStoreContractTests : StoreContractTests, IDisposable
{
    private readonly TempDatabase _database = new();

    public SqliteBulwarkStoreContractTests() => Store = _database.Open();

    protected override IDeliveryStore Store { get; }

    public void Dispose() => _database.Dispose();
}
