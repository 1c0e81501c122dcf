using System.Globalization;
using Bulwark.AspNetCore.Providers;
using Bulwark.Bulkhead;
using Bulwark.Gateway.Alerts;

namespace Bulwark.Gateway.Forwarding;

/// <summary>
/// <c>bulkhead-saturated</c>, Warning, for each provider whose bulkhead rejected calls since the previous evaluation (its
/// typed outcome <c>BulkheadFull</c>), or is full now (every slot taken and its queue full). Labels: <c>provider</c>.
/// </summary>
internal sealed class BulkheadSignals(IBulwarkProviderCatalog catalog) : IAlertSignalSource
{
    public const string Rule = "bulkhead-saturated";

    // The handle as well as its count: a reload builds a new bulkhead whose count starts again from zero.
    private readonly Dictionary<string, (BulkheadHandle Handle, long Rejected)> _previous = new(StringComparer.Ordinal);

    public ValueTask<IReadOnlyList<AlertSignal>> EvaluateAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var signals = new List<AlertSignal>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var provider in catalog.Providers)
        {
            if (provider.Bulkhead is not { IsBound: true } bulkhead || !seen.Add(provider.Name))
            {
                continue;
            }

            long total = bulkhead.RejectedTotal;
            long before = _previous.TryGetValue(provider.Name, out var previous) && ReferenceEquals(previous.Handle, bulkhead) ? previous.Rejected : 0;
            _previous[provider.Name] = (bulkhead, total);
            long rejected = Math.Max(0, total - before);
            int active = bulkhead.Active;
            int queued = bulkhead.Queued;
            bool full = active >= bulkhead.MaxConcurrency && queued >= bulkhead.QueueLimit;
            if (rejected == 0 && !full)
            {
                continue;
            }

            signals.Add(new AlertSignal(
                Rule,
                new Dictionary<string, string>(StringComparer.Ordinal) { ["provider"] = provider.Name },
                AlertSeverity.Warning,
                $"Bulkhead of provider '{provider.Name}' is saturated",
                string.Create(CultureInfo.InvariantCulture, $"{rejected} call(s) rejected since the last evaluation; {active} of {bulkhead.MaxConcurrency} slots in use, {queued} of {bulkhead.QueueLimit} queued. Raise MaxConcurrency, or look for a slow provider holding its slots."),
                rejected));
        }

        foreach (string gone in _previous.Keys.Where(k => !seen.Contains(k)).ToList())
        {
            _previous.Remove(gone);
        }

        return ValueTask.FromResult<IReadOnlyList<AlertSignal>>(signals);
    }
}
