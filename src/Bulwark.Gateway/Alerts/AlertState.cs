namespace Bulwark.Gateway.Alerts;

/// <summary>Where an alert is in its life: firing → acknowledged → resolved (or firing → resolved).</summary>
internal enum AlertState
{
    /// <summary>The condition holds and nobody has acknowledged it: escalation goes on.</summary>
    Firing = 0,

    /// <summary>An operator acknowledged it: escalation and repeats stop; it still resolves when the condition clears.</summary>
    Acknowledged = 1,

    /// <summary>The condition cleared for <c>ResolveAfter</c>, or an operator resolved it.</summary>
    Resolved = 2,
}
