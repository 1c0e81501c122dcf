using Bulwark.Configuration;

namespace Bulwark.Gateway.Configuration;

/// <summary>The gateway's <c>Bulwark</c> section: the engine's named pipelines plus providers and routes.</summary>
public sealed class GatewayOptions : BulwarkOptions
{
    /// <summary>
    /// Gets or sets where <c>bulwark serve</c> listens, addresses separated by <c>;</c> (as <c>--urls</c> and
    /// <c>ASPNETCORE_URLS</c> take them, such as <c>http://0.0.0.0:8080;https://0.0.0.0:8443</c>). Used only when neither
    /// <c>--urls</c> nor <c>ASPNETCORE_URLS</c> is given; a change needs a restart.
    /// </summary>
    /// <value>Defaults to <see langword="null"/>: <c>http://127.0.0.1:8080</c>. Each address is an http or https URL with a port.</value>
    public string? Urls { get; set; }

    /// <summary>Gets or sets the providers, by case-insensitive name.</summary>
    /// <value>Defaults to empty.</value>
    public IDictionary<string, GatewayProviderOptions> Providers { get; set; } =
        new Dictionary<string, GatewayProviderOptions>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets or sets the routes. Only requests matching a route are forwarded; everything else is 404.</summary>
    /// <value>Defaults to empty.</value>
    public IList<GatewayRouteOptions> Routes { get; set; } = [];

    /// <summary>
    /// Gets or sets the largest request body buffered whole before the first attempt so that every attempt and failover can
    /// re-send it (a body of unknown length is read up to this size to find out). A larger body is spooled while it is sent
    /// (<see cref="MaxReplayableBodyBytes"/>) or, past that, streams once without retry; the response says so in
    /// <c>X-Bulwark-Retry</c>.
    /// </summary>
    /// <value>Defaults to 1 MiB (1,048,576). Range 0 to 30,000,000 (Kestrel's request body limit).</value>
    public long MaxBufferedBodyBytes { get; set; } = GatewayConstants.DefaultMaxBufferedBodyBytes;

    /// <summary>
    /// Gets or sets the largest request body kept in a spool file (<see cref="Spool"/>) so that every attempt and failover
    /// can re-send it. A body larger than <see cref="MaxBufferedBodyBytes"/> and up to this size goes to the first
    /// provider as it arrives while it is written to the spool; a retry or failover reads the spool (waiting for the
    /// client's body where it is still arriving). A larger body, by its <c>Content-Length</c>, streams once without retry;
    /// one of unknown length that grows past this size is refused with 413. Bodies are also bounded by
    /// <c>Limits:MaxRequestBodyBytes</c> (30,000,000 by default): raise it to accept larger uploads.
    /// </summary>
    /// <value>Defaults to 1 GiB (1,073,741,824). 0 (off: bodies over <see cref="MaxBufferedBodyBytes"/> stream once) or <see cref="MaxBufferedBodyBytes"/> to 1,099,511,627,776 (1 TiB).</value>
    public long MaxReplayableBodyBytes { get; set; } = GatewayConstants.DefaultMaxReplayableBodyBytes;

    /// <summary>Gets or sets where spooled request bodies are kept and how much they may hold (<c>Bulwark:Spool</c>); read at start.</summary>
    /// <value>Defaults to the temporary directory, capped only by its disk's free space.</value>
    public GatewaySpoolOptions Spool { get; set; } = new();

    /// <summary>Gets or sets the request limits (<c>Bulwark:Limits</c>): body and header sizes, per-client rate and concurrency.</summary>
    /// <value>Defaults to Kestrel's own body and header limits and no per-client limit.</value>
    public GatewayLimitsOptions Limits { get; set; } = new();

    /// <summary>Gets or sets the request log's settings (<c>Bulwark:Logging</c>): slow threshold, trusted proxies, tenant header.</summary>
    /// <value>Defaults to the request log's defaults: 1 s slow threshold, no trusted proxy.</value>
    public Bulwark.AspNetCore.Logging.BulwarkRequestLoggingOptions Logging { get; set; } = new();

    /// <summary>Gets or sets the telemetry settings (<c>Bulwark:Telemetry</c>): OTLP endpoint, service name.</summary>
    /// <value>Defaults to Prometheus only (<c>/metrics</c>), no OTLP export.</value>
    public Bulwark.AspNetCore.Telemetry.BulwarkTelemetryOptions Telemetry { get; set; } = new();

    /// <summary>Gets or sets the admin API's settings (<c>Bulwark:Admin</c>); the API exists only when a token is set.</summary>
    /// <value>Defaults to no token: the admin API is off.</value>
    public Bulwark.AspNetCore.Admin.BulwarkAdminOptions Admin { get; set; } = new();

    /// <summary>Gets or sets how the gateway drains on SIGTERM or SIGINT (<c>Bulwark:Shutdown</c>).</summary>
    /// <value>Defaults to a 5 s drain delay and a 25 s drain timeout.</value>
    public GatewayShutdownOptions Shutdown { get; set; } = new();

    /// <summary>Gets or sets how the gateway follows changes to its configuration file (<c>Bulwark:Reload</c>).</summary>
    /// <value>Defaults to on, with file-system events and a content check every 5 seconds.</value>
    public GatewayReloadOptions Reload { get; set; } = new();

    /// <summary>Gets or sets client identity (<c>Bulwark:Clients</c>): the trusted user header and how long validated keys are cached.</summary>
    /// <value>Defaults to no trusted header and a 30 s key cache.</value>
    public GatewayClientsOptions Clients { get; set; } = new();

    /// <summary>Gets or sets the budgets on AI requests (<c>Bulwark:Budgets</c>): limits per key, user, team, tier or global.</summary>
    /// <value>Defaults to no budget.</value>
    public GatewayBudgetsOptions Budgets { get; set; } = new();

    /// <summary>Gets or sets the store of circuit breaker state and deferred deliveries.</summary>
    /// <value>Defaults to SQLite at <c>data/bulwark.db</c>, failing closed.</value>
    public GatewayStorageOptions Storage { get; set; } = new();

    /// <summary>Gets or sets the deferred-delivery dispatcher's settings (attempts, time to live, backoff, leases).</summary>
    /// <value>Defaults to the defaults of <see cref="Bulwark.Deliveries.DeliveryOptions"/>.</value>
    public Bulwark.Deliveries.DeliveryOptions Deliveries { get; set; } = new();

    /// <summary>Gets or sets the error monitor's settings (<c>Bulwark:Errors</c>): fingerprints kept, reports per minute per caller.</summary>
    /// <value>Defaults to 10,000 fingerprints and 600 reports per minute per caller.</value>
    public GatewayErrorsOptions Errors { get; set; } = new();

    /// <summary>Gets or sets alerting (<c>Bulwark:Alerts</c>): signals, alert lifecycle, escalation and channels.</summary>
    /// <value>Defaults to the built-in signals, alerts kept and shown but sent nowhere.</value>
    public GatewayAlertsOptions Alerts { get; set; } = new();

    /// <summary>Gets or sets the state shared with the other gateways of a fleet (<c>Bulwark:SharedState</c>): breakers and per-client rates on Redis.</summary>
    /// <value>Defaults to nothing shared.</value>
    public GatewaySharedStateOptions SharedState { get; set; } = new();
}
