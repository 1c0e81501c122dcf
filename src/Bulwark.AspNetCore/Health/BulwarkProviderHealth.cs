using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Bulwark.AspNetCore.Health;

/// <summary>The health of one provider, as <c>/health</c> reports it under <c>providers</c>.</summary>
/// <param name="Name">The provider's name.</param>
/// <param name="Status">Its status.</param>
/// <param name="Description">Why, in a few words, or <see langword="null"/>.</param>
/// <param name="Metrics">Numbers behind the status (for example <c>failure_rate</c>, <c>p95_ms</c>), written as they are; or <see langword="null"/>.</param>
public sealed record BulwarkProviderHealth(string Name, HealthStatus Status, string? Description, IReadOnlyDictionary<string, double>? Metrics = null);
