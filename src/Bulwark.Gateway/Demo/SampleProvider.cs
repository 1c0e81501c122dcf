using System.Globalization;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Bulwark.Gateway.Demo;

/// <summary>
/// A stand-in for a real provider, on 127.0.0.1 with a port of its own: it answers every path after a short service
/// time, and misbehaves as its <see cref="SampleFault"/> schedule says.
/// </summary>
internal sealed class SampleProvider : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Func<long, SampleFault> _fault;
    private readonly TimeSpan _serviceTime;
    private long _requests;

    private SampleProvider(string name, string behaviour, WebApplication app, Func<long, SampleFault> fault, TimeSpan serviceTime)
    {
        Name = name;
        Behaviour = behaviour;
        _app = app;
        _fault = fault;
        _serviceTime = serviceTime;
    }

    public string Name { get; }

    /// <summary>Gets what the provider does wrong, in words.</summary>
    public string Behaviour { get; }

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Gets the requests received since the run began.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    public static async Task<SampleProvider> StartAsync(string name, string behaviour, Func<long, SampleFault> fault, TimeSpan serviceTime, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        // Nothing from the environment or the working folder: the demo's providers behave the same everywhere.
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.AddServerHeader = false);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var provider = new SampleProvider(name, behaviour, app, fault, serviceTime);
        app.Run(provider.HandleAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        provider.BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return provider;
    }

    /// <summary>Starts the provider's schedule again from its first request, so that every run meets the same failures.</summary>
    public void BeginRun() => Interlocked.Exchange(ref _requests, 0);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private async Task HandleAsync(HttpContext context)
    {
        long n = Interlocked.Increment(ref _requests) - 1;
        var fault = _fault(n);
        if (fault == SampleFault.Down)
        {
            context.Abort();
            return;
        }

        // Between one and two service times, the same for the same request number in every run.
        var delay = _serviceTime * (1 + SampleFaults.Roll(0x1a7e_2c1e, n));
        await Task.Delay(delay, TimeProvider.System, context.RequestAborted).ConfigureAwait(false);

        switch (fault)
        {
            case SampleFault.Reset:
                context.Abort();
                return;
            case SampleFault.ServiceUnavailable:
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return;
            case SampleFault.TooManyRequests:
                context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                context.Response.Headers.RetryAfter = "1";
                return;
            default:
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(
                    string.Create(CultureInfo.InvariantCulture, $$"""{"provider":"{{Name}}","request":{{n}}}"""),
                    context.RequestAborted).ConfigureAwait(false);
                return;
        }
    }
}
