using Bulwark.ErrorMonitoring.Detection;

namespace Bulwark.Gateway.Errors;

/// <summary>
/// How many requests the routes handled in the last 1 and 5 minutes: the denominator of the error-rate patterns. Counted in
/// 60 buckets of 5 seconds (the error monitor's own finest windows, so that errors and requests cover the same time);
/// recording is one interlocked increment, plus a short lock once per bucket turnover.
/// </summary>
internal sealed class GatewayRequestCounts(TimeProvider timeProvider)
{
    private const int Buckets = 60;
    private const int MinuteBuckets = 12;
    private static readonly long BucketTicks = TimeSpan.FromSeconds(5).Ticks;

    private readonly long[] _periods = CreatePeriods();
    private readonly long[] _counts = new long[Buckets];
    private readonly Lock _turnover = new();

    /// <summary>Counts one request handled now.</summary>
    public void Record()
    {
        long period = timeProvider.GetUtcNow().UtcTicks / BucketTicks;
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

    /// <summary>Reads the requests of the last minute and of the last 5 minutes (the current bucket included).</summary>
    public RequestCounts Read()
    {
        long current = timeProvider.GetUtcNow().UtcTicks / BucketTicks;
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
