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

    /// <summary>
    /// Starts the gateway from JSON, with a store of its own unless <paramref name="storePath"/> names one, recording its
    /// logs from <paramref name="minimumLogLevel"/> up in <paramref name="logs"/> when given.
    /// </summary>
    public static Task<GatewayUnderTest> StartAsync(
        string json,
        IReadOnlyDictionary<string, string>? environment = null,
        TimeProvider? timeProvider = null,
        string? bodyBufferDirectory = null,
        string? storePath = null,
        RecordingLoggerProvider? logs = null,
        LogLevel minimumLogLevel = LogLevel.Warning) =>
        StartAsync(Settings(json, environment, timeProvider, logs, minimumLogLevel) with
        {
            BodyBufferDirectory = bodyBufferDirectory,
            StorePath = storePath ?? TestStore.NewPath(),
        });

    /// <summary>
    /// How <see cref="StartAsync(string, IReadOnlyDictionary{string, string}?, TimeProvider?, string?, string?, RecordingLoggerProvider?, LogLevel)"/>
    /// builds the gateway, but with the store the configuration names (<c>Bulwark:Storage</c>): for a test to change
    /// more of the settings, then start it with <see cref="StartAsync(GatewayHostSettings)"/>.
    /// </summary>
    public static GatewayHostSettings Settings(
        string json,
        IReadOnlyDictionary<string, string>? environment = null,
        TimeProvider? timeProvider = null,
        RecordingLoggerProvider? logs = null,
        LogLevel minimumLogLevel = LogLevel.Warning) =>
        new(null, json, ["http://127.0.0.1:0"])
        {
            Environment = name => environment is not null && environment.TryGetValue(name, out var value) ? value : null,
            EnvironmentNames = () => environment?.Keys ?? Enumerable.Empty<string>(),
            EnvironmentOverrides = false,
            TimeProvider = timeProvider,
            MinimumLogLevel = minimumLogLevel,
            Logging = logs is null ? null : logging => RecordTo(logging, logs),
        };

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
                if (logs is not null)
                {
                    RecordTo(logging, logs);
                }
                else
                {
                    QuietConsole(logging);
                }
            },
        });

    public static async Task<GatewayUnderTest> StartAsync(GatewayHostSettings settings)
    {
        var app = GatewayHost.Build(settings);
        var gateway = new GatewayUnderTest(app, new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(60) });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        gateway.Client.BaseAddress = new Uri(address);
        return gateway;
    }

    /// <summary>Adds <paramref name="logs"/> to the gateway's logging; its JSON console (alias <c>Console</c>) keeps to warnings.</summary>
    private static void RecordTo(ILoggingBuilder logging, RecordingLoggerProvider logs)
    {
        QuietConsole(logging);
        logging.AddProvider(logs);
    }

    /// <summary>Keeps the gateway's JSON console to warnings whatever the minimum level (its provider's alias is <c>Console</c>).</summary>
    private static void QuietConsole(ILoggingBuilder logging) =>
        logging.Services.Configure<LoggerFilterOptions>(static filters => filters.Rules.Add(new LoggerFilterRule("Console", null, LogLevel.Warning, null)));

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
