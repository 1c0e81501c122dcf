using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bulwark.Gateway.Tests.Infrastructure;

/// <summary>
/// A real Kestrel server on 127.0.0.1 (port 0) standing in for a provider. Its behaviour is a delegate the test can
/// swap at any time; every request it receives is counted and recorded.
/// </summary>
internal sealed class Upstream : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _requests;

    private Upstream(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    public int Requests => Volatile.Read(ref _requests);

    public List<RecordedRequest> Received { get; } = [];

    /// <summary>Gets or sets what the provider does; defaults to 200 with a small JSON body.</summary>
    public Func<HttpContext, int, Task> Behaviour { get; set; } = Ok;

    public static Task Ok(HttpContext context, int n) => context.Response.WriteAsJsonAsync(new { ok = true, n });

    /// <summary>A behaviour that answers <paramref name="status"/> with an empty body.</summary>
    public static Func<HttpContext, int, Task> Status(int status) => (context, _) =>
    {
        context.Response.StatusCode = status;
        return Task.CompletedTask;
    };

    /// <summary>A behaviour that never answers: it waits until the request is aborted, then completes <paramref name="aborted"/>.</summary>
    public static Func<HttpContext, int, Task> HangUntilAborted(TaskCompletionSource aborted) => async (context, _) =>
    {
        var gone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (context.RequestAborted.Register(() => gone.TrySetResult()))
        {
            await gone.Task;
        }

        aborted.TrySetResult();
    };

    public static async Task<Upstream> StartAsync(int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var upstream = new Upstream(app);
        app.Run(async context =>
        {
            int n = Interlocked.Increment(ref upstream._requests);
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            lock (upstream.Received)
            {
                upstream.Received.Add(new RecordedRequest(
                    context.Request.Method,
                    context.Request.Path + context.Request.QueryString,
                    context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                    body.ToArray())
                {
                    RawTarget = context.Features.Get<IHttpRequestFeature>()!.RawTarget,
                });
            }

            // The behaviour reads the body again, from the start, as a provider would.
            body.Position = 0;
            context.Request.Body = body;
            await upstream.Behaviour(context, n);
        });
        await app.StartAsync();
        upstream.BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return upstream;
    }

    public RecordedRequest[] Snapshot()
    {
        lock (Received)
        {
            return [.. Received];
        }
    }

    public async ValueTask DisposeAsync()
    {
        // A request still hanging is aborted when the bounded graceful stop runs out.
        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(stopping.Token);
        await _app.DisposeAsync();
    }
}

internal sealed record RecordedRequest(string Method, string PathAndQuery, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    /// <summary>Gets the request target exactly as it arrived on the wire (Kestrel's <see cref="IHttpRequestFeature.RawTarget"/>), undecoded.</summary>
    public string RawTarget { get; init; } = string.Empty;
}
