using Bulwark.Gateway.Configuration;
using Microsoft.Extensions.Primitives;

namespace Bulwark.Gateway.Routing;

/// <summary>
/// The configuration in force: its route table, options and the configuration they came from, swapped whole by a reload
/// (as YARP's <c>ProxyConfigManager</c> swaps its endpoints) and announced through a change token, so the routing
/// rebuilds its endpoints at once. A request keeps the route it matched, and with it that route's providers, to the end.
/// </summary>
internal sealed class LiveGatewayConfiguration
{
    private readonly Lock _gate = new();
    private Snapshot _current;
    private CancellationTokenSource _changes = new();
    private IChangeToken _changeToken;
    private int _generation = 1;

    public LiveGatewayConfiguration(GatewayRouteTable table, GatewayOptions options, IConfiguration configuration)
    {
        _current = new Snapshot(table, options, configuration, Generation: 1);
        _changeToken = new CancellationChangeToken(_changes.Token);
    }

    /// <summary>Gets the route table in force.</summary>
    public GatewayRouteTable Table => Volatile.Read(ref _current).Table;

    /// <summary>Gets the options in force (for the settings a reload changes; the others keep their start-up values).</summary>
    public GatewayOptions Options => Volatile.Read(ref _current).Options;

    /// <summary>Gets the configuration the options in force were read from.</summary>
    public IConfiguration Configuration => Volatile.Read(ref _current).Configuration;

    /// <summary>
    /// Gets the number of configurations applied so far: 1 at start, one more per applied reload — counted once the
    /// routing has the new configuration's endpoints.
    /// </summary>
    public int Generation => Volatile.Read(ref _generation);

    /// <summary>Gets a token that fires when a new configuration is applied.</summary>
    public IChangeToken GetChangeToken()
    {
        lock (_gate)
        {
            return _changeToken;
        }
    }

    /// <summary>Puts a new configuration in force and fires the change token; returns its generation.</summary>
    public int Apply(GatewayRouteTable table, GatewayOptions options, IConfiguration configuration)
    {
        CancellationTokenSource fired;
        int generation;
        lock (_gate)
        {
            generation = _current.Generation + 1;
            Volatile.Write(ref _current, new Snapshot(table, options, configuration, generation));
            fired = _changes;
            _changes = new CancellationTokenSource();
            _changeToken = new CancellationChangeToken(_changes.Token);
        }

        // Outside the lock: the routing reads the endpoints (and so the table) from the token's callbacks.
        fired.Cancel();
        fired.Dispose();
        Volatile.Write(ref _generation, generation);
        return generation;
    }

    private sealed record Snapshot(GatewayRouteTable Table, GatewayOptions Options, IConfiguration Configuration, int Generation);
}
