using Bulwark.AspNetCore.Providers;

namespace Bulwark.Gateway.Forwarding;

/// <summary>The gateway's providers, with their breakers and bulkheads, for health endpoints, metrics and the admin API.</summary>
internal sealed class GatewayProviderCatalog(GatewayRouteTable routes) : IBulwarkProviderCatalog
{
    public IReadOnlyList<BulwarkProviderInfo> Providers { get; } =
        [.. routes.Providers.Values.Select(p => new BulwarkProviderInfo(p.Name, p.Pipeline.CircuitBreaker, p.Pipeline.Bulkhead))];
}
