using System.Security.Cryptography;
using System.Threading.Channels;
using Bulwark.AspNetCore.Telemetry;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Routing;
using Bulwark.Pipelines;
using Microsoft.Extensions.Options;

namespace Bulwark.Gateway.Reload;

/// <summary>
/// Follows the gateway's configuration file: on a file-system event (after a short pause for the writer to finish) or
/// every <see cref="GatewayReloadOptions.PollInterval"/>, it compares the file's content with the last seen, and when it
/// changed, validates it exactly as <c>serve</c> and <c>check-config</c> do (<see cref="ConfigurationFileSource.LoadAsync"/>).
/// A valid file is applied whole: providers whose pipeline is unchanged keep their pipeline instance (breaker, bulkhead,
/// retry budget); those whose pipeline changed get a new one with the old breaker's state restored. An invalid or
/// unreadable file is logged with every error, and the last good configuration keeps serving.
/// </summary>
/// <remarks>
/// Its own reading of the file, rather than the configuration system's <c>reloadOnChange</c>: that would empty the
/// application's configuration while a half-written file fails to parse, and reload every setting, the ones read only at
/// start-up included. Checks run one at a time, on one loop.
/// </remarks>
internal sealed partial class GatewayConfigurationReloader : BackgroundService
{
    private readonly ProviderAuth.ProviderAuthFactory? _auth;
    private readonly Bulwark.Persistence.CircuitBreakerStatePersistence? _persistence;
    private readonly Bulwark.SharedState.CircuitBreakerStateSharing? _sharing;
    private readonly ConfigurationFileSource _source;
    private readonly string _path;
    private readonly LiveGatewayConfiguration _live;
    private readonly ConfigurationReloadStatus _status;
    private readonly BulwarkMetrics? _metrics;
    private readonly Bulwark.AspNetCore.ProviderHealth.ProviderStatisticsRegistry? _statistics;
    private readonly GatewayEnvironment _environment;
    private readonly TimeProvider _timeProvider;
    private readonly ILoggerFactory _loggerFactory;
    private readonly Polly.Telemetry.TelemetryOptions _telemetryOptions;
    private readonly ILogger _logger;
    private readonly Dictionary<string, string> _startedWith;
    private readonly Channel<byte> _signals = Channel.CreateBounded<byte>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private string? _lastSeen;

