using Bulwark.Gateway.Routing;
using Microsoft.Extensions.Primitives;

namespace Bulwark.Gateway.Reload;

/// <summary>
/// The configuration in force, as an <see cref="IConfiguration"/> that follows reloads: what the admin status
/// summarizes. Read-only: setting a value would change nothing the gateway runs on.
/// </summary>
internal sealed class LiveConfigurationView(LiveGatewayConfiguration live) : IConfiguration
{
    public string? this[string key]
    {
        get => live.Configuration[key];
        set => throw new NotSupportedException("The gateway's configuration in force is read-only; change the configuration file.");
    }

    public IEnumerable<IConfigurationSection> GetChildren() => live.Configuration.GetChildren();

    public IChangeToken GetReloadToken() => live.GetChangeToken();

    public IConfigurationSection GetSection(string key) => live.Configuration.GetSection(key);
}
