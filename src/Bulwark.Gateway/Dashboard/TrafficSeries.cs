namespace Bulwark.Gateway.Dashboard;

/// <summary>
/// One-second slots over the last <see cref="DashboardConstants.HistorySeconds"/> seconds: calls, failures, rejections,
/// the sum of durations and a log-scale histogram of them (for a percentile). Recording is lock-free but for a slot's
/// turnover (once a second); a reading is a copy. Seconds are counted by the caller (<see cref="TrafficHistory"/>).
/// </summary>
internal sealed class TrafficSeries
{
    /// <summary>Histogram slots: upper bounds of 0.1 ms × √2^k, k = 0..38 (0.1 ms to about 52 s), then one for anything longer.</summary>
    public const int LatencyBucketCount = 40;

    private const double SmallestBoundMilliseconds = 0.1;

    private readonly Slot[] _slots;
    private readonly Lock _turnover = new();

    public TrafficSeries(int seconds = DashboardConstants.HistorySeconds)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(seconds, 2);
        _slots = new Slot[seconds];
        for (int i = 0; i < seconds; i++)
        {
            _slots[i] = new Slot();
        }
    }

    /// <summary>Gets how many seconds the series keeps.</summary>
    public int Seconds => _slots.Length;

    /// <summary>Records a call that ended in <paramref name="second"/>.</summary>
    public void Record(long second, double milliseconds, bool failed)
    {
        if (SlotFor(second) is not { } slot)
        {
            return;
        }

        Interlocked.Increment(ref slot.Count);
        if (failed)
        {
            Interlocked.Increment(ref slot.Failures);
        }

        double clamped = double.IsFinite(milliseconds) ? Math.Clamp(milliseconds, 0, 1e9) : 0;
        Interlocked.Add(ref slot.SumMicroseconds, (long)(clamped * 1000));
        Interlocked.Increment(ref slot.Histogram[BucketOf(clamped)]);
    }

    /// <summary>Records a call refused before it was sent (an open breaker, a full bulkhead).</summary>
    public void RecordRejection(long second)
    {
        if (SlotFor(second) is { } slot)
        {
            Interlocked.Increment(ref slot.Rejections);
        }
    }

    /// <summary>Reads the seconds <paramref name="from"/> to <paramref name="to"/> (inclusive); a second outside the history reads as empty.</summary>
    public TrafficPoint[] Read(long from, long to)
    {
        if (to < from)
        {
            return [];
        }

        var points = new TrafficPoint[to - from + 1];
        var histogram = new long[LatencyBucketCount];
        for (long second = from; second <= to; second++)
        {
            points[second - from] = ReadOne(second, histogram);
        }

        return points;
    }

    /// <summary>The histogram slot of a duration: the first whose upper bound is at least it.</summary>
    internal static int BucketOf(double milliseconds)
    {
        if (milliseconds <= SmallestBoundMilliseconds)
        {
            return 0;
        }

        int k = (int)Math.Ceiling(2 * Math.Log2(milliseconds / SmallestBoundMilliseconds) - 1e-9);
        return Math.Clamp(k, 0, LatencyBucketCount - 1);
    }

    /// <summary>The upper bound of a histogram slot, in milliseconds (the last one's is the previous one's: it has none).</summary>
    internal static double UpperBound(int bucket) =>
        SmallestBoundMilliseconds * Math.Pow(Math.Sqrt(2), Math.Min(bucket, LatencyBucketCount - 2));

    /// <summary>A percentile from a histogram, interpolated within its slot.</summary>
    internal static double? Percentile(ReadOnlySpan<long> histogram, long count, double quantile)
    {
        if (count <= 0)
        {
            return null;
        }

        double rank = Math.Max(1, Math.Ceiling(quantile * count));
        long seen = 0;
        for (int bucket = 0; bucket < histogram.Length; bucket++)
        {
            long inBucket = histogram[bucket];
            if (inBucket > 0 && seen + inBucket >= rank)
            {
                double lower = bucket == 0 ? 0 : UpperBound(bucket - 1);
                double upper = UpperBound(bucket);
                return lower + ((upper - lower) * ((rank - seen) / inBucket));
            }

            seen += inBucket;
        }

        return UpperBound(histogram.Length - 1);
    }

    private TrafficPoint ReadOne(long second, long[] histogram)
    {
        if (second < 0)
        {
            return default;
        }

        var slot = _slots[second % _slots.Length];
        if (Volatile.Read(ref slot.Epoch) != second)
        {
            return default;
        }

        long count = Interlocked.Read(ref slot.Count);
        long failures = Interlocked.Read(ref slot.Failures);
        long rejections = Interlocked.Read(ref slot.Rejections);
        long sum = Interlocked.Read(ref slot.SumMicroseconds);
        long inHistogram = 0;
        for (int i = 0; i < histogram.Length; i++)
        {
            histogram[i] = Interlocked.Read(ref slot.Histogram[i]);
            inHistogram += histogram[i];
        }

        // Turned over while being read: that second is gone.
        if (Volatile.Read(ref slot.Epoch) != second)
        {
            return default;
        }

        return new TrafficPoint(
            count,
            failures,
            rejections,
            count > 0 ? sum / 1000.0 / count : null,
            Percentile(histogram, inHistogram, 0.95));
    }

    private Slot? SlotFor(long second)
    {
        if (second < 0)
        {
            return null;
        }

        var slot = _slots[second % _slots.Length];
        long epoch = Volatile.Read(ref slot.Epoch);
        if (epoch == second)
        {
            return slot;
        }

        if (epoch > second)
        {
            // A call that ended long enough ago for its slot to have moved on: too old to show.
            return null;
        }

        lock (_turnover)
        {
            if (slot.Epoch < second)
            {
                slot.Count = 0;
                slot.Failures = 0;
                slot.Rejections = 0;
                slot.SumMicroseconds = 0;
                Array.Clear(slot.Histogram);

                // Published last, so a thread that sees the new second never adds to counts about to be cleared.
                Volatile.Write(ref slot.Epoch, second);
            }
        }

        return Volatile.Read(ref slot.Epoch) == second ? slot : null;
    }

    private sealed class Slot
    {
        public readonly long[] Histogram = new long[LatencyBucketCount];
        public long Epoch = -1;
        public long Count;
        public long Failures;
        public long Rejections;
        public long SumMicroseconds;
    }
}

/// <summary>One second of a <see cref="TrafficSeries"/>: calls, failures, rejections, mean and 95th percentile duration (none without calls).</summary>
internal readonly record struct TrafficPoint(long Count, long Failures, long Rejections, double? MeanMilliseconds, double? P95Milliseconds);
