using System.Net;
using System.Net.Sockets;

namespace Bulwark.Tests.Shared;

/// <summary>Ports of 127.0.0.1 nothing listens on now, for servers the tests start (and for "nothing listens there").</summary>
internal static class FreePorts
{
    /// <summary>Gets a port the system just handed out and released.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
