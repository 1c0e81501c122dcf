using Bulwark.AspNetCore.Providers;

namespace Bulwark.AspNetCore.Tests.Providers;

public class BulwarkProviderCatalogTests
{
    [Fact]
    public void Providers_KeepTheirOrder()
    {
        var catalog = new BulwarkProviderCatalog([new("b", null, null), new("a", null, null)]);
        Assert.Equal(["b", "a"], catalog.Providers.Select(p => p.Name));
    }
}
