using System.Collections.Concurrent;
using Bulwark.ErrorMonitoring.Detection;
using Bulwark.Failover;
using Bulwark.Outcomes;

namespace Bulwark.Gateway.Errors;

/// <summary>
/// How many requests the routes handled, and how many attempts each provider was sent, in the last 1 and 5 minutes: the
/// denominators of the error-rate patterns (gateway-wide and per provider). Counted in 60 buckets of 5 seconds (the error
/// monitor's own finest windows, so that errors and requests cover the same time); recording is one interlocked
/// increment, plus a short lock once per bucket turnover.
/// </summary>
internal sealed class GatewayRequestCounts(TimeProvider timeProvider)
{
    private readonly BucketCounts _requests = new();
    private readonly ConcurrentDictionary<string, BucketCounts> _attempts = new(StringComparer.Ordinal);

    /// <summary>Counts one request handled now.</summary>
    public void Record() => _requests.Record(timeProvider.GetUtcNow());

    /// <summary>Counts the attempts of one request against their providers: those that ran or that the provider's pipeline refused (not the providers passed over, nor attempts the caller cancelled).</summary>
    public void RecordAttempts(IReadOnlyList<FailoverAttempt> attempts)
    {
        var now = timeProvider.GetUtcNow();
        for (int i = 0; i < attempts.Count; i++)
        {
            var attempt = attempts[i];
            if (attempt.Outcome is not (AttemptOutcome.Skipped or AttemptOutcome.Cancelled))
            {
                _attempts.GetOrAdd(attempt.Provider, static _ => new BucketCounts()).Record(now);
            }
        }
    }

    /// <summary>Reads the requests of the last minute and of the last 5 minutes (the current bucket included).</summary>
    public RequestCounts Read() => _requests.Read(timeProvider.GetUtcNow());

    /// <summary>Reads each provider's attempts of the last minute and of the last 5 minutes.</summary>
    public IReadOnlyList<(string Provider, RequestCounts Attempts)> ReadProviders()
    {
        var now = timeProvider.GetUtcNow();
        return [.. _attempts.Select(p => (p.Key, p.Value.Read(now))).OrderBy(static p => p.Key, StringComparer.Ordinal)];
    }

    /// <summary>Counts in 60 buckets of 5 seconds.</summary>
    private sealed class BucketCounts
    {
        private const int Buckets = 60;
        private const int MinuteBuckets = 12;
        private static readonly long BucketTicks = TimeSpan.FromSeconds(5).Ticks;

        private readonly long[] _periods = CreatePeriods();
        private readonly long[] _counts = new long[Buckets];
        private readonly Lock _turnover = new();

        public void Record(DateTimeOffset now)
        {
            long period = now.UtcTicks / BucketTicks;
            int slot = (int)(period % Buckets);
            if (Volatile.Read(ref _periods[slot]) != period)
            {
                lock (_turnover)
                {
                    if (_periods[slot] < period)
                    {
                        _counts[slot] = 0;

                        // Published last, so that an increment seen against the new period is never zeroed after.
                        Volatile.Write(ref _periods[slot], period);
                    }
                    else if (_periods[slot] > period)
                    {
                        // A clock that went back past a bucket: the request belongs to no window kept.
                        return;
                    }
                }
            }

            Interlocked.Increment(ref _counts[slot]);
        }

        public RequestCounts Read(DateTimeOffset now)
        {
            long current = now.UtcTicks / BucketTicks;
            long minute = 0;
            long five = 0;
            for (int slot = 0; slot < Buckets; slot++)
            {
                long period = Volatile.Read(ref _periods[slot]);
                if (period > current || period <= current - Buckets)
                {
                    continue;
                }

                long count = Interlocked.Read(ref _counts[slot]);
                five += count;
                if (period > current - MinuteBuckets)
                {
                    minute += count;
                }
            }

            return new RequestCounts(minute, five);
        }

        private static long[] CreatePeriods()
        {
            var periods = new long[Buckets];
            Array.Fill(periods, long.MinValue);
            return periods;
        }
    }
}
