using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Bulwark.Gateway.Tests.Infrastructure;

/// <summary>
/// HTTP/1.1 over a plain <see cref="TcpClient"/>: the exact bytes of a request line and headers that HttpClient would
/// normalise or refuse, and the response headers exactly as they arrived on the wire.
/// </summary>
internal static class RawHttp
{
    public static async Task<RawResponse> SendAsync(Uri server, string requestHead, TimeSpan? timeout = null)
    {
        using var cancellation = new CancellationTokenSource(timeout ?? Poll.DefaultTimeout);
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port, cancellation.Token);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.Latin1.GetBytes(requestHead), cancellation.Token);

        return await ReadResponseAsync(stream, cancellation.Token);
    }

    /// <summary>Reads one response (headers, then a Content-Length or chunked body) from <paramref name="stream"/>.</summary>
    public static async Task<RawResponse> ReadResponseAsync(Stream stream, CancellationToken cancellationToken)
    {
        var received = new List<byte>();
        var buffer = new byte[8192];
        int headerEnd;
        while ((headerEnd = IndexOf(received, "\r\n\r\n"u8)) < 0)
        {
            int read = await stream.ReadAsync(buffer, cancellationToken);
            if (read == 0)
            {
                throw new IOException("The server closed the connection before the response headers ended.");
            }

            received.AddRange(buffer.AsSpan(0, read));
        }

        var lines = Encoding.Latin1.GetString([.. received.Take(headerEnd)]).Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], CultureInfo.InvariantCulture);
        var headers = lines.Skip(1)
            .Select(line => line.Split(':', 2))
            .Select(parts => new KeyValuePair<string, string>(parts[0], parts[1].Trim()))
            .ToList();

        var body = new List<byte>(received.Skip(headerEnd + 4));
        var contentLength = headers.FirstOrDefault(h => h.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)).Value;
        bool chunked = headers.Any(h => h.Key.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase));
        while (contentLength is not null ? body.Count < int.Parse(contentLength, CultureInfo.InvariantCulture) : chunked && IndexOf(body, "0\r\n\r\n"u8) < 0)
        {
            int read = await stream.ReadAsync(buffer, cancellationToken);
            if (read == 0)
            {
                break;
            }

            body.AddRange(buffer.AsSpan(0, read));
        }

        return new RawResponse(status, headers, Encoding.UTF8.GetString([.. body]));
    }

    private static int IndexOf(List<byte> haystack, ReadOnlySpan<byte> needle) =>
        System.Runtime.InteropServices.CollectionsMarshal.AsSpan(haystack).IndexOf(needle);
}

/// <summary>A response as it arrived: status, every header line in order (repeats kept), and the body text (still chunk-framed if chunked).</summary>
internal sealed record RawResponse(int Status, IReadOnlyList<KeyValuePair<string, string>> Headers, string Body)
{
    public IEnumerable<string> Values(string name) =>
        Headers.Where(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value);
}

/// <summary>One kept-alive HTTP/1.1 connection: requests are sent one after another on the same socket.</summary>
internal sealed class RawConnection : IDisposable
{
    private readonly TcpClient _client = new();

    public static async Task<RawConnection> OpenAsync(Uri server)
    {
        var connection = new RawConnection();
        using var timeout = new CancellationTokenSource(Poll.DefaultTimeout);
        await connection._client.ConnectAsync(server.Host, server.Port, timeout.Token);
        return connection;
    }

    /// <summary>Sends a GET and reads its response, on this connection.</summary>
    public async Task<RawResponse> GetAsync(string path)
    {
        using var timeout = new CancellationTokenSource(Poll.DefaultTimeout);
        var stream = _client.GetStream();
        await stream.WriteAsync(Encoding.Latin1.GetBytes($"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"), timeout.Token);
        return await RawHttp.ReadResponseAsync(stream, timeout.Token);
    }

    /// <summary>Sends raw bytes (for example the first half of a request) on this connection.</summary>
    public async Task WriteAsync(string text)
    {
        using var timeout = new CancellationTokenSource(Poll.DefaultTimeout);
        await _client.GetStream().WriteAsync(Encoding.Latin1.GetBytes(text), timeout.Token);
    }

    /// <summary>Reads one response on this connection.</summary>
    public async Task<RawResponse> ReadResponseAsync()
    {
        using var timeout = new CancellationTokenSource(Poll.DefaultTimeout);
        return await RawHttp.ReadResponseAsync(_client.GetStream(), timeout.Token);
    }

    /// <summary>Gets a value indicating whether the server has closed the connection (a read returns end of stream).</summary>
    public async Task<bool> IsClosedByServerAsync()
    {
        using var timeout = new CancellationTokenSource(Poll.DefaultTimeout);
        try
        {
            return await _client.GetStream().ReadAsync(new byte[1], timeout.Token) == 0;
        }
        catch (IOException)
        {
            return true;
        }
    }

    public void Dispose() => _client.Dispose();
}
