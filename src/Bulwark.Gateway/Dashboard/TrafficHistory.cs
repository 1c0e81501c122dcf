using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Bulwark.AspNetCore.Telemetry;
using Bulwark.Gateway.Routing;

namespace Bulwark.Gateway.Dashboard;

/// <summary>
/// The operator page's charts: per second, the requests on the gateway's routes (with those answered 5xx) and the attempts
/// sent to each provider (with those that failed, and those its breaker or bulkhead refused), with their durations. Read
/// from the gateway's own <c>Bulwark</c> meter as it records — <c>http.server.request.duration</c>,
/// <c>http.client.request.duration</c> and <c>bulwark.rejections</c>, of this gateway's meter factory only — so it counts
/// exactly what <c>/metrics</c> counts, and costs nothing on the request path beyond the listener's callback. Seconds come
/// from the <see cref="TimeProvider"/>'s monotonic clock.
/// </summary>
internal sealed class TrafficHistory : IDisposable
{
    private const string ServerDuration = "http.server.request.duration";
    private const string ClientDuration = "http.client.request.duration";
    private const string Rejections = "bulwark.rejections";
    private const string RouteTag = "http.route";
    private const string StatusTag = "http.response.status_code";
    private const string ProviderTag = "bulwark.provider";
    private const string OutcomeTag = "bulwark.attempt.outcome";

    private readonly LiveGatewayConfiguration _live;
    private readonly TimeProvider _time;
    private readonly long _startTimestamp;
    private readonly long _startSecond;
    private readonly ConcurrentDictionary<string, TrafficSeries> _providers = new(StringComparer.Ordinal);
    private readonly Lock _pruning = new();
    private MeterListener? _listener;
    private RouteSet? _routes;

    public TrafficHistory(LiveGatewayConfiguration live, TimeProvider time)
    {
        _live = live;
        _time = time;
        _startTimestamp = time.GetTimestamp();
        _startSecond = time.GetUtcNow().ToUnixTimeSeconds();
    }

    /// <summary>Gets the requests on the gateway's routes.</summary>
    public TrafficSeries Gateway { get; } = new();

    /// <summary>Gets the second now, as Unix seconds (counted on the monotonic clock from the wall-clock second at start).</summary>
    public long CurrentSecond => _startSecond + (long)(_time.GetElapsedTime(_startTimestamp).Ticks / TimeSpan.TicksPerSecond);

    /// <summary>Starts listening to the instruments of the meters <paramref name="meters"/> creates (this gateway's, not another's in the same process).</summary>
    public void Listen(IMeterFactory meters)
    {
        if (_listener is not null)
        {
            return;
        }

        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (ReferenceEquals(instrument.Meter.Scope, meters) && instrument.Meter.Name == BulwarkTelemetry.MeterName
                    && instrument.Name is ServerDuration or ClientDuration or Rejections)
                {
                    listener.EnableMeasurementEvents(instrument, this);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>(static (instrument, value, tags, state) => ((TrafficHistory)state!).OnDuration(instrument, value, tags));
        listener.SetMeasurementEventCallback<long>(static (_, _, tags, state) => ((TrafficHistory)state!).OnRejection(tags));
        _listener = listener;
        listener.Start();
    }

    /// <summary>Gets how many providers have a series.</summary>
    public int ProviderSeriesCount => _providers.Count;

    /// <summary>Gets a provider's series, or <see langword="null"/> if it has had no traffic.</summary>
    public TrafficSeries? Provider(string name) => _providers.TryGetValue(name, out var series) ? series : null;

    /// <summary>Records a request the gateway answered; only one on a route of the configuration in force counts.</summary>
    public void RecordRequest(string? route, int status, double seconds)
    {
        if (route is not null && Routes().Contains(route))
        {
            Gateway.Record(CurrentSecond, seconds * 1000, failed: status >= StatusCodes.Status500InternalServerError);
        }
    }

    /// <summary>Records an attempt that reached a provider; a cancelled one (the client left) is no provider's failure and is left out.</summary>
    public void RecordAttempt(string provider, string? outcome, double seconds)
    {
        if (outcome == "cancelled" || SeriesOf(provider) is not { } series)
        {
            return;
        }

        series.Record(CurrentSecond, seconds * 1000, failed: outcome != "success");
    }

    /// <summary>Records an attempt a provider's breaker, bulkhead or rate limiter refused.</summary>
    public void RecordRejection(string provider) => SeriesOf(provider)?.RecordRejection(CurrentSecond);

    public void Dispose() => _listener?.Dispose();

    private void OnDuration(Instrument instrument, double seconds, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (instrument.Name == ServerDuration)
        {
            string? route = null;
            int status = 0;
            foreach (var tag in tags)
            {
                if (tag.Key == RouteTag)
                {
                    route = tag.Value as string;
                }
                else if (tag.Key == StatusTag && tag.Value is int code)
                {
                    status = code;
                }
            }

            RecordRequest(route, status, seconds);
            return;
        }

        string? provider = null, outcome = null;
        foreach (var tag in tags)
        {
            if (tag.Key == ProviderTag)
            {
                provider = tag.Value as string;
            }
            else if (tag.Key == OutcomeTag)
            {
                outcome = tag.Value as string;
            }
        }

        if (provider is not null)
        {
            RecordAttempt(provider, outcome, seconds);
        }
    }

    private void OnRejection(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == ProviderTag && tag.Value is string provider)
            {
                RecordRejection(provider);
                return;
            }
        }
    }

    private TrafficSeries? SeriesOf(string provider)
    {
        if (_providers.TryGetValue(provider, out var series))
        {
            return series;
        }

        if (_providers.Count >= DashboardConstants.MaxProviderSeries)
        {
            Prune();
            if (_providers.Count >= DashboardConstants.MaxProviderSeries)
            {
                return null;
            }
        }

        return _providers.GetOrAdd(provider, static _ => new TrafficSeries());
    }

    /// <summary>Drops the series of providers a reload removed, to make room for new ones.</summary>
    private void Prune()
    {
        lock (_pruning)
        {
            var configured = _live.Table.Providers;
            foreach (var name in _providers.Keys)
            {
                if (!configured.ContainsKey(name))
                {
                    _providers.TryRemove(name, out _);
                }
            }
        }
    }

    private HashSet<string> Routes()
    {
        var table = _live.Table;
        var routes = Volatile.Read(ref _routes);
        if (routes is null || !ReferenceEquals(routes.Table, table))
        {
            routes = new RouteSet(table, new HashSet<string>(table.Routes.Select(static r => r.Path), StringComparer.Ordinal));
            Volatile.Write(ref _routes, routes);
        }

        return routes.Paths;
    }

    private sealed record RouteSet(GatewayRouteTable Table, HashSet<string> Paths);
}
