using Bulwark.Failover;

namespace Bulwark.Gateway.Configuration;

/// <summary>One route: the paths it matches and the ordered providers it fails over between.</summary>
public sealed class GatewayRouteOptions
{
    /// <summary>Gets or sets the ASP.NET Core route template, for example <c>/api/{**rest}</c>.</summary>
    /// <value>Required; starts with <c>/</c>; unique among routes.</value>
    public string? Path { get; set; }

    /// <summary>Gets or sets the providers, in failover order.</summary>
    /// <value>Required: at least one configured provider.</value>
    public IList<string> Providers { get; set; } = [];

    /// <summary>
    /// Gets or sets a value indicating whether every request on this route may be sent more than once, whatever its
    /// method. <see langword="true"/>: every request is retried and failed over. <see langword="false"/>: POST and PATCH
    /// are sent again only when they carry an <c>Idempotency-Key</c> header or when the failure proves the provider did
    /// not process them (not sent; 429; 503 with <c>Retry-After</c>; see <see cref="NotProcessedStatusCodes"/>), even to
    /// the generation endpoints of an <see cref="Api"/> route. Not set: as <see langword="false"/>, except that on a route
    /// with an <see cref="Api"/> the API's generation endpoints are replayable.
    /// </summary>
    /// <value>Defaults to <see langword="null"/> (not set).</value>
    public bool? Idempotent { get; set; }

    /// <summary>
    /// Gets or sets the API the route's providers speak. On <see cref="RouteApi.OpenAI"/> and <see cref="RouteApi.Anthropic"/>
    /// routes, a request whose path ends with <c>/v1/chat/completions</c>, <c>/v1/completions</c>, <c>/v1/embeddings</c>,
    /// <c>/v1/responses</c> or <c>/v1/messages</c> (whole segments; the route's own prefix, such as <c>/openai</c>, may
    /// come before) is replayable whatever its method, unless <see cref="Idempotent"/> is <see langword="false"/>.
    /// </summary>
    /// <value>Defaults to <see cref="RouteApi.Http"/>.</value>
    public RouteApi Api { get; set; }

    /// <summary>
    /// Gets or sets the provider statuses that, with a <c>Retry-After</c> header, prove the provider did not process the
    /// request, so that any request — a POST without an <c>Idempotency-Key</c> included — is retried and failed over after
    /// one. 429 proves it always, with or without <c>Retry-After</c>. A listed status is retried only if the provider's
    /// pipeline holds it back (its <c>TransientStatusCodes</c>).
    /// </summary>
    /// <value>Defaults to 503. Each 400 to 599; a list replaces the default (list only 429 to have no other status prove it).</value>
    public IList<int>? NotProcessedStatusCodes { get; set; }

    /// <summary>Gets or sets the HTTP methods the route accepts; empty accepts all.</summary>
    /// <value>Defaults to all methods.</value>
    public IList<string> Methods { get; set; } = [];

    /// <summary>Gets or sets the one total timeout over the whole chain: every provider, attempt and backoff.</summary>
    /// <value>Defaults to 25 seconds (the default drain timeout). Range 1 ms to 1 day.</value>
    public TimeSpan Timeout { get; set; } = GatewayConstants.DefaultRouteTimeout;

    /// <summary>
    /// Gets or sets the route's attempt allowance: the most attempts one request makes over all its providers, retries
    /// included. Attempts that providers which cannot serve (breaker open, at capacity) leave unspent go to those that
    /// can, each retry within that provider's retry budget, so a route with a dead provider keeps the chance of success
    /// it has with all of them alive.
    /// </summary>
    /// <value>Defaults to the sum of its providers' attempts (each pipeline's <c>MaxRetries</c> + 1), at most 1,000. Range: the number of providers to 1,000.</value>
    public int? MaxAttempts { get; set; }

    /// <summary>
    /// Gets or sets the route's panic threshold, in percent of its providers: when fewer than this share can serve (their
    /// breakers admit calls) as a request reaches an open one, the request is sent to the providers whose breaker is open too, in
    /// their order, through the breaker and without counting for it — as Envoy does below its panic threshold. A route
    /// whose every provider is judged bad at once (each failing 30% of calls) then still answers most requests instead
    /// of refusing them all with 503 while the breakers are open. Isolated providers are never tried.
    /// </summary>
    /// <value>Defaults to 0: never; an open provider is always passed over. Range: 0 to 100 (50 is Envoy's default: fewer than half).</value>
    public int? PanicThreshold { get; set; }

