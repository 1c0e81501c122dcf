using System.Diagnostics;
using Bulwark.CircuitBreaker;
using Bulwark.Gateway.Routing;

namespace Bulwark.Gateway.Demo;

/// <summary>Records every state change of each provider's circuit breaker in the gateway, until disposed.</summary>
internal sealed class BreakerWatch : IDisposable
{
    private readonly List<(CircuitBreakerHandle Handle, EventHandler<CircuitTransition> Handler)> _subscriptions = [];
    private readonly List<BreakerTransition> _transitions = [];
    private long _started = Stopwatch.GetTimestamp();

    public BreakerWatch(GatewayRouteTable routes)
    {
        foreach (var (name, provider) in routes.Providers)
        {
            if (provider.Pipeline.CircuitBreaker is not { } handle)
            {
                continue;
            }

            EventHandler<CircuitTransition> handler = (_, transition) => Record(name, transition);
            handle.StateChanged += handler;
            _subscriptions.Add((handle, handler));
        }
    }

    /// <summary>Gets the transitions so far, in the order they happened.</summary>
    public IReadOnlyList<BreakerTransition> Transitions
    {
        get
        {
            lock (_transitions)
            {
                return [.. _transitions];
            }
        }
    }

    /// <summary>Measures offsets from now on.</summary>
    public void Restart() => Interlocked.Exchange(ref _started, Stopwatch.GetTimestamp());

    public void Dispose()
    {
        foreach (var (handle, handler) in _subscriptions)
        {
            handle.StateChanged -= handler;
        }

        _subscriptions.Clear();
    }

    private void Record(string provider, CircuitTransition transition)
    {
        var offset = Stopwatch.GetElapsedTime(Interlocked.Read(ref _started));
        lock (_transitions)
        {
            _transitions.Add(new BreakerTransition(offset, provider, transition));
        }
    }
}
