using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bulwark.Tests.Http;

/// <summary>A real Kestrel server on 127.0.0.1 with an OS-assigned port that counts the requests it receives.</summary>
internal sealed class UpstreamServer : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly WebApplication _app;
    private readonly Channel<int> _arrivals = Channel.CreateUnbounded<int>();
    private int _attempts;

    private UpstreamServer(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Gets the number of requests that reached the server.</summary>
    public int Attempts => Volatile.Read(ref _attempts);

    /// <summary>Starts a server whose every request runs <paramref name="handler"/> with the request's 1-based number.</summary>
    public static async Task<UpstreamServer> StartAsync(Func<HttpContext, int, Task> handler)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Urls.Add("http://127.0.0.1:0");

        var server = new UpstreamServer(app);
        app.Run(context =>
        {
            var attempt = Interlocked.Increment(ref server._attempts);
            server._arrivals.Writer.TryWrite(attempt);
            return handler(context, attempt);
        });

        await app.StartAsync().WaitAsync(Timeout);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server.BaseAddress = new Uri(address);
        return server;
    }

    /// <summary>Waits until at least <paramref name="count"/> requests arrived; false when <paramref name="timeout"/> passes first.</summary>
    public async Task<bool> WaitForAttemptsAsync(int count, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (Attempts < count)
            {
                await _arrivals.Reader.ReadAsync(cts.Token);
            }

            return true;
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            return Attempts >= count;
        }
    }

    public async Task WaitForAttemptsAsync(int count) =>
        Assert.True(await WaitForAttemptsAsync(count, Timeout), $"Expected {count} requests at the server, saw {Attempts}.");

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().WaitAsync(Timeout);
        await _app.DisposeAsync();
    }
}
