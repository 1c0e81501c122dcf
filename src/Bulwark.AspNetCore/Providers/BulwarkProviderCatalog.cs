namespace Bulwark.AspNetCore.Providers;

/// <summary>A fixed list of providers, for applications that build their pipelines themselves.</summary>
/// <param name="providers">The providers.</param>
public sealed class BulwarkProviderCatalog(IEnumerable<BulwarkProviderInfo> providers) : IBulwarkProviderCatalog
{
    /// <inheritdoc/>
    public IReadOnlyList<BulwarkProviderInfo> Providers { get; } = [.. providers];
}
