using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Bulwark.GatewayFigures;

/// <summary>A provider on 127.0.0.1 that answers 503 to a deterministic share of requests.</summary>
internal sealed class FigureUpstream : IAsyncDisposable
{
    private static readonly byte[] Body = """{"id":42,"name":"item","ok":true}"""u8.ToArray();
    private readonly WebApplication _app;
    private long _counter;

    private FigureUpstream(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    public double FailureRate { get; set; }

    public static async Task<FigureUpstream> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var upstream = new FigureUpstream(app);
        app.Run(context =>
        {
            if (upstream.Roll() < upstream.FailureRate)
            {
                context.Response.StatusCode = 503;
                return Task.CompletedTask;
            }

            context.Response.ContentType = "application/json";
            context.Response.ContentLength = Body.Length;
            return context.Response.Body.WriteAsync(Body).AsTask();
        });
        await app.StartAsync();
        upstream.BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return upstream;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    // SplitMix64 over a counter: independent-looking, reproducible.
    private double Roll()
    {
        ulong x = (ulong)Interlocked.Increment(ref _counter) * 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        x ^= x >> 31;
        return (x >> 11) * (1.0 / (1UL << 53));
    }
}