    /// <summary>
    /// Gets or sets how each request chooses among the route's providers: <c>Ordered</c> tries them in their listed order;
    /// <c>RoundRobin</c> rotates the first; <c>LeastBusy</c> starts with the one with fewest requests in flight;
    /// <c>PowerOfTwo</c> with the less busy of two drawn at random; <c>Bandit</c> by Thompson sampling over each
    /// provider's recent success and latency (<see cref="BalanceWeights"/>, <see cref="BalanceLatencyGoal"/>). The others
    /// follow as failover order; open breakers, skipping and <see cref="PanicThreshold"/> apply as with <c>Ordered</c>.
    /// </summary>
    /// <value>Defaults to <c>Ordered</c>. One of <c>Ordered</c>, <c>RoundRobin</c>, <c>LeastBusy</c>, <c>PowerOfTwo</c>, <c>Bandit</c>.</value>
    public FailoverBalance? Balance { get; set; }

    /// <summary>Gets or sets the weights of <c>Bandit</c>'s score; set only with <see cref="Balance"/> <c>Bandit</c>.</summary>
    /// <value>Defaults to Success 1, Latency 0.5. Each 0 to 100, not both 0.</value>
    public GatewayBalanceWeightsOptions? BalanceWeights { get; set; }

    /// <summary>
    /// Gets or sets <c>Bandit</c>'s latency goal: a provider whose recent mean response time is within it gets the full
    /// latency term of the score, a slower one the goal divided by its time. Set only with <see cref="Balance"/> <c>Bandit</c>.
    /// </summary>
    /// <value>Defaults to 1 second. Range 1 ms to 1 day.</value>
    public TimeSpan? BalanceLatencyGoal { get; set; }

    /// <summary>Gets or sets this route's own per-client limits, overriding <c>Bulwark:Limits</c> value by value.</summary>
    /// <value>Defaults to <see langword="null"/>: the limits of <c>Bulwark:Limits</c>.</value>
    public GatewayRateLimitOptions? RateLimit { get; set; }

    /// <summary>
    /// Gets or sets which clients the route serves: anyone, only holders of a gateway-issued key, or callers naming their
    /// user in the trusted header (<c>Bulwark:Clients:UserHeader</c>). Others get 401 and nothing is sent to a provider.
    /// </summary>
    /// <value>Defaults to <see cref="RouteClients.Anonymous"/>.</value>
    public RouteClients Clients { get; set; }

    /// <summary>
    /// Gets or sets what the route does when every provider failed: answer the failure, or store a replayable request and
    /// deliver it later (<c>202 Accepted</c>).
    /// </summary>
    /// <value>Defaults to <see cref="RouteFailureMode.Fail"/>.</value>
    public RouteFailureMode OnFailure { get; set; }

    /// <summary>Gets or sets how deferred requests are stored and delivered; used when <see cref="OnFailure"/> is <see cref="RouteFailureMode.Defer"/>.</summary>
    /// <value>Defaults to the defaults of <see cref="GatewayDeferralOptions"/>.</value>
    public GatewayDeferralOptions Defer { get; set; } = new();

    /// <summary>
    /// Gets or sets what the route answers when every attempt of a request failed (instead of the 502, 503 or 504
    /// problem): a static response, or for GET the last good response. It takes precedence over the <c>Fallback</c> of
    /// its providers' pipelines; a request the route defers is deferred, not answered by the fallback.
    /// </summary>
    /// <value>Defaults to <see langword="null"/>: the <c>Fallback</c> of the first provider whose pipeline has one, else none.</value>
    public Fallback.GatewayFallbackOptions? Fallback { get; set; }

    /// <summary>
    /// Gets or sets what the route does with a request a strict budget refuses: answer 429, or send it to
    /// <see cref="BudgetFallbackProviders"/> instead when its reservation fits there.
    /// </summary>
    /// <value>Defaults to <see cref="RouteBudgetAction.Refuse"/>.</value>
    public RouteBudgetAction OnBudgetExceeded { get; set; }

    /// <summary>
    /// Gets or sets the cheaper chain a request goes to when a strict budget refuses it on the route's own providers
    /// (<c>OnBudgetExceeded: Fallback</c>), in failover order; provider names from <c>Bulwark:Providers</c>.
    /// </summary>
    /// <value>Defaults to empty; required with <c>OnBudgetExceeded: Fallback</c>, refused otherwise.</value>
    public IList<string> BudgetFallbackProviders { get; set; } = [];

    /// <summary>Gets or sets what the route does for multi-step uploads (<c>Uploads:AbortMultipartOnFailure</c>).</summary>
    /// <value>Defaults to <see langword="null"/>: no abort.</value>
    public GatewayRouteUploadsOptions? Uploads { get; set; }
}
