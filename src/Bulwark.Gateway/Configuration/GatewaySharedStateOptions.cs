using Bulwark.Storage.Redis.RateLimiting;

namespace Bulwark.Gateway.Configuration;

/// <summary>
/// State shared by several gateways behind one load balancer (<c>Bulwark:SharedState</c>): circuit breakers (a provider
/// one instance finds dead is avoided by all; only the instance that opened the breaker probes), per-client request
/// rates (<c>RequestsPerMinutePerClient</c> holds for the fleet) and budget reservations (a strict budget holds for the
/// fleet). Read at start; a change needs a restart.
/// </summary>
public sealed class GatewaySharedStateOptions
{
    /// <summary>Gets or sets where state is shared.</summary>
    /// <value>Defaults to <see cref="SharedStateProvider.None"/>.</value>
    public SharedStateProvider Provider { get; set; }

    /// <summary>
    /// Gets or sets the StackExchange.Redis configuration string (<c>redis:6379,ssl=true</c>), when it holds no secret.
    /// Exactly one of this and <see cref="ConfigurationFromEnvironment"/> is set when <see cref="Provider"/> is Redis.
    /// </summary>
    /// <value>Defaults to <see langword="null"/>.</value>
    public string? Configuration { get; set; }

    /// <summary>Gets or sets the environment variable that holds the Redis configuration string (with its password); read at start.</summary>
    /// <value>Defaults to <see langword="null"/>.</value>
    public string? ConfigurationFromEnvironment { get; set; }

    /// <summary>Gets or sets the prefix of every Redis key and channel: gateways that must share use the same one, other fleets another.</summary>
    /// <value>Defaults to <c>bulwark</c>. 1 to 100 characters, no whitespace.</value>
    public string KeyPrefix { get; set; } = "bulwark";

    /// <summary>Gets or sets how long connecting and each Redis call may take: a slow or unreachable Redis never holds a request longer.</summary>
    /// <value>Defaults to 1 second. Range 100 ms to 30 s; keep it well under the attempt timeout.</value>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets how much later than the instance that opened a breaker the other instances may probe the provider.</summary>
    /// <value>Defaults to 10 seconds. Range 0 to 5 minutes; choose more than the attempt timeout.</value>
    public TimeSpan ProbeGrace { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Gets or sets the start of this gateway's id in the fleet (shown by readiness; it decides which instance probes when two
    /// open a breaker at once). A random part is always appended, so replicas deployed with one configuration differ.
    /// </summary>
    /// <value>Defaults to <see langword="null"/>: the host name and process id (then the random part).</value>
    public string? InstanceId { get; set; }

    /// <summary>Gets or sets what a per-client rate limit does while Redis cannot be reached.</summary>
    /// <value>Defaults to <see cref="SharedStateFailureMode.FailOpen"/>: requests are served unlimited until Redis is back.</value>
    public SharedStateFailureMode OnRedisFailure { get; set; }

    /// <summary>
    /// Gets or sets what a budgeted request does while Redis cannot be reached: refused with 503 (<c>FailClosed</c>: no
    /// budget can be overshot by the fleet) or checked by this gateway's own counters only (<c>FailOpen</c>: the fleet may
    /// overshoot by what the other gateways spend meanwhile).
    /// </summary>
    /// <value>Defaults to <see cref="SharedStateFailureMode.FailClosed"/>.</value>
    public SharedStateFailureMode BudgetsOnRedisFailure { get; set; } = SharedStateFailureMode.FailClosed;

    /// <summary>
    /// Gets or sets how long the fleet's budget counters hold a reservation that is never settled (its gateway died
    /// mid-request): the reservation is given back then. Choose more than the longest request (a long stream included):
    /// a request that outlasts it is still charged, but its reservation no longer holds room meanwhile.
    /// </summary>
    /// <value>Defaults to 15 minutes. Range 1 minute to 1 day.</value>
    public TimeSpan BudgetHold { get; set; } = TimeSpan.FromMinutes(15);
}
