using System.Globalization;
using Bulwark.Deliveries;
using Bulwark.Gateway.Alerts;
using Bulwark.Storage;

namespace Bulwark.Gateway.Deferral;

/// <summary>
/// <c>dead-letters</c>, Warning, for each delivery queue (a deferring route's path, or an alert channel's queue) holding dead
/// deliveries: given up after their attempts or their time to live, waiting for an operator to replay or purge them
/// (<c>/admin/deliveries?state=dead</c>). Labels: <c>queue</c>. The store is counted at every evaluation; the dead entries
/// are listed again only when their count changed.
/// </summary>
internal sealed class DeadLetterSignals(IDeliveryStore store) : IAlertSignalSource
{
    public const string Rule = "dead-letters";

    /// <summary>The most dead entries read to split the count by queue.</summary>
    private const int ListLimit = 10_000;

    private long _listedFor;
    private IReadOnlyList<(string Queue, long Count)> _byQueue = [];

    public async ValueTask<IReadOnlyList<AlertSignal>> EvaluateAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        long dead;
        try
        {
            dead = (await store.CountAsync(cancellationToken).ConfigureAwait(false)).GetValueOrDefault(DeliveryState.Dead);
            if (dead == 0)
            {
                _listedFor = 0;
                _byQueue = [];
                return [];
            }

            if (dead != _listedFor)
            {
                var entries = await store.ListAsync(DeliveryState.Dead, ListLimit, cancellationToken).ConfigureAwait(false);
                _byQueue = [.. entries.GroupBy(static e => e.Queue, StringComparer.Ordinal).Select(static g => (g.Key, (long)g.Count())).OrderBy(static q => q.Item1, StringComparer.Ordinal)];
                _listedFor = dead;
            }
        }
        catch (StoreUnavailableException)
        {
            // store-degraded says so; the dead letters last seen are still there as far as anyone knows (reporting none
            // would resolve their alert while they wait).
            dead = _listedFor;
        }

        var signals = new List<AlertSignal>(_byQueue.Count);
        foreach (var (queue, count) in _byQueue)
        {
            signals.Add(new AlertSignal(
                Rule,
                new Dictionary<string, string>(StringComparer.Ordinal) { ["queue"] = queue },
                AlertSeverity.Warning,
                string.Create(CultureInfo.InvariantCulture, $"{count} dead deliveries in queue '{queue}'"),
                string.Create(CultureInfo.InvariantCulture, $"Deliveries given up after their attempts or time to live ({dead} dead in all). List them with GET /admin/deliveries?state=dead, then replay or purge them."),
                count));
        }

        return signals;
    }
}
