namespace Bulwark.AspNetCore.Providers;

/// <summary>
/// The providers an application calls through Bulwark, with their breakers and bulkheads: what health endpoints, the
/// admin API and metrics report on. The gateway registers one built from its configuration; an application using the
/// library registers its own (see <see cref="BulwarkProviderCatalog"/>).
/// </summary>
public interface IBulwarkProviderCatalog
{
    /// <summary>Gets the providers, in a stable order.</summary>
    IReadOnlyList<BulwarkProviderInfo> Providers { get; }
}
