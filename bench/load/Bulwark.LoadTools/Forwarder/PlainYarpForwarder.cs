using System.Globalization;

namespace Bulwark.LoadTools.Forwarder;

/// <summary>
/// The plain YARP peer: <see cref="Yarp.ReverseProxy.Forwarder.IHttpForwarder"/> with no resilience, set up as YARP's
/// direct-forwarding sample does (the same forwarder as the gateway figures and the in-process request benchmark).
/// It is what Bulwark's gateway would be without its pipeline and middleware.
/// </summary>
/// <remarks>
/// Console logging at Warning: no line per request (a minimal app left at Information would log several per request
/// from ASP.NET Core and YARP and measure the console instead of the forwarder). Bulwark keeps its normal logging, one
/// structured line per request, which is part of what it costs.
/// </remarks>
internal static class PlainYarpForwarder
{
    public static Task RunAsync(int port, string destination) =>
        Bulwark.GatewayFigures.PlainForwarder.Build(
            new Uri(destination),
            $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}",
            consoleWarnings: true).RunAsync();
}
