namespace Bulwark.SharedState;

/// <summary>Settings of <see cref="CircuitBreakerStateSharing"/>.</summary>
public sealed class CircuitBreakerSharingOptions
{
    /// <summary>
    /// Gets or sets how much later than the instance whose breaker opened the other instances leave open: the opener probes
    /// the provider alone (its <c>HalfOpenMaxCalls</c>) and shares the outcome — closed, or open again — before anyone else
    /// probes. If the opener goes silent (it died), the others probe once this grace has passed.
    /// </summary>
    /// <value>Defaults to 10 seconds. Range 0 to 5 minutes; choose more than the provider's attempt timeout.</value>
    public TimeSpan ProbeGrace { get; set; } = SharedStateConstants.DefaultProbeGrace;

    /// <summary>
    /// Gets or sets the start of this instance's id in the fleet (a random part is always appended, so replicas that share
    /// one configuration still tell each other apart), or <see langword="null"/> for the host name and process id.
    /// </summary>
    /// <value>Defaults to <see langword="null"/>. At most 100 characters.</value>
    public string? InstanceId { get; set; }
}
