using Bulwark.AspNetCore.Providers;
using Bulwark.Gateway.Routing;

namespace Bulwark.Gateway.Forwarding;

/// <summary>
/// The gateway's providers, with their breakers and bulkheads, for health endpoints, metrics and the admin API: those of
/// the configuration in force, so a reload's new and removed providers show at once.
/// </summary>
internal sealed class GatewayProviderCatalog(LiveGatewayConfiguration live) : IBulwarkProviderCatalog
{
    public IReadOnlyList<BulwarkProviderInfo> Providers => live.Table.ProviderInfos;
}
