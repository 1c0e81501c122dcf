using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Yarp.ReverseProxy.Forwarder;

namespace Bulwark.GatewayFigures;

/// <summary>The peer: YARP's IHttpForwarder with no resilience at all, set up as YARP's direct-forwarding sample does.</summary>
internal sealed class PlainForwarder : IAsyncDisposable
{
    private readonly WebApplication _app;

    private PlainForwarder(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public static async Task<PlainForwarder> StartAsync(Uri destination)
    {
        var app = Build(destination);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new PlainForwarder(app, new Uri(address));
    }

    /// <summary>
    /// Builds the forwarder, not started; shared with the in-process request benchmark and the load harness's YARP peer.
    /// </summary>
    /// <param name="destination">Where every request goes.</param>
    /// <param name="url">The address to listen on; 127.0.0.1 on a free port when <see langword="null"/>.</param>
    /// <param name="consoleWarnings">
    /// <see langword="true"/> to log warnings and errors to the console (the load harness: a process of its own);
    /// otherwise nothing is logged.
    /// </param>
    public static WebApplication Build(Uri destination, string? url = null, bool consoleWarnings = false)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (consoleWarnings)
        {
            builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        }

        builder.WebHost.UseUrls(url ?? "http://127.0.0.1:0");
        builder.WebHost.UseKestrel(k => k.AddServerHeader = false);
        builder.Services.AddHttpForwarder();
        var app = builder.Build();
        var invoker = new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            EnableMultipleHttp2Connections = true,
            ActivityHeadersPropagator = new ReverseProxyPropagator(DistributedContextPropagator.Current),
            ConnectTimeout = TimeSpan.FromSeconds(15),
        });
        string prefix = destination.ToString().TrimEnd('/');
        var forwarder = app.Services.GetRequiredService<IHttpForwarder>();
        app.Map("/{**catch-all}", async context =>
        {
            await forwarder.SendAsync(context, prefix, invoker, ForwarderRequestConfig.Empty, HttpTransformer.Default);
        });
        return app;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
