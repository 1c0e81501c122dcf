using System.Diagnostics.Metrics;

namespace Bulwark.Deliveries;

/// <summary>
/// Deferred delivery's instruments, on the <c>Bulwark</c> meter: entries accepted, attempts by result, entries finished
/// by outcome, and the entries in each state (as of the dispatcher's last pass). Without an <see cref="IMeterFactory"/>
/// nothing is recorded.
/// </summary>
internal sealed class DeliveryMetrics
{
    public const string MeterName = "Bulwark";

    private readonly Counter<long>? _accepted;
    private readonly Counter<long>? _attempts;
    private readonly Counter<long>? _completed;
    private IReadOnlyDictionary<DeliveryState, long> _counts = new Dictionary<DeliveryState, long>();

    public DeliveryMetrics(IMeterFactory? meterFactory)
    {
        if (meterFactory is null)
        {
            return;
        }

        var meter = meterFactory.Create(new MeterOptions(MeterName));
        _accepted = meter.CreateCounter<long>("bulwark.deliveries.accepted", "{delivery}", "Requests or operations stored for later delivery.");
        _attempts = meter.CreateCounter<long>("bulwark.deliveries.attempts", "{attempt}", "Delivery attempts by result: delivered, refused or failed.");
        _completed = meter.CreateCounter<long>("bulwark.deliveries.completed", "{delivery}", "Deliveries finished, by outcome: delivered or dead.");
        meter.CreateObservableGauge("bulwark.deliveries.entries", ObserveCounts, "{delivery}", "Stored deliveries in each state, as of the dispatcher's last pass.");
    }

    public void Accepted(string queue) => _accepted?.Add(1, new KeyValuePair<string, object?>("bulwark.queue", queue));

    public void Attempted(string queue, DeliveryState outcome) =>
        _attempts?.Add(1, new KeyValuePair<string, object?>("bulwark.queue", queue), new KeyValuePair<string, object?>("bulwark.result", outcome switch
        {
            DeliveryState.Delivered => "delivered",
            DeliveryState.Dead => "refused",
            _ => "failed",
        }));

    public void Completed(string queue, DeliveryState state) =>
        _completed?.Add(1, new KeyValuePair<string, object?>("bulwark.queue", queue), new KeyValuePair<string, object?>("bulwark.outcome", state == DeliveryState.Delivered ? "delivered" : "dead"));

    public void SetCounts(IReadOnlyDictionary<DeliveryState, long> counts) => Volatile.Write(ref _counts, counts);

    private IEnumerable<Measurement<long>> ObserveCounts()
    {
        foreach (var (state, count) in Volatile.Read(ref _counts))
        {
            yield return new Measurement<long>(count, new KeyValuePair<string, object?>("bulwark.state", DeliveryStateNames.Of(state)));
        }
    }
}
