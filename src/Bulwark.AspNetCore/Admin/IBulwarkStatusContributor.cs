using System.Text.Json.Nodes;

namespace Bulwark.AspNetCore.Admin;

/// <summary>
/// Adds a section to <c>GET /admin/system/status</c>: the gateway adds its routes and providers, a store its status.
/// Register any number as singletons. A contributor whose <see cref="Section"/> is <c>store</c> replaces the default
/// <c>{"status":"none"}</c>. Mask secrets yourself: only the built-in <c>configuration</c> section is masked.
/// </summary>
public interface IBulwarkStatusContributor
{
    /// <summary>Gets the property name of the section (snake_case by convention).</summary>
    string Section { get; }

    /// <summary>Reads the section's value now.</summary>
    /// <returns>The value, or <see langword="null"/> to write JSON null.</returns>
    JsonNode? GetStatus();
}
