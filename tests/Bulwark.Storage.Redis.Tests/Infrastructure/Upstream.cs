using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Bulwark.Storage.Redis.Tests.Infrastructure;

/// <summary>A real Kestrel provider on 127.0.0.1 that answers 200 or, while <see cref="Failing"/>, 503; it counts calls.</summary>
public sealed class Upstream : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _calls;

    private Upstream(WebApplication app) => _app = app;

    /// <summary>Gets or sets whether the provider answers 503.</summary>
    public bool Failing { get; set; }

    /// <summary>Gets the calls received so far.</summary>
    public int Calls => Volatile.Read(ref _calls);

    /// <summary>Gets the provider's base address.</summary>
    public Uri Address { get; private set; } = null!;

    public static async Task<Upstream> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var upstream = new Upstream(app);
        app.Run(context =>
        {
            Interlocked.Increment(ref upstream._calls);
            context.Response.StatusCode = upstream.Failing ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;
            return Task.CompletedTask;
        });
        await app.StartAsync();
        upstream.Address = new Uri(app.Urls.Single());
        return upstream;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
