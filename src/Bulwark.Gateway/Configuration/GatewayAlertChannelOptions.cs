namespace Bulwark.Gateway.Configuration;

/// <summary>One alert channel (<c>Bulwark:Alerts:Channels:{name}</c>): where and in which format notifications are sent.</summary>
public sealed class GatewayAlertChannelOptions
{
    /// <summary>Gets or sets the channel's kind, which decides the format and the settings it needs.</summary>
    /// <value>Required.</value>
    public AlertChannelType? Type { get; set; }
}
