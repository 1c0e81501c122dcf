using System.Globalization;
using Bulwark.CircuitBreaker;
using Polly.CircuitBreaker;

namespace Bulwark.Gateway.Routing;

/// <summary>
/// Logs every state change of every provider's circuit breaker — opened, half-opened, closed, isolated, reset, restored —
/// with the provider, the states before and after and the reason: Warning when the breaker stops serving (to Open or
/// Isolated), Information otherwise, so the default configuration (Information) shows each. Follows the configuration
/// in force through <see cref="BreakerTransitionWatcher"/>, from the moment the host starts.
/// </summary>
internal sealed partial class BreakerTransitionLogger : IHostedService, IDisposable
{
    private readonly BreakerTransitionWatcher _watcher;
    private readonly ILogger<BreakerTransitionLogger> _logger;
    private int _listening;

    public BreakerTransitionLogger(BreakerTransitionWatcher watcher, ILogger<BreakerTransitionLogger> logger)
    {
        _watcher = watcher;
        _logger = logger;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _listening, 1) == 0)
        {
            _watcher.Transitioned += Write;
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _watcher.Transitioned -= Write;

    private void Write(object? sender, ProviderBreakerTransition change)
    {
        var (provider, transition) = change;
        string rate = transition.FailureRate.ToString("0.###", CultureInfo.InvariantCulture);
        if (transition.To is CircuitState.Open or CircuitState.Isolated)
        {
            Log.Stopped(_logger, provider, transition.From, transition.To, transition.Reason, rate, transition.BreakDuration);
        }
        else
        {
            Log.Changed(_logger, provider, transition.From, transition.To, transition.Reason, rate);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.BreakerStopped, Level = LogLevel.Warning, Message = "Circuit breaker of provider {Provider}: {From} -> {To} ({Reason}); failure rate {FailureRate}, break {BreakDuration}")]
        public static partial void Stopped(ILogger logger, string provider, CircuitState from, CircuitState to, CircuitTransitionReason reason, string failureRate, TimeSpan breakDuration);

        [LoggerMessage(EventId = EventIds.BreakerChanged, Level = LogLevel.Information, Message = "Circuit breaker of provider {Provider}: {From} -> {To} ({Reason}); failure rate {FailureRate}")]
        public static partial void Changed(ILogger logger, string provider, CircuitState from, CircuitState to, CircuitTransitionReason reason, string failureRate);
    }
}
