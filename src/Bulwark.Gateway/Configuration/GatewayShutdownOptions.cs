namespace Bulwark.Gateway.Configuration;

/// <summary>
/// How <c>bulwark serve</c> shuts down on SIGTERM or SIGINT (<c>Bulwark:Shutdown</c>): it reports not ready at once,
/// keeps serving for <see cref="DrainDelay"/> so load balancers notice, then stops listening and gives the requests in
/// flight <see cref="DrainTimeout"/> to finish before cancelling them.
/// </summary>
public sealed class GatewayShutdownOptions
{
    /// <summary>
    /// Gets or sets how long the gateway keeps serving normally after the signal while <c>/health/ready</c> answers 503.
    /// </summary>
    /// <value>Defaults to 5 seconds. Range 0 to 5 minutes.</value>
    public TimeSpan DrainDelay { get; set; } = GatewayConstants.DefaultDrainDelay;

    /// <summary>
    /// Gets or sets how long, once the gateway stops listening, the requests in flight have to finish. Those still running
    /// at the deadline are cancelled, each logged with its correlation id, and the process exits with code 3.
    /// </summary>
    /// <value>Defaults to 25 seconds. Range 1 second to 10 minutes.</value>
    public TimeSpan DrainTimeout { get; set; } = GatewayConstants.DefaultDrainTimeout;
}
