using System.Collections.Concurrent;
using Bulwark.Persistence;
using Bulwark.SharedState;
using Bulwark.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.Telemetry;

namespace Bulwark.Pipelines;

/// <summary>Builds named pipeline instances on first use and caches them.</summary>
internal sealed partial class BulwarkPipelineProvider : IBulwarkPipelineProvider
{
    private readonly BulwarkOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly TelemetryOptions? _telemetry;
    private readonly ConcurrentDictionary<(string Name, string Instance), Lazy<BulwarkPipeline>> _instances = new(new KeyComparer());

    private readonly CircuitBreakerStatePersistence? _persistence;
    private readonly CircuitBreakerStateSharing? _sharing;

    public BulwarkPipelineProvider(
        IOptions<BulwarkOptions> options,
        TimeProvider timeProvider,
        ILoggerFactory? loggerFactory = null,
        CircuitBreakerStatePersistence? persistence = null,
        CircuitBreakerStateSharing? sharing = null,
        IOptions<TelemetryOptions>? telemetryOptions = null,
        ConfigurationWarningLog? warnings = null)
    {
        _persistence = persistence;
        _sharing = sharing;
        _options = options.Value;
        _timeProvider = timeProvider;
        // Polly's own telemetry options as the application configured them (IOptions<TelemetryOptions>: severities,
        // enrichers, listeners, result formatter), logging through the container's logger factory, which replaces any
        // factory set there. Without a logger factory, pipelines have no telemetry, as before.
        _telemetry = loggerFactory is null ? null : new TelemetryOptions(telemetryOptions?.Value ?? new TelemetryOptions()) { LoggerFactory = loggerFactory };
        (warnings ?? new ConfigurationWarningLog(() => _options, loggerFactory)).LogOnce();
    }

    public IReadOnlyCollection<string> PipelineNames => [.. _options.Pipelines.Keys];

    public BulwarkPipeline GetPipeline(string name) => GetPipeline(name, name);

    public BulwarkPipeline GetPipeline(string name, string instanceName)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(instanceName);
        if (!_options.Pipelines.TryGetValue(name, out var pipelineOptions) || pipelineOptions is null)
        {
            throw new KeyNotFoundException(
                $"No Bulwark pipeline named '{name}' is configured. Configured pipelines: {string.Join(", ", _options.Pipelines.Keys.Order(StringComparer.Ordinal))}.");
        }

        return _instances.GetOrAdd(
            (name, instanceName),
            static (key, state) => new Lazy<BulwarkPipeline>(() => state.self.Create(key.Name, key.Instance, state.pipelineOptions)),
            (self: this, pipelineOptions)).Value;
    }

    private BulwarkPipeline Create(string name, string instanceName, BulwarkPipelineOptions options)
    {
        var pipeline = BulwarkPipelineFactory.Create(name, instanceName, options, _timeProvider, _telemetry);
        if (pipeline.CircuitBreaker is { } breaker)
        {
            _persistence?.Attach(name, instanceName, breaker);
            _sharing?.Attach(name, instanceName, breaker);
        }

        return pipeline;
    }

    private sealed class KeyComparer : IEqualityComparer<(string Name, string Instance)>
    {
        public bool Equals((string Name, string Instance) x, (string Name, string Instance) y) =>
            StringComparer.OrdinalIgnoreCase.Equals(x.Name, y.Name) && StringComparer.OrdinalIgnoreCase.Equals(x.Instance, y.Instance);

        public int GetHashCode((string Name, string Instance) obj) =>
            HashCode.Combine(StringComparer.OrdinalIgnoreCase.GetHashCode(obj.Name), StringComparer.OrdinalIgnoreCase.GetHashCode(obj.Instance));
    }

}
