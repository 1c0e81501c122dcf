using Bulwark.Gateway.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Bulwark.GatewayFigures;

/// <summary>The gateway in front of two providers, with its default pipeline (none configured) or the one given.</summary>
internal sealed class FigureGateway : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FigureGateway(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public static Task<FigureGateway> StartAsync(Uri primary, Uri secondary, string? pipeline = null)
    {
        string pipelines = pipeline is null ? string.Empty : "\"Pipelines\": { \"default\": " + pipeline + " },";
        string json = $$"""
            {
              "Bulwark": {
                {{pipelines}}
                "Providers": {
                  "primary":   { "BaseUrl": "{{primary.ToString().TrimEnd('/')}}" },
                  "secondary": { "BaseUrl": "{{secondary.ToString().TrimEnd('/')}}" }
                },
                "Routes": [ { "Path": "/api/{**rest}", "Providers": [ "primary", "secondary" ] } ]
              }
            }
            """;
        return StartJsonAsync(json);
    }

    /// <summary>The gateway with the configuration <paramref name="json"/>, logging errors only.</summary>
    /// <param name="json">The configuration.</param>
    /// <param name="environment">The environment variables it reads (provider keys), or none.</param>
    public static async Task<FigureGateway> StartJsonAsync(string json, Func<string, string?>? environment = null)
    {
        var app = GatewayHost.Build(new GatewayHostSettings(null, json, ["http://127.0.0.1:0"])
        {
            EnvironmentOverrides = false,
            Environment = environment ?? (_ => null),
            MinimumLogLevel = LogLevel.Error,
            StorePath = Path.Combine(Path.GetTempPath(), "bulwark-figures-" + Guid.NewGuid().ToString("N"), "bulwark.db"),
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new FigureGateway(app, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        // Stopped first, as 'bulwark serve' stops: a host disposed without a stop reports its background services'
        // cancellation as a fault.
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
