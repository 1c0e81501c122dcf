using Bulwark.Failover;
using Bulwark.Gateway.Configuration;

namespace Bulwark.Gateway.Forwarding;

/// <summary>A configured route at run time: its providers in failover order and the chain that runs them.</summary>
internal sealed class GatewayRoute
{
    public GatewayRoute(GatewayRouteOptions options, IReadOnlyList<GatewayProvider> providers, TimeProvider timeProvider)
    {
        Path = options.Path!;
        Idempotent = options.Idempotent;
        Methods = [.. options.Methods.Select(m => m.ToUpperInvariant())];
        Timeout = options.Timeout;
        Providers = providers;
        Chain = new FailoverExecutor<ForwardedResponse>(
            providers.Select(p => p.Failover),
            new FailoverOptions<ForwardedResponse> { TimeProvider = timeProvider });
    }

    public string Path { get; }

    public bool Idempotent { get; }

    public IReadOnlyList<string> Methods { get; }

    public TimeSpan Timeout { get; }

    public IReadOnlyList<GatewayProvider> Providers { get; }

    public FailoverExecutor<ForwardedResponse> Chain { get; }
}
