using Bulwark.Failover;
using Bulwark.Gateway.Configuration;

namespace Bulwark.Gateway.Routing;

/// <summary>A configured route at run time: its providers in failover order and the chain that runs them.</summary>
internal sealed class GatewayRoute
{
    public GatewayRoute(GatewayRouteOptions options, IReadOnlyList<GatewayProvider> providers, TimeProvider timeProvider, GatewayLimitsOptions? limits = null, long maxBufferedBodyBytes = GatewayConstants.DefaultMaxBufferedBodyBytes, IReadOnlyList<GatewayProvider>? budgetFallback = null, long maxReplayableBodyBytes = GatewayConstants.DefaultMaxReplayableBodyBytes)
    {
        // The cheaper chain a request a strict budget refuses goes to: the same route with other providers.
        BudgetFallback = options.OnBudgetExceeded == RouteBudgetAction.Fallback && budgetFallback is { Count: > 0 }
            ? new GatewayRoute(options, budgetFallback, timeProvider, limits, maxBufferedBodyBytes, maxReplayableBodyBytes: maxReplayableBodyBytes)
            : null;
        MaxBufferedBodyBytes = maxBufferedBodyBytes;
        MaxReplayableBodyBytes = maxReplayableBodyBytes;
        AbortsMultipart = options.Uploads?.AbortMultipartOnFailure == true;
        RequestsPerMinutePerClient = options.RateLimit?.RequestsPerMinutePerClient ?? limits?.RequestsPerMinutePerClient ?? 0;
        ConcurrencyPerClient = options.RateLimit?.ConcurrencyPerClient ?? limits?.ConcurrencyPerClient ?? 0;
        Path = options.Path!;
        Idempotent = options.Idempotent == true;
        Api = options.Api;
        Clients = options.Clients;
        ReplayableEndpoints = options.Idempotent is null ? Routing.ReplayableEndpoints.Of(options.Api) : [];
        NotProcessedStatusCodes = options.NotProcessedStatusCodes is { } listed ? [.. listed.Distinct().Order()] : [GatewayConstants.DefaultNotProcessedStatusCode];
        Methods = [.. options.Methods.Select(m => m.ToUpperInvariant())];
        Timeout = options.Timeout;
        Deferral = options.OnFailure == RouteFailureMode.Defer ? options.Defer : null;
        Providers = providers;
        MapsModels = providers.Any(static p => p.Models is not null);
        TranslatesToAnthropic = [.. providers.Select(p => options.Api == RouteApi.OpenAI && p.Api == RouteApi.Anthropic)];
        RewritesBodies = MapsModels || Array.IndexOf(TranslatesToAnthropic, true) >= 0;
        MaxAttempts = options.MaxAttempts ?? Math.Min(providers.Sum(p => p.Failover.MaxAttempts), GatewayConstants.MaxRouteAttempts);
        Fallback = Bulwark.Gateway.Fallback.RouteFallback.Create(options.Fallback, providers.Select(static p => p.Pipeline.Fallback), timeProvider);
        Chain = new FailoverExecutor<ForwardedResponse>(
            providers.Select(p => p.Failover),
            new FailoverOptions<ForwardedResponse> { TimeProvider = timeProvider, MaxAttempts = Math.Max(MaxAttempts, providers.Count), PanicThreshold = options.PanicThreshold ?? 0, Balance = options.Balance ?? FailoverBalance.Ordered, Bandit = BanditOf(options) });
    }

    /// <summary>The bandit's weights and goal from the route's settings, each unset one at the engine's default.</summary>
    private static FailoverBanditOptions BanditOf(GatewayRouteOptions options)
    {
        var bandit = new FailoverBanditOptions();
        if (options.BalanceWeights?.Success is { } success)
        {
            bandit.SuccessWeight = success;
        }

        if (options.BalanceWeights?.Latency is { } latency)
        {
            bandit.LatencyWeight = latency;
        }

        if (options.BalanceWeights?.Cost is { } cost)
        {
            bandit.CostWeight = cost;
        }

        if (options.BalanceLatencyGoal is { } goal)
        {
            bandit.LatencyGoal = goal;
        }

        return bandit;
    }

    public string Path { get; }

    /// <summary>Gets the route's cheaper chain for requests a strict budget refuses on its own providers (<c>OnBudgetExceeded: Fallback</c>), if any.</summary>
    public GatewayRoute? BudgetFallback { get; }

    /// <summary>Gets whether every request on the route may be sent again (<c>Idempotent: true</c>).</summary>
    public bool Idempotent { get; }

