using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Bulwark.Gateway.Tests.Infrastructure;

namespace Bulwark.Gateway.Tests.Forwarding;

/// <summary>
/// RFC 9110 7.6.1: every field a Connection header names is for one hop only and is removed, in requests and in
/// responses — whatever else the header lists (keep-alive, close, upgrade), however it is spelled or split.
/// </summary>
public class ConnectionHeaderTests(ConnectionHeaderTests.Fixture fixture) : IClassFixture<ConnectionHeaderTests.Fixture>
{
    /// <summary>The Connection header lines of each variant (two entries: two header lines).</summary>
    public static readonly TheoryData<int, string[]> Variants = new()
    {
        { 0, ["keep-alive, X-Secret-Hop"] },
        { 1, ["close, X-Secret-Hop"] },
        { 2, ["upgrade, X-Secret-Hop"] },
        { 3, ["X-Secret-Hop, keep-alive"] },
        { 4, ["Keep-Alive ,, x-secret-HOP , "] },
        { 5, ["keep-alive", "X-Secret-Hop"] },
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task Request_FieldNamedInConnection_DoesNotReachTheProvider(int variant, string[] connection)
    {
        string path = $"/api/request-{variant.ToString(CultureInfo.InvariantCulture)}";
        var response = await RawHttp.SendAsync(fixture.Gateway.BaseAddress, string.Join("\r\n",
            [
                $"GET {path} HTTP/1.1",
                $"Host: {fixture.Gateway.BaseAddress.Authority}",
                .. connection.Select(line => "Connection: " + line),
                "X-Secret-Hop: for-the-gateway-only",
                "X-End-To-End: kept",
                string.Empty,
                string.Empty,
            ]));

        Assert.Equal(200, response.Status);
        var received = Assert.Single(fixture.Upstream.Snapshot(), r => r.PathAndQuery == path).Headers;
        Assert.Equal("kept", received["X-End-To-End"]);
        Assert.False(received.ContainsKey("X-Secret-Hop"), $"X-Secret-Hop reached the provider with Connection: {string.Join(" | ", connection)}");
    }

    /// <summary>
    /// Kestrel itself rewrites such a response header to its one option when it sends it, so the provider here is a
    /// raw HTTP/1.1 listener on 127.0.0.1 that writes the exact response bytes.
    /// </summary>
    [Theory]
    [MemberData(nameof(Variants))]
    public async Task Response_FieldNamedInConnection_DoesNotReachTheClient(int variant, string[] connection)
    {
        string head = string.Join("\r\n",
            [
                "HTTP/1.1 200 OK",
                .. connection.Select(line => "Connection: " + line),
                "X-Secret-Hop: for-the-gateway-only",
                "X-End-To-End: kept",
                "Content-Length: 4",
                string.Empty,
                "body",
            ]);
        await using var provider = await RawProvider.StartAsync(head);
        string json = $$"""
            {
              "Bulwark": {
                "Pipelines": { "default": {{Configs.FastPipeline}} },
                "Providers": { "raw": { "BaseUrl": "{{provider.BaseAddress.ToString().TrimEnd('/')}}" } },
                "Routes": [ { "Path": "/api/{**rest}", "Providers": [ "raw" ] } ]
              }
            }
            """;
        await using var gateway = await GatewayUnderTest.StartAsync(json);

        var response = await RawHttp.SendAsync(
            gateway.BaseAddress,
            $"GET /api/response-{variant.ToString(CultureInfo.InvariantCulture)} HTTP/1.1\r\nHost: {gateway.BaseAddress.Authority}\r\n\r\n");

        Assert.Equal(200, response.Status);
        Assert.Equal(["kept"], response.Values("X-End-To-End"));
        Assert.Empty(response.Values("X-Secret-Hop"));
        Assert.Equal("body", response.Body);
    }

    [Fact]
    public async Task Request_ConnectionCloseWithAFieldNamed_ClosesTheConnectionAfterTheResponse()
    {
        using var connection = await RawConnection.OpenAsync(fixture.Gateway.BaseAddress);
        await connection.WriteAsync("GET /api/close HTTP/1.1\r\nHost: gateway\r\nConnection: close, X-Secret-Hop\r\nX-Secret-Hop: 1\r\n\r\n");

        var response = await connection.ReadResponseAsync();

        Assert.Equal(200, response.Status);
        Assert.Equal(["close"], response.Values("Connection"));
        Assert.True(await connection.IsClosedByServerAsync(), "the gateway kept a connection open that the client asked to close");
    }

    [Fact]
    public async Task Request_ClientNamesAnInjectedHeaderInConnection_TheClientsValueIsRemovedAndTheProvidersIsSent()
    {
        var response = await RawHttp.SendAsync(fixture.Gateway.BaseAddress, string.Join("\r\n",
            "GET /api/injected HTTP/1.1",
            $"Host: {fixture.Gateway.BaseAddress.Authority}",
            "Connection: keep-alive, Authorization, X-Api-Version",
            "Authorization: Bearer client-token",
            "X-Api-Version: client-version",
            string.Empty,
            string.Empty));

        Assert.Equal(200, response.Status);
        var received = Assert.Single(fixture.Upstream.Snapshot(), r => r.PathAndQuery == "/api/injected").Headers;
        Assert.Equal("Bearer provider-secret", received["Authorization"]);
        Assert.Equal("2024-06-01", received["X-Api-Version"]);
    }

    /// <summary>A provider that answers every request on its connection with the same raw bytes.</summary>
    private sealed class RawProvider : IAsyncDisposable
    {
        private readonly TcpListener _listener;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _accepting;

        private RawProvider(TcpListener listener, string response)
        {
            _listener = listener;
            _accepting = AcceptAsync(Encoding.Latin1.GetBytes(response));
        }

        public Uri BaseAddress => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");

        public static Task<RawProvider> StartAsync(string response)
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return Task.FromResult(new RawProvider(listener, response));
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            await _accepting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            _stop.Dispose();
        }

        private async Task AcceptAsync(byte[] response)
        {
            var connections = new List<Task>();
            try
            {
                while (true)
                {
                    var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                    connections.Add(ServeAsync(client, response));
                }
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
            }

            await Task.WhenAll(connections).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        private async Task ServeAsync(TcpClient client, byte[] response)
        {
            using (client)
            {
                var stream = client.GetStream();
                var buffer = new byte[8192];
                var received = new List<byte>();
                while (!_stop.IsCancellationRequested)
                {
                    int read = await stream.ReadAsync(buffer, _stop.Token);
                    if (read == 0)
                    {
                        return;
                    }

                    received.AddRange(buffer.AsSpan(0, read));
                    if (Encoding.Latin1.GetString([.. received]).Contains("\r\n\r\n", StringComparison.Ordinal))
                    {
                        received.Clear();
                        await stream.WriteAsync(response, _stop.Token);
                    }
                }
            }
        }
    }

    public sealed class Fixture : IAsyncLifetime
    {
        internal Upstream Upstream { get; private set; } = null!;

        internal GatewayUnderTest Gateway { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Upstream = await Upstream.StartAsync();
            string json = $$"""
                {
                  "Bulwark": {
                    "Pipelines": { "default": {{Configs.FastPipeline}} },
                    "Providers": {
                      "primary": {
                        "BaseUrl": "{{Upstream.BaseAddress.ToString().TrimEnd('/')}}",
                        "Headers": {
                          "Authorization": { "FromEnvironment": "TEST_KEY", "Format": "Bearer {0}" },
                          "X-Api-Version": { "Value": "2024-06-01" }
                        }
                      }
                    },
                    "Routes": [ { "Path": "/api/{**rest}", "Providers": [ "primary" ] } ]
                  }
                }
                """;
            Gateway = await GatewayUnderTest.StartAsync(json, new Dictionary<string, string> { ["TEST_KEY"] = "provider-secret" });
        }

        public async Task DisposeAsync()
        {
            await Gateway.DisposeAsync();
            await Upstream.DisposeAsync();
        }
    }
}
