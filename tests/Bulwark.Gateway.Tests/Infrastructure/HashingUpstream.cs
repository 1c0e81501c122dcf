using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bulwark.Gateway.Tests.Infrastructure;

/// <summary>
/// A real Kestrel server on 127.0.0.1 (port 0) standing in for a storage provider that takes large uploads: it hashes each
/// body as it streams in (nothing kept in memory) and keeps the SHA-256 of every body it received whole, by path. Before
/// each request, <see cref="ResetAfter"/> may name a byte count at which it resets the connection mid-upload.
/// </summary>
internal sealed class HashingUpstream : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Dictionary<string, string> _stored = new(StringComparer.Ordinal);
    private int _requests;
    private long _bytes;

    private HashingUpstream(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Gets or sets, for the n-th request (from 1) and its path, after how many body bytes to reset the connection; <see langword="null"/> to take the whole body.</summary>
    public Func<int, string, long?> ResetAfter { get; set; } = static (_, _) => null;

    /// <summary>Gets or sets an action run when a request's first body bytes arrive (the n-th request).</summary>
    public Action<int>? FirstBytes { get; set; }

    public int Requests => Volatile.Read(ref _requests);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, long> _receivedBy = new();

    /// <summary>Gets the body bytes the n-th request (from 1) has received so far.</summary>
    public long ReceivedBy(int n) => _receivedBy.TryGetValue(n, out long bytes) ? bytes : 0;

    /// <summary>Gets the body bytes received in all, resets included.</summary>
    public long BytesReceived => Interlocked.Read(ref _bytes);

    /// <summary>Gets the SHA-256 (hex) of the last whole body stored at <paramref name="path"/>, or <see langword="null"/>.</summary>
    public string? StoredHash(string path)
    {
        lock (_stored)
        {
            return _stored.TryGetValue(path, out var hash) ? hash : null;
        }
    }

    public int StoredCount
    {
        get
        {
            lock (_stored)
            {
                return _stored.Count;
            }
        }
    }

    public static async Task<HashingUpstream> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.Configure<KestrelServerOptions>(k => k.Limits.MaxRequestBodySize = null);
        var app = builder.Build();
        var upstream = new HashingUpstream(app);
        app.Run(upstream.HandleAsync);
        await app.StartAsync();
        upstream.BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return upstream;
    }

    private async Task HandleAsync(HttpContext context)
    {
        int n = Interlocked.Increment(ref _requests);
        string path = context.Request.Path.Value ?? "/";
        long? resetAfter = ResetAfter(n, path);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[64 * 1024];
        long received = 0;
        try
        {
            int read;
            while ((read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted)) > 0)
            {
                if (received == 0)
                {
                    FirstBytes?.Invoke(n);
                }

                received += read;
                _receivedBy[n] = received;
                Interlocked.Add(ref _bytes, read);
                hash.AppendData(buffer, 0, read);
                if (resetAfter is { } limit && received >= limit)
                {
                    // A provider dropping the connection mid-upload: the gateway sees its request fail, not an answer.
                    context.Abort();
                    return;
                }
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or Microsoft.AspNetCore.Http.BadHttpRequestException)
        {
            return;
        }

        string sha = Convert.ToHexStringLower(hash.GetHashAndReset());
        lock (_stored)
        {
            _stored[path] = sha;
        }

        await context.Response.WriteAsJsonAsync(new { sha256 = sha, bytes = received });
    }

    public async ValueTask DisposeAsync()
    {
        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(stopping.Token);
        await _app.DisposeAsync();
    }
}
