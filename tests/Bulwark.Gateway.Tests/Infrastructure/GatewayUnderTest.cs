using Bulwark.Gateway.Hosting;
using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bulwark.Gateway.Tests.Infrastructure;

/// <summary>The gateway itself, in-process on 127.0.0.1 (port 0), built from JSON exactly as <c>bulwark serve</c> builds it.</summary>
internal sealed class GatewayUnderTest : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly MeterListener _requests;
    private long _activeRequests;

    private GatewayUnderTest(WebApplication app, HttpClient client)
    {
        _app = app;
        Client = client;

        // ASP.NET Core's own http.server.active_requests of this app only (its meters are scoped to its IMeterFactory):
        // it falls back to zero only after the whole request pipeline, forwarding included, has finished.
        var meters = app.Services.GetRequiredService<IMeterFactory>();
        _requests = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (ReferenceEquals(instrument.Meter.Scope, meters) && instrument.Name == "http.server.active_requests")
                {
                    listener.EnableMeasurementEvents(instrument, this);
                }
            },
        };
        _requests.SetMeasurementEventCallback<long>(static (_, value, _, state) => Interlocked.Add(ref ((GatewayUnderTest)state!)._activeRequests, value));
        _requests.Start();
    }

    /// <summary>Gets the number of requests the gateway is handling now.</summary>
    public long ActiveRequests => Interlocked.Read(ref _activeRequests);

    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    public Uri BaseAddress => Client.BaseAddress!;

    public static Task<GatewayUnderTest> StartAsync(string json, IReadOnlyDictionary<string, string>? environment = null, TimeProvider? timeProvider = null, string? bodyBufferDirectory = null, string? storePath = null) =>
        StartAsync(new GatewayHostSettings(null, json, ["http://127.0.0.1:0"])
        {
            Environment = name => environment is not null && environment.TryGetValue(name, out var value) ? value : null,
            EnvironmentOverrides = false,
            TimeProvider = timeProvider,
            BodyBufferDirectory = bodyBufferDirectory,
            MinimumLogLevel = LogLevel.Warning,
            StorePath = storePath ?? TestStore.NewPath(),
        });

    /// <summary>
    /// Starts the gateway from a configuration file, as <c>bulwark serve --config</c> does (so it follows the file's
    /// changes), recording its logs in <paramref name="logs"/> when given.
    /// </summary>
    public static Task<GatewayUnderTest> StartFromFileAsync(string path, RecordingLoggerProvider? logs = null, bool drainOnShutdown = false, LogLevel minimumLogLevel = LogLevel.Information) =>
        StartAsync(new GatewayHostSettings(path, null, ["http://127.0.0.1:0"])
        {
            Environment = _ => null,
            EnvironmentOverrides = false,
            MinimumLogLevel = minimumLogLevel,
            DrainOnShutdown = drainOnShutdown,
            StorePath = TestStore.NewPath(),
            Logging = logging =>
            {
                // Information for the recorder (reload events); the console keeps to warnings, as in the other tests.
                logging.AddFilter<Microsoft.Extensions.Logging.Console.ConsoleLoggerProvider>(null, LogLevel.Warning);
                if (logs is not null)
                {
                    logging.AddProvider(logs);
                }
            },
        });

    private static async Task<GatewayUnderTest> StartAsync(GatewayHostSettings settings)
    {
        var app = GatewayHost.Build(settings);
        var gateway = new GatewayUnderTest(app, new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(60) });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        gateway.Client.BaseAddress = new Uri(address);
        return gateway;
    }

    /// <summary>Stops the gateway as the host does on SIGTERM (draining first, if built to).</summary>
    public Task StopAsync(CancellationToken cancellationToken) => _app.StopAsync(cancellationToken);

    /// <summary>Waits until the gateway has finished every request it received (a bounded wait).</summary>
    public Task WaitUntilIdleAsync() => Poll.UntilAsync(() => ActiveRequests == 0, "the gateway to finish its requests");

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        _requests.Dispose();
        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(stopping.Token);
        await _app.DisposeAsync();
    }
}
