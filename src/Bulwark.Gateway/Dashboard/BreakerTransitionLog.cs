using Bulwark.Gateway.Routing;

namespace Bulwark.Gateway.Dashboard;

/// <summary>
/// The last <see cref="DashboardConstants.TransitionCapacity"/> state changes of the providers' circuit breakers, newest
/// first, as <see cref="BreakerTransitionWatcher"/> reports them from the moment this log is created.
/// </summary>
internal sealed class BreakerTransitionLog : IDisposable
{
    private readonly BreakerTransitionWatcher _watcher;
    private readonly Lock _gate = new();
    private readonly LinkedList<ProviderBreakerTransition> _recent = new();

    public BreakerTransitionLog(BreakerTransitionWatcher watcher)
    {
        _watcher = watcher;
        watcher.Transitioned += Record;
    }

    /// <summary>Gets the transitions kept, newest first.</summary>
    public IReadOnlyList<ProviderBreakerTransition> Recent()
    {
        lock (_gate)
        {
            return [.. _recent];
        }
    }

    public void Dispose() => _watcher.Transitioned -= Record;

    private void Record(object? sender, ProviderBreakerTransition transition)
    {
        lock (_gate)
        {
            _recent.AddFirst(transition);
            if (_recent.Count > DashboardConstants.TransitionCapacity)
            {
                _recent.RemoveLast();
            }
        }
    }
}
