using System.Net;
using Microsoft.AspNetCore.Http;

namespace Bulwark.AspNetCore.Logging;

/// <summary>
/// The client's address: the connection's remote address, or, when that is a trusted proxy, the right-most
/// <c>X-Forwarded-For</c> entry that is not itself a trusted proxy (entries left of it are client-controlled).
/// </summary>
internal sealed class ClientIpResolver
{
    private readonly IPNetwork[] _trusted;

    public ClientIpResolver(IEnumerable<string> trustedProxies)
    {
        var networks = new List<IPNetwork>();
        foreach (var proxy in trustedProxies)
        {
            if (TryParseNetwork(proxy, out var network))
            {
                networks.Add(network);
            }
        }

        _trusted = [.. networks];
    }

    public static bool TryParseNetwork(string? value, out IPNetwork network)
    {
        network = default;
        if (string.IsNullOrWhiteSpace(value))
        {
            return false;
        }

        value = value.Trim();
        if (value.Contains('/'))
        {
            return IPNetwork.TryParse(value, out network);
        }

        if (IPAddress.TryParse(value, out var address))
        {
            address = Normalize(address);
            network = new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
            return true;
        }

        return false;
    }

    public string? Resolve(HttpContext context)
    {
        var remote = context.Connection.RemoteIpAddress;
        if (remote is null)
        {
            return null;
        }

        remote = Normalize(remote);
        if (_trusted.Length == 0 || !IsTrusted(remote))
        {
            return remote.ToString();
        }

        var headers = context.Request.Headers[BulwarkRequestLoggingConstants.ForwardedForHeader];
        IPAddress client = remote;
        for (int h = headers.Count - 1; h >= 0; h--)
        {
            var hops = (headers[h] ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            for (int i = hops.Length - 1; i >= 0; i--)
            {
                if (!TryParseHop(hops[i], out var hop))
                {
                    // A malformed entry: nothing left of it can be trusted; the last good hop is the client.
                    return client.ToString();
                }

                client = hop;
                if (!IsTrusted(hop))
                {
                    return hop.ToString();
                }
            }
        }

        return client.ToString();
    }

    private bool IsTrusted(IPAddress address)
    {
        foreach (var network in _trusted)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }

    private static bool TryParseHop(string hop, out IPAddress address)
    {
        // Entries may carry a port: 203.0.113.7:5123, [2001:db8::1]:443.
        if (hop.StartsWith('['))
        {
            int close = hop.IndexOf(']', StringComparison.Ordinal);
            hop = close > 0 ? hop[1..close] : hop;
        }
        else if (hop.Count(static c => c == ':') == 1)
        {
            hop = hop[..hop.IndexOf(':', StringComparison.Ordinal)];
        }

        if (IPAddress.TryParse(hop, out var parsed))
        {
            address = Normalize(parsed);
            return true;
        }

        address = IPAddress.None;
        return false;
    }

    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
