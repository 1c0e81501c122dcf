using System.Net;
using System.Net.Sockets;

namespace Bulwark.Gateway.Tests.Infrastructure;

/// <summary>
/// A loopback port where connections are refused. The port stays bound (without listening) until disposed, so no
/// server started by a test running in parallel can be given it meanwhile, as could happen to a port merely released.
/// </summary>
internal sealed class ClosedPort : IDisposable
{
    private readonly Socket _socket;

    private ClosedPort()
    {
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Address = new Uri($"http://127.0.0.1:{((IPEndPoint)_socket.LocalEndPoint!).Port}");
    }

    public Uri Address { get; }

    public static ClosedPort Open() => new();

    public void Dispose() => _socket.Dispose();
}
