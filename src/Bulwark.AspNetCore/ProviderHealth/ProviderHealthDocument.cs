using System.Text.Json.Serialization;

namespace Bulwark.AspNetCore.ProviderHealth;

/// <summary>The body of <c>GET /health/providers</c>.</summary>
/// <param name="Providers">One reading per provider.</param>
internal sealed record ProviderHealthDocument([property: JsonPropertyName("providers")] IReadOnlyList<ProviderStatisticsSnapshot> Providers);
