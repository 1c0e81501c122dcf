namespace Bulwark.Gateway.Alerts;

/// <summary>Names of the durable delivery queues that carry alert notifications, one per channel.</summary>
internal static class AlertQueues
{
    /// <summary>The prefix of every alert queue; no route's deferral queue may start with it.</summary>
    public const string Prefix = "bulwark.alerts.";

    /// <summary>Gets the queue of a channel.</summary>
    /// <param name="channel">The channel's name.</param>
    /// <returns><c>bulwark.alerts.{channel}</c>.</returns>
    public static string ForChannel(string channel) => Prefix + channel;
}
