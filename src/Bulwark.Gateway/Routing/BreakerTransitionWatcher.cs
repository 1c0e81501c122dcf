using Bulwark.CircuitBreaker;
using Microsoft.Extensions.Primitives;

namespace Bulwark.Gateway.Routing;

/// <summary>
/// Follows the circuit breakers of the configuration in force and raises <see cref="Transitioned"/> for every state change
/// of each, with the provider it belongs to: each breaker is subscribed to once, whatever the number of listeners. A
/// reload's new breakers are watched, removed ones let go; disposing lets every breaker go.
/// </summary>
internal sealed class BreakerTransitionWatcher : IDisposable
{
    private readonly LiveGatewayConfiguration _live;
    private readonly Lock _gate = new();
    private readonly Dictionary<CircuitBreakerHandle, EventHandler<CircuitTransition>> _watched = new(ReferenceEqualityComparer.Instance);
    private readonly IDisposable _reloads;
    private bool _disposed;

    public BreakerTransitionWatcher(LiveGatewayConfiguration live)
    {
        _live = live;
        Follow();
        _reloads = ChangeToken.OnChange(live.GetChangeToken, Follow);
    }

    /// <summary>
    /// Raised after every state change of a watched breaker, on the thread that raised the breaker's own event; a listener
    /// sees the changes from the moment it subscribes.
    /// </summary>
    public event EventHandler<ProviderBreakerTransition>? Transitioned;

    public void Dispose()
    {
        _reloads.Dispose();
        lock (_gate)
        {
            _disposed = true;
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
            // A reload's callback may still run once the watcher is disposed: it must not take breakers back.
            if (_disposed)
            {
                return;
            }

            var current = new HashSet<CircuitBreakerHandle>(ReferenceEqualityComparer.Instance);
            foreach (var (name, provider) in table.Providers)
            {
                // A breaker shared by several providers is watched once, under the first provider's name.
                if (provider.Pipeline.CircuitBreaker is not { } handle || !current.Add(handle) || _watched.ContainsKey(handle))
                {
                    continue;
                }

                EventHandler<CircuitTransition> handler = (_, transition) => Transitioned?.Invoke(this, new ProviderBreakerTransition(name, transition));
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
}
