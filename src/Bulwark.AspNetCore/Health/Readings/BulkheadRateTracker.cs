using Bulwark.AspNetCore.Providers;
using Bulwark.Bulkhead;
using Microsoft.Extensions.Options;

namespace Bulwark.AspNetCore.Health.Readings;

/// <summary>Turns each bulkhead's cumulative <see cref="BulkheadHandle.RejectedTotal"/> into rejections per second.</summary>
internal sealed class BulkheadRateTracker(IBulwarkProviderCatalog catalog, TimeProvider time, IOptions<BulwarkHealthOptions> options)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<BulkheadHandle, (long Total, long Timestamp)> _baselines = new(ReferenceEqualityComparer.Instance);
    private readonly TimeSpan _interval = options.Value.RateSampleInterval;

    /// <summary>Takes the first baseline now, so the first health request already has something to measure against.</summary>
    public void Start() => Read();

    public IReadOnlyList<BulkheadReading> Read()
    {
        var readings = new List<BulkheadReading>();
        var now = time.GetTimestamp();
        lock (_lock)
        {
            foreach (var provider in catalog.Providers)
            {
                if (provider.Bulkhead is not { } bulkhead)
                {
                    continue;
                }

                var total = bulkhead.RejectedTotal;
                double rate = 0;
                if (_baselines.TryGetValue(bulkhead, out var baseline))
                {
                    var elapsed = time.GetElapsedTime(baseline.Timestamp, now);
                    if (elapsed > TimeSpan.Zero)
                    {
                        rate = Math.Round(Math.Max(0, total - baseline.Total) / elapsed.TotalSeconds, 3);
                    }

                    if (elapsed >= _interval)
                    {
                        _baselines[bulkhead] = (total, now);
                    }
                }
                else
                {
                    _baselines[bulkhead] = (total, now);
                }

                readings.Add(new BulkheadReading(provider.Name, bulkhead.MaxConcurrency, bulkhead.Active, bulkhead.Queued, bulkhead.QueueLimit, total, rate));
            }
        }

        return readings;
    }
}
