using System.Net;
using System.Net.Sockets;

namespace Bulwark.LoadTools.Ports;

/// <summary>Finds ports on 127.0.0.1 that nothing listens on, so parallel runs never collide on a fixed port.</summary>
internal static class FreePorts
{
    // Below Linux's ephemeral range (32768–60999), so outgoing connections of other processes cannot take a port
    // between the moment it is chosen here and the moment a target binds it.
    private const int Low = 20_000;
    private const int High = 32_000;

    /// <summary>Binds <paramref name="count"/> distinct ports at once, then releases them for the targets to take.</summary>
    public static IReadOnlyList<int> Take(int count)
    {
        var listeners = new List<TcpListener>(count);
        try
        {
            for (int tries = 0; listeners.Count < count && tries < 10_000; tries++)
            {
                var listener = new TcpListener(IPAddress.Loopback, Random.Shared.Next(Low, High));
                try
                {
                    listener.Start();
                    listeners.Add(listener);
                }
                catch (SocketException)
                {
                    listener.Dispose();
                }
            }

            return listeners.ConvertAll(l => ((IPEndPoint)l.LocalEndpoint).Port);
        }
        finally
        {
            foreach (var listener in listeners)
            {
                listener.Stop();
            }
        }
    }
}
