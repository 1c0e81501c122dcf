using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Bulwark.Gateway.Hosting;

/// <summary>What <c>bulwark serve</c> says once it listens: each address, and the configuration file it runs with.</summary>
internal static partial class GatewayStartupLog
{
    /// <summary>Logs one line per address the server listens on (ports chosen by the system included) and one for the file.</summary>
    public static void Started(WebApplication app, string configPath)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Bulwark.Gateway.Hosting");
        var listen = app.Services.GetRequiredService<ListenUrls>();
        ICollection<string> addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        foreach (string address in addresses.Count > 0 ? addresses : [.. listen.Urls])
        {
            Listening(logger, address, listen.Source);
        }

        ConfigurationLoaded(logger, configPath);
    }

    [LoggerMessage(EventId = EventIds.Listening, Level = LogLevel.Information, Message = "Listening on {Address} (from {Source})")]
    private static partial void Listening(ILogger logger, string address, string source);

    [LoggerMessage(EventId = EventIds.ConfigurationLoaded, Level = LogLevel.Information, Message = "Configuration loaded from {Path}")]
    private static partial void ConfigurationLoaded(ILogger logger, string path);
}