    /// <summary>Gets which clients the route serves (<c>Routes[]:Clients</c>).</summary>
    public RouteClients Clients { get; }

    /// <summary>Gets the API the route's providers speak.</summary>
    public RouteApi Api { get; }

    /// <summary>Gets the path endings whose requests may be sent again whatever their method (the <see cref="Api"/>'s generation endpoints, unless <c>Idempotent</c> is set).</summary>
    public string[] ReplayableEndpoints { get; }

    /// <summary>Gets the statuses that, with <c>Retry-After</c>, prove a provider did not process a request (429 proves it alone).</summary>
    public int[] NotProcessedStatusCodes { get; }

    /// <summary>Gets whether a provider's answer with <paramref name="statusCode"/> proves it did not process the request: 429, or a listed status with <c>Retry-After</c>.</summary>
    public bool ProvesNotProcessed(int statusCode, bool hasRetryAfter) =>
        statusCode == StatusCodes.Status429TooManyRequests || (hasRetryAfter && Array.IndexOf(NotProcessedStatusCodes, statusCode) >= 0);

    public IReadOnlyList<string> Methods { get; }

    public TimeSpan Timeout { get; }

    /// <summary>Gets the route's attempt allowance over all its providers (<c>Routes[]:MaxAttempts</c>, by default the sum of theirs).</summary>
    public int MaxAttempts { get; }

    /// <summary>Gets how the route defers requests every provider failed, or <see langword="null"/> when it does not.</summary>
    public GatewayDeferralOptions? Deferral { get; }

    public IReadOnlyList<GatewayProvider> Providers { get; }

    /// <summary>Gets a value indicating whether a provider of the route is sent its own model names (<c>Models</c>): requests are then read for theirs.</summary>
    public bool MapsModels { get; }

    /// <summary>Gets, per provider (by index), whether its chat completions are translated to Anthropic's Messages API (an <c>Anthropic</c> provider of an <c>OpenAI</c> route).</summary>
    public bool[] TranslatesToAnthropic { get; }

    /// <summary>Gets a value indicating whether a provider of the route is sent a body of its own (a model name mapped, or a translation): requests are then read, and providers may be passed over.</summary>
    public bool RewritesBodies { get; }

    /// <summary>Gets what the route answers when every attempt failed (its own <c>Fallback</c>, else its first provider pipeline's), or <see langword="null"/>.</summary>
    public Bulwark.Gateway.Fallback.RouteFallback? Fallback { get; }

    public FailoverExecutor<ForwardedResponse> Chain { get; }

    /// <summary>Gets the largest body buffered for re-sending (<c>Bulwark:MaxBufferedBodyBytes</c> of the route's configuration).</summary>
    public long MaxBufferedBodyBytes { get; }

    /// <summary>Gets the largest body spooled for re-sending (<c>Bulwark:MaxReplayableBodyBytes</c>); 0 when spooling is off.</summary>
    public long MaxReplayableBodyBytes { get; }

    /// <summary>Gets a value indicating whether a failed request of an S3 multipart upload is followed by the upload's abort (<c>Uploads:AbortMultipartOnFailure</c>).</summary>
    public bool AbortsMultipart { get; }

    /// <summary>
    /// Gets what tells this route's per-client limiter partitions apart from other routes': its methods, path and limits.
    /// A reload that keeps all three keeps the clients' windows and concurrency counts; one that changes any starts afresh.
    /// </summary>
    public string LimiterKey => string.Join(',', Methods) + " " + Path + "|" + RequestsPerMinutePerClient.ToString(System.Globalization.CultureInfo.InvariantCulture)
        + "|" + ConcurrencyPerClient.ToString(System.Globalization.CultureInfo.InvariantCulture) + "|";

    /// <summary>The index of <paramref name="provider"/> in <see cref="Providers"/>.</summary>
    public int IndexOf(GatewayProvider provider)
    {
        for (int i = 0; i < Providers.Count; i++)
        {
            if (ReferenceEquals(Providers[i], provider))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Finds one of the route's providers by name, or <see langword="null"/>.</summary>
    public GatewayProvider? FindProvider(string name)
    {
        // Indexed: a foreach over the IReadOnlyList would box its enumerator on every request.
        for (int i = 0; i < Providers.Count; i++)
        {
            if (string.Equals(Providers[i].Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return Providers[i];
            }
        }

        return null;
    }

    /// <summary>Gets the requests per minute one client may start on this route; 0 is no limit.</summary>
    public int RequestsPerMinutePerClient { get; }

    /// <summary>Gets the requests one client may have in flight on this route; 0 is no limit.</summary>
    public int ConcurrencyPerClient { get; }
}
