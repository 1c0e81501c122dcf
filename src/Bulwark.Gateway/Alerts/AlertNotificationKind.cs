namespace Bulwark.Gateway.Alerts;

/// <summary>Why a notification is sent.</summary>
internal enum AlertNotificationKind
{
    /// <summary>The alerts started firing (first notification of an escalation level).</summary>
    Firing = 0,

    /// <summary>The alerts still fire, unacknowledged, and the channel's repeat interval passed.</summary>
    Repeat = 1,

    /// <summary>The alerts resolved (condition cleared for <c>ResolveAfter</c>, or an operator resolved them).</summary>
    Resolved = 2,
}
