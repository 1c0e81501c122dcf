using Bulwark.Failover;
using Bulwark.Gateway.Usage;
using Bulwark.Pipelines;

namespace Bulwark.Gateway.Routing;

/// <summary>A configured provider at run time: its address, its own pipeline instance, and its resolved headers.</summary>
internal sealed class GatewayProvider
{
    public GatewayProvider(string name, string baseUrl, BulwarkPipeline pipeline, IReadOnlyList<KeyValuePair<string, string>> headers, string pipelineFingerprint = "", ModelMap? models = null, ModelPrices? prices = null, Configuration.RouteApi? api = null, int defaultMaxTokens = Configuration.GatewayConstants.DefaultAnthropicMaxTokens, ProviderAuth.ProviderAuthenticator? auth = null)
    {
        Auth = auth;
        Api = api;
        DefaultMaxTokens = defaultMaxTokens;
        Prices = prices ?? ModelPrices.None;
        Name = name;
        PipelineFingerprint = pipelineFingerprint;
        BaseUrl = baseUrl.TrimEnd('/');
        Pipeline = pipeline;
        Headers = headers;
        Failover = FailoverProvider.Create<ForwardedResponse>(pipeline);
        Models = models;
    }

    public string Name { get; }

    /// <summary>Gets the destination prefix, without a trailing slash: the request path is appended as-is.</summary>
    public string BaseUrl { get; }

    public BulwarkPipeline Pipeline { get; }

    /// <summary>Gets the headers added toward this provider. Values may be secrets: never log them.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

    public FailoverProvider<ForwardedResponse> Failover { get; }

    /// <summary>Gets the prices of the provider's models (<c>Prices</c>), for the cost of requests it serves.</summary>
    public ModelPrices Prices { get; }

    /// <summary>
    /// Gets what the pipeline instance was built from (its name and configuration): a reload that leaves it unchanged
    /// keeps the instance, and with it the breaker, bulkhead and retry budget.
    /// </summary>
    public string PipelineFingerprint { get; }

    /// <summary>Gets the API the provider speaks, or <see langword="null"/> when it speaks its routes'.</summary>
    public Configuration.RouteApi? Api { get; }

    /// <summary>Gets the <c>max_tokens</c> sent for a chat completion translated for Anthropic that sets none.</summary>
    public int DefaultMaxTokens { get; }

    /// <summary>Gets how the gateway authenticates itself to the provider on each attempt (<c>Auth</c>), or <see langword="null"/> for none.</summary>
    public ProviderAuth.ProviderAuthenticator? Auth { get; }

    /// <summary>Gets the model names the provider is sent, or <see langword="null"/> when request bodies go to it unchanged.</summary>
    public ModelMap? Models { get; }
}
