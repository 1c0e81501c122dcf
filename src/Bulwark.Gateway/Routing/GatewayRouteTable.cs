using System.Globalization;
using System.Text;
using Bulwark.AspNetCore.Providers;
using Bulwark.Configuration;
using Bulwark.Gateway.Configuration;
using Bulwark.Pipelines;

namespace Bulwark.Gateway.Routing;

/// <summary>
/// The run-time routes and providers built from one validated configuration. Immutable: a reload builds a new table
/// and swaps it in whole, while requests already running keep the routes (and providers) they started with.
/// </summary>
internal sealed class GatewayRouteTable
{
    /// <summary>Builds the table of <paramref name="options"/>.</summary>
    /// <param name="options">Validated options.</param>
    /// <param name="configuration">The configuration the options were read from: a pipeline's section tells whether it changed.</param>
    /// <param name="createPipeline">Builds a pipeline instance: the pipeline's name, its options, the instance (provider) name.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="environment">Where header secrets come from.</param>
    /// <param name="auth">Builds each provider's authenticator; <see langword="null"/> for a table whose providers have no <c>Auth</c>.</param>
    /// <param name="previous">
    /// The table this one replaces, or <see langword="null"/>. A provider whose pipeline name and section are unchanged
    /// keeps its pipeline instance (breaker, bulkhead, retry budget); one whose pipeline changed gets a new instance, listed
    /// in <see cref="ReplacedPipelines"/> so that its breaker state can be carried over.
    /// </param>
    public GatewayRouteTable(
        GatewayOptions options,
        IConfiguration configuration,
        Func<string, BulwarkPipelineOptions, string, BulwarkPipeline> createPipeline,
        TimeProvider timeProvider,
        GatewayEnvironment environment,
        GatewayRouteTable? previous = null,
        ProviderAuth.ProviderAuthFactory? auth = null)
    {
        MaxBufferedBodyBytes = options.MaxBufferedBodyBytes;
        var providers = new Dictionary<string, GatewayProvider>(StringComparer.OrdinalIgnoreCase);
        var kept = new List<string>();
        var replaced = new List<(string, BulwarkPipeline, BulwarkPipeline)>();
        foreach (var (name, provider) in options.Providers)
        {
            var headers = provider.Headers
                .Select(h => new KeyValuePair<string, string>(
                    h.Key,
                    string.Format(CultureInfo.InvariantCulture, h.Value.Format, h.Value.FromEnvironment is { } variable ? environment.Get(variable) : h.Value.Value)))
                .ToList();
            string fingerprint = PipelineFingerprint(configuration, provider.Pipeline);
            BulwarkPipeline pipeline;
            GatewayProvider? old = null;
            if (previous is not null && previous.Providers.TryGetValue(name, out old) && old.PipelineFingerprint == fingerprint)
            {
                pipeline = old.Pipeline;
                kept.Add(name);
            }
            else
            {
                pipeline = createPipeline(provider.Pipeline, options.Pipelines[provider.Pipeline], name);
                if (old is not null)
                {
                    replaced.Add((name, old.Pipeline, pipeline));
                }
            }

            var previousAuth = previous is not null && previous.Providers.TryGetValue(name, out var before) ? before.Auth : null;
            var authenticator = provider.Auth is null ? null
                : (auth ?? throw new InvalidOperationException($"Provider '{name}' has Auth, but the table was built without an auth factory."))
                    .Create(name, provider.Auth, environment.Get, previousAuth);
            providers[name] = new GatewayProvider(name, provider.BaseUrl!, pipeline, headers, fingerprint, ModelMap.Of(provider.Models), Usage.ModelPrices.From(provider.Prices), provider.Api, provider.DefaultMaxTokens ?? GatewayConstants.DefaultAnthropicMaxTokens, authenticator);
        }

        Providers = providers;
        Routes = [.. options.Routes.Select(r => new GatewayRoute(r, [.. r.Providers.Select(p => providers[p])], timeProvider, options.Limits, options.MaxBufferedBodyBytes, [.. r.BudgetFallbackProviders.Select(p => providers[p])], options.MaxReplayableBodyBytes))];
        ProviderInfos = [.. providers.Values.Select(static p => new BulwarkProviderInfo(p.Name, p.Pipeline.CircuitBreaker, p.Pipeline.Bulkhead))];
        KeptPipelines = kept;
        ReplacedPipelines = replaced;
    }

    public IReadOnlyDictionary<string, GatewayProvider> Providers { get; }

    public IReadOnlyList<GatewayRoute> Routes { get; }

    public long MaxBufferedBodyBytes { get; }

    /// <summary>Gets the providers as health endpoints, metrics and the admin API see them.</summary>
    public IReadOnlyList<BulwarkProviderInfo> ProviderInfos { get; }

    /// <summary>Gets the providers that kept the pipeline instance of the previous table.</summary>
    public IReadOnlyList<string> KeptPipelines { get; }

    /// <summary>Gets the providers of the previous table whose pipeline changed: the old instance, and the new one.</summary>
    public IReadOnlyList<(string Provider, BulwarkPipeline Old, BulwarkPipeline New)> ReplacedPipelines { get; }

    /// <summary>
    /// What a pipeline instance is built from: the pipeline's name and every key under <c>Bulwark:Pipelines:{name}</c>
    /// (environment overrides included). The seed variables and the built-in default are fixed for the process's life.
    /// </summary>
    public static string PipelineFingerprint(IConfiguration configuration, string pipeline)
    {
        var text = new StringBuilder(pipeline.ToUpperInvariant());
        var section = configuration.GetSection("Bulwark:Pipelines:" + pipeline);
        foreach (var (key, value) in section.AsEnumerable(makePathsRelative: true).OrderBy(static p => p.Key, StringComparer.OrdinalIgnoreCase))
        {
            if (value is not null)
            {
                text.Append('\n').Append(key.ToUpperInvariant()).Append('=').Append(value);
            }
        }

        return text.ToString();
    }
}
