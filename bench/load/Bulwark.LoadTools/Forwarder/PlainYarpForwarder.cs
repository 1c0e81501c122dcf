using System.Diagnostics;
using System.Globalization;
using System.Net;
using Yarp.ReverseProxy.Forwarder;

namespace Bulwark.LoadTools.Forwarder;

/// <summary>
/// The plain YARP peer: <see cref="IHttpForwarder"/> with no resilience and default logging, set up as YARP's
/// direct-forwarding sample does. It is what Bulwark's gateway would be without its pipeline and middleware.
/// </summary>
/// <remarks>
/// Console logging at Warning: no line per request (a minimal app left at Information would log several per request
/// from ASP.NET Core and YARP and measure the console instead of the forwarder). Bulwark keeps its normal logging, one
/// structured line per request, which is part of what it costs.
/// </remarks>
internal static class PlainYarpForwarder
{
    public static Task RunAsync(int port, string destination)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.AddServerHeader = false);
        builder.WebHost.UseUrls($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
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
        string prefix = destination.TrimEnd('/');
        var forwarder = app.Services.GetRequiredService<IHttpForwarder>();
        app.Map("/{**catch-all}", async context =>
        {
            await forwarder.SendAsync(context, prefix, invoker, ForwarderRequestConfig.Empty, HttpTransformer.Default);
        });
        return app.RunAsync();
    }
}
