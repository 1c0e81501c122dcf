namespace Bulwark.Gateway.Configuration;

/// <summary>
/// How <c>bulwark serve</c> follows changes to its configuration file (<c>Bulwark:Reload</c>). A changed file is
/// validated exactly as at start-up; a valid one is applied without dropping a request, an invalid one is logged with
/// every error and the last good configuration keeps serving. These settings themselves take effect at start-up only.
/// </summary>
public sealed class GatewayReloadOptions
{
    /// <summary>Gets or sets a value indicating whether the gateway watches its configuration file and applies changes.</summary>
    /// <value>Defaults to <see langword="true"/>.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Gets or sets how often the file's content is compared with the last one seen, besides file-system change events.
    /// Polling catches what events miss: Kubernetes ConfigMap updates (a symbolic link swapped in another directory),
    /// network and container file systems that raise no events.
    /// </summary>
    /// <value>Defaults to 5 seconds. 0 turns polling off (change events only). Range 0, or 100 ms to 1 hour.</value>
    public TimeSpan PollInterval { get; set; } = GatewayConstants.DefaultReloadPollInterval;
}