    public GatewayConfigurationReloader(
        ConfigurationFileSource source,
        LiveGatewayConfiguration live,
        ConfigurationReloadStatus status,
        GatewayEnvironment environment,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory,
        ConfigurationFileState? startedFrom = null,
        BulwarkMetrics? metrics = null,
        Bulwark.AspNetCore.ProviderHealth.ProviderStatisticsRegistry? statistics = null,
        Bulwark.Persistence.CircuitBreakerStatePersistence? persistence = null,
        Bulwark.SharedState.CircuitBreakerStateSharing? sharing = null,
        ProviderAuth.ProviderAuthFactory? auth = null,
        IOptions<Polly.Telemetry.TelemetryOptions>? telemetryOptions = null)
    {
        _auth = auth;
        _persistence = persistence;
        _sharing = sharing;
        _source = source;
        _path = Path.GetFullPath(source.Path);
        _live = live;
        _status = status;
        _metrics = metrics;
        _statistics = statistics;
        _environment = environment;
        _timeProvider = timeProvider;
        _loggerFactory = loggerFactory;
        _telemetryOptions = telemetryOptions?.Value ?? new Polly.Telemetry.TelemetryOptions();
        _logger = loggerFactory.CreateLogger<GatewayConfigurationReloader>();
        _startedWith = ReloadableSettings.Flatten(live.Configuration);

        // The content the gateway started from, so that the first check finds nothing new.
        _lastSeen = startedFrom is null ? Fingerprint(_path) : startedFrom.Fingerprint;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var options = _live.Options.Reload;
        if (!options.Enabled)
        {
            Log.Disabled(_logger);
            return;
        }

        using var debounce = _timeProvider.CreateTimer(static s => ((GatewayConfigurationReloader)s!).Signal(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        using var poll = options.PollInterval > TimeSpan.Zero
            ? _timeProvider.CreateTimer(static s => ((GatewayConfigurationReloader)s!).Signal(), this, options.PollInterval, options.PollInterval)
            : null;
        using var watcher = Watch(debounce, options.PollInterval);
        _status.Watching(options.PollInterval);
        Log.Watching(_logger, Path.GetFileName(_path), watcher is not null, options.PollInterval.TotalSeconds);

        // A change made between reading the configuration at start-up and watching it is found now.
        Signal();

        try
        {
            while (await _signals.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                _signals.Reader.TryRead(out _);
                try
                {
                    await CheckAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // Never the end of watching: the last good configuration serves, and the next change is tried.
                    Log.ReloadFailed(_logger, e);
                    Reject([$"The reload failed unexpectedly: {e.Message}"]);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>Asks for a check; a check already asked for and not yet started covers this one.</summary>
    private void Signal() => _signals.Writer.TryWrite(0);

    private FileSystemWatcher? Watch(ITimer debounce, TimeSpan pollInterval)
    {
        string directory = Path.GetDirectoryName(_path)!;
        string name = Path.GetFileName(_path);
        FileSystemWatcher? watcher = null;
        try
        {
            // The directory only, not its subdirectories; the file, or a Kubernetes ConfigMap's "..data" link swap.
            watcher = new FileSystemWatcher(directory)
            {
                IncludeSubdirectories = false,
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
            };
            FileSystemEventHandler changed = (_, e) =>
            {
                if (string.Equals(e.Name, name, StringComparison.Ordinal) || e.Name?.StartsWith("..", StringComparison.Ordinal) == true
                    || (e is RenamedEventArgs renamed && string.Equals(renamed.OldName, name, StringComparison.Ordinal)))
                {
                    debounce.Change(GatewayConstants.ReloadDebounce, Timeout.InfiniteTimeSpan);
                }
            };
            watcher.Changed += changed;
            watcher.Created += changed;
            watcher.Deleted += changed;
            watcher.Renamed += (sender, e) => changed(sender, e);
            watcher.Error += (_, e) => Log.WatcherError(_logger, e.GetException());
            watcher.EnableRaisingEvents = true;
            return watcher;
        }
        catch (Exception e) when (e is IOException or ArgumentException or PlatformNotSupportedException or UnauthorizedAccessException)
        {
            // Out of inotify watches, say: polling still finds changes.
            watcher?.Dispose();
            Log.WatcherUnavailable(_logger, e.Message, pollInterval.TotalSeconds);
            return null;
        }
    }

    private async Task CheckAsync(CancellationToken cancellationToken)
    {
        var at = _timeProvider.GetUtcNow();
        byte[] content;
        try
        {
            content = await File.ReadAllBytesAsync(_path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            string unreadable = "unreadable: " + e.GetType().Name;
            if (unreadable != _lastSeen)
            {
                _lastSeen = unreadable;
                Reject([$"The configuration file cannot be read: {e.Message}"], at);
            }

            return;
        }

        string fingerprint = Convert.ToHexString(SHA256.HashData(content));
        if (fingerprint == _lastSeen)
        {
            return;
        }

        _lastSeen = fingerprint;
        LoadedGatewayConfiguration loaded;
        try
        {
            // The bytes just read, not the file again: what is validated is what was fingerprinted. The same checks as
            // check-config: the options, then every component's start-up validation.
            loaded = await _source.LoadAsync(System.Text.Encoding.UTF8.GetString(content)).ConfigureAwait(false);
        }
        catch (OptionsValidationException e)
        {
            Reject([.. e.Failures], at);
            return;
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or System.Text.Json.JsonException)
        {
            Reject([$"The configuration file is not valid JSON: {e.GetBaseException().Message}"], at);
            return;
        }

        await ApplyAsync(loaded, at, cancellationToken).ConfigureAwait(false);
    }

    private async Task ApplyAsync(LoadedGatewayConfiguration loaded, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var restartRequired = ReloadableSettings.RestartRequired(_startedWith, ReloadableSettings.Flatten(loaded.Configuration));
        // The same Polly telemetry as the pipelines built at start (BulwarkPipelineProvider): the breakers' own events
        // stay out of the default log there too (BreakerEventSeverity).
        var telemetry = new Polly.Telemetry.TelemetryOptions(_telemetryOptions) { LoggerFactory = _loggerFactory };
        var table = new GatewayRouteTable(
            loaded.Options,
            loaded.Configuration,
            (name, options, instance) => BulwarkPipelineFactory.Create(name, instance, options, _timeProvider, telemetry),
            _timeProvider,
            _environment,
            previous: _live.Table,
            auth: _auth);

        // A provider whose pipeline changed starts from its old breaker's state: open stays open, so the first request
        // after the reload does not go to a provider known to be down.
        int carried = 0;
        foreach (var (provider, old, replacement) in table.ReplacedPipelines)
        {
            if (old.CircuitBreaker is { IsBound: true } from && replacement.CircuitBreaker is { IsBound: true } to)
            {
                await to.RestoreAsync(from.CreateSnapshot(), cancellationToken).ConfigureAwait(false);
                carried++;
                Log.BreakerCarriedOver(_logger, provider, to.State.ToString());
            }
        }

        // Breakers of new or rebuilt pipelines are saved (and shared with the fleet) from now on, in place of the ones they replace.
        foreach (var provider in table.Providers.Values)
        {
            if (provider.Pipeline.CircuitBreaker is { IsBound: true } breaker && !_live.Table.Providers.Values.Any(p => ReferenceEquals(p.Pipeline, provider.Pipeline)))
            {
                _persistence?.Attach(provider.Pipeline.Name, provider.Pipeline.InstanceName, breaker, replace: true);
                _sharing?.Attach(provider.Pipeline.Name, provider.Pipeline.InstanceName, breaker, replace: true);
            }
        }

        var previous = _live.Table;
        int generation = _live.Apply(table, loaded.Options, loaded.Configuration);

        // A removed provider leaves the provider health report and its gauges.
        foreach (var name in previous.Providers.Keys)
        {
            if (!table.Providers.ContainsKey(name))
            {
                _statistics?.Forget(previous.Providers[name].Name);
            }
        }

        if (restartRequired.Count > 0)
        {
            Log.RestartRequired(_logger, restartRequired.Count, string.Join(", ", restartRequired));
        }

        Log.Applied(_logger, generation, table.Routes.Count, table.Providers.Count, table.KeptPipelines.Count, carried);
        _metrics?.RecordConfigurationReload(applied: true);
        _status.Record(new ConfigurationReloadResult(at, ConfigurationReloadOutcome.Applied, generation, [], restartRequired));
    }

    private void Reject(IReadOnlyList<string> errors, DateTimeOffset? at = null)
    {
        Log.Rejected(_logger, errors.Count, _live.Generation, string.Join(" | ", errors));
        foreach (var error in errors)
        {
            Log.Error(_logger, error);
        }

        _metrics?.RecordConfigurationReload(applied: false);
        _status.Record(new ConfigurationReloadResult(at ?? _timeProvider.GetUtcNow(), ConfigurationReloadOutcome.Rejected, _live.Generation, errors, []));
    }

    /// <summary>The file's content hash, or <see langword="null"/> when it cannot be read.</summary>
    public static string? Fingerprint(string path)
    {
        try
        {
            return Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
