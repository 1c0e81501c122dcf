using Bulwark.CircuitBreaker;
using Bulwark.Gateway.Routing;
using Microsoft.Extensions.Primitives;

namespace Bulwark.Gateway.Dashboard;

/// <summary>
/// The last <see cref="DashboardConstants.TransitionCapacity"/> state changes of the providers' circuit breakers, newest
/// first. Follows the configuration in force: a reload's new breakers are watched, removed ones let go.
/// </summary>
internal sealed class BreakerTransitionLog : IDisposable
{
    private readonly LiveGatewayConfiguration _live;
    private readonly Lock _gate = new();
    private readonly Dictionary<CircuitBreakerHandle, (string Provider, EventHandler<CircuitTransition> Handler)> _watched = new(ReferenceEqualityComparer.Instance);
    private readonly LinkedList<BreakerTransitionRecord> _recent = new();
    private readonly IDisposable _reloads;

    public BreakerTransitionLog(LiveGatewayConfiguration live)
    {
        _live = live;
        Follow();
        _reloads = ChangeToken.OnChange(live.GetChangeToken, Follow);
    }

    /// <summary>Gets the transitions kept, newest first.</summary>
    public IReadOnlyList<BreakerTransitionRecord> Recent()
    {
        lock (_gate)
        {
            return [.. _recent];
        }
    }

    public void Dispose()
    {
        _reloads.Dispose();
        lock (_gate)
        {
            foreach (var (handle, (_, handler)) in _watched)
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
                if (provider.Pipeline.CircuitBreaker is not { } handle)
                {
                    continue;
                }

                current.Add(handle);
                if (!_watched.ContainsKey(handle))
                {
                    EventHandler<CircuitTransition> handler = (_, transition) => Record(name, transition);
                    handle.StateChanged += handler;
                    _watched.Add(handle, (name, handler));
                }
            }

            foreach (var handle in _watched.Keys.Where(h => !current.Contains(h)).ToList())
            {
                handle.StateChanged -= _watched[handle].Handler;
                _watched.Remove(handle);
            }
        }
    }

    private void Record(string provider, CircuitTransition transition)
    {
        lock (_gate)
        {
            _recent.AddFirst(new BreakerTransitionRecord(provider, transition));
            if (_recent.Count > DashboardConstants.TransitionCapacity)
            {
                _recent.RemoveLast();
            }
        }
    }
}

/// <summary>One state change of a provider's breaker.</summary>
internal sealed record BreakerTransitionRecord(string Provider, CircuitTransition Transition);
