using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Bulwark.Samples.Quickstart;

/// <summary>A local HTTP provider on 127.0.0.1 that misbehaves the way real ones do.</summary>
internal sealed class FlakyProvider : IAsyncDisposable
{
    private readonly WebApplication _app;
    private long _seed;

    private FlakyProvider(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Share of requests answered 503.</summary>
    public double ErrorRate { get; set; }

    /// <summary>Share of requests whose connection is reset.</summary>
    public double ResetRate { get; set; }

    /// <summary>Share of requests answered 429 with Retry-After: 1.</summary>
    public double ThrottleRate { get; set; }

    /// <summary>When set, every request's connection is reset: the provider is down.</summary>
    public bool Down { get; set; }

    public long Requests;

    public static async Task<FlakyProvider> StartAsync(string name)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var provider = new FlakyProvider(app);
        app.MapGet("/api/{**rest}", (HttpContext context) =>
        {
            Interlocked.Increment(ref provider.Requests);
            double roll = provider.NextRoll();
            if (provider.Down || roll < provider.ResetRate)
            {
                context.Abort();
                return Results.Empty;
            }

            if (roll < provider.ResetRate + provider.ErrorRate)
            {
                return Results.StatusCode(503);
            }

            if (roll < provider.ResetRate + provider.ErrorRate + provider.ThrottleRate)
            {
                context.Response.Headers.RetryAfter = "1";
                return Results.StatusCode(429);
            }

            return Results.Json(new { provider = name, ok = true });
        });
        await app.StartAsync();
        provider.BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return provider;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    // A deterministic sequence, so runs are comparable.
    private double NextRoll()
    {
        // SplitMix64 over a counter.
        ulong x = (ulong)Interlocked.Increment(ref _seed) * 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        x ^= x >> 31;
        return (x >> 11) * (1.0 / (1UL << 53));
    }
}
