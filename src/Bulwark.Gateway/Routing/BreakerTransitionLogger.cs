using System.Globalization;
using Bulwark.CircuitBreaker;
using Microsoft.Extensions.Primitives;
using Polly.CircuitBreaker;

namespace Bulwark.Gateway.Routing;

/// <summary>
/// Logs every state change of every provider's circuit breaker — opened, half-opened, closed, isolated, reset, restored —
/// with the provider, the states before and after and the reason: Warning when the breaker stops serving (to Open or
/// Isolated), Information otherwise, so the default configuration (Information) shows each. Follows the configuration
/// in force: a reload's new breakers are watched, removed ones let go.
/// </summary>
internal sealed partial class BreakerTransitionLogger : IHostedService, IDisposable
{
    private readonly LiveGatewayConfiguration _live;
    private readonly ILogger<BreakerTransitionLogger> _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<CircuitBreakerHandle, EventHandler<CircuitTransition>> _watched = new(ReferenceEqualityComparer.Instance);
    private IDisposable? _reloads;

    public BreakerTransitionLogger(LiveGatewayConfiguration live, ILogger<BreakerTransitionLogger> logger)
    {
        _live = live;
        _logger = logger;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        Follow();
        _reloads = ChangeToken.OnChange(_live.GetChangeToken, Follow);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
        _reloads?.Dispose();
        lock (_gate)
        {
            foreach (var (handle, handler) in _watched)
            {
                handle.StateChanged -= handler;
            }

            _watched.Clear();
        }
    }

    private void Follow()
    {
        var table = _live.Table;
        lock (_gate)
        {
            var current = new HashSet<CircuitBreakerHandle>(ReferenceEqualityComparer.Instance);
            foreach (var (name, provider) in table.Providers)
            {
                if (provider.Pipeline.CircuitBreaker is not { } handle || !current.Add(handle) || _watched.ContainsKey(handle))
                {
                    continue;
                }

                EventHandler<CircuitTransition> handler = (_, transition) => Write(name, transition);
                handle.StateChanged += handler;
                _watched.Add(handle, handler);
            }

            foreach (var handle in _watched.Keys.Where(h => !current.Contains(h)).ToList())
            {
                handle.StateChanged -= _watched[handle];
                _watched.Remove(handle);
            }
        }
    }

    private void Write(string provider, CircuitTransition transition)
    {
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
