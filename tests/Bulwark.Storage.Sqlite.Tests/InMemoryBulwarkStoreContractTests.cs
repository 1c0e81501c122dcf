using Bulwark.Deliveries;

namespace Bulwark.Storage.Sqlite.Tests;

/// <summary>The store contract against <see cref="InMemoryBulwarkStore"/>, the reference the SQLite store is compared with.</summary>
public sealed class InMemoryBulwarkStoreContractTests : StoreContractTests
{
    protected override IDeliveryStore Store { get; } = new InMemoryBulwarkStore();
}
