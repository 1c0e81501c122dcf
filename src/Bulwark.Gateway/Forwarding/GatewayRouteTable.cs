using System.Globalization;
using Bulwark.Gateway.Configuration;
using Bulwark.Pipelines;
using Microsoft.Extensions.Options;

namespace Bulwark.Gateway.Forwarding;

/// <summary>Builds the run-time routes and providers from validated options, once.</summary>
internal sealed class GatewayRouteTable
{
    public GatewayRouteTable(IOptions<GatewayOptions> options, IBulwarkPipelineProvider pipelines, TimeProvider timeProvider, GatewayEnvironment environment)
    {
        var value = options.Value;
        MaxBufferedBodyBytes = value.MaxBufferedBodyBytes;
        var providers = new Dictionary<string, GatewayProvider>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, provider) in value.Providers)
        {
            var headers = provider.Headers
                .Select(h => new KeyValuePair<string, string>(
                    h.Key,
                    string.Format(CultureInfo.InvariantCulture, h.Value.Format, h.Value.FromEnvironment is { } variable ? environment.Get(variable) : h.Value.Value)))
                .ToList();
            providers[name] = new GatewayProvider(name, provider.BaseUrl!, pipelines.GetPipeline(provider.Pipeline, name), headers);
        }

        Providers = providers;
        Routes = [.. value.Routes.Select(r => new GatewayRoute(r, [.. r.Providers.Select(p => providers[p])], timeProvider, value.Limits))];
    }

    public IReadOnlyDictionary<string, GatewayProvider> Providers { get; }

    public IReadOnlyList<GatewayRoute> Routes { get; }

    public long MaxBufferedBodyBytes { get; }
}
