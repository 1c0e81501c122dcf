namespace Bulwark.CircuitBreaker.Health;

/// <summary>
/// Calls and failures over a sliding time window split into buckets, recorded without a lock.
/// </summary>
/// <remarks>
/// Each bucket packs its counts into one 64-bit word (failures in the high half, calls in the low half), so a record is a
/// single <see cref="Interlocked.Add(ref long, long)"/>. Moving to a new bucket is rare (once per bucket length) and is done
/// by the owner under its lock through <see cref="Advance"/>; <see cref="TryRecord"/> reports when that is needed.
/// A record racing with a bucket reset may land in the new bucket or be lost, and a caller stalled for longer than the
/// window drops its record: at worst one call is misplaced in a statistic, and a slot never moves back to an older bucket.
/// The window covers the current bucket and the <c>buckets − 1</c> before it.
/// </remarks>
internal sealed class SlidingWindow
{
    private const long FailureUnit = 1L << 32;
    private const long CallsMask = 0xFFFF_FFFF;

    private readonly Bucket[] _buckets;
    private readonly long _bucketTicks;

    public SlidingWindow(TimeSpan samplingDuration, long timestampFrequency)
    {
        _buckets = new Bucket[CircuitBreakerConstants.WindowBuckets];
        _bucketTicks = Math.Max(1, (long)(samplingDuration.TotalSeconds * timestampFrequency / CircuitBreakerConstants.WindowBuckets));
        Clear();
    }

    public long BucketTicks => _bucketTicks;

    public long BucketId(long timestamp) => timestamp / _bucketTicks;

    /// <summary>Records into the current bucket; returns <see langword="false"/> if the bucket must first be advanced.</summary>
    public bool TryRecord(long bucketId, bool failure)
    {
        ref Bucket bucket = ref _buckets[bucketId % CircuitBreakerConstants.WindowBuckets];
        if (Volatile.Read(ref bucket.Id) != bucketId)
        {
            return false;
        }

        Interlocked.Add(ref bucket.Counts, failure ? FailureUnit + 1 : 1);
        return true;
    }

    /// <summary>Makes <paramref name="bucketId"/> the current bucket. Caller holds the owner's lock.</summary>
    public void Advance(long bucketId)
    {
        ref Bucket bucket = ref _buckets[bucketId % CircuitBreakerConstants.WindowBuckets];
        if (Volatile.Read(ref bucket.Id) >= bucketId)
        {
            // Current already, or a stalled caller's old id whose slot now holds a newer bucket: never go back
            // (that record is simply dropped).
            return;
        }

        Volatile.Write(ref bucket.Counts, 0);
        Volatile.Write(ref bucket.Id, bucketId);
    }

    /// <summary>Reads one bucket's counts if it still holds <paramref name="bucketId"/>.</summary>
    public WindowCounts Read(long bucketId)
    {
        ref Bucket bucket = ref _buckets[bucketId % CircuitBreakerConstants.WindowBuckets];
        if (Volatile.Read(ref bucket.Id) != bucketId)
        {
            return default;
        }

        long packed = Volatile.Read(ref bucket.Counts);
        return new WindowCounts(packed & CallsMask, packed >>> 32);
    }

    /// <summary>Sums the buckets inside the window that ends with <paramref name="currentBucketId"/>.</summary>
    public WindowCounts Sum(long currentBucketId) => SumRecent(currentBucketId, _buckets.Length);

    /// <summary>Sums the <paramref name="buckets"/> most recent buckets, ending with <paramref name="currentBucketId"/>.</summary>
    public WindowCounts SumRecent(long currentBucketId, int buckets)
    {
        long calls = 0;
        long failures = 0;
        long oldest = currentBucketId - buckets + 1;
        for (int i = 0; i < _buckets.Length; i++)
        {
            long id = Volatile.Read(ref _buckets[i].Id);
            if (id >= oldest && id <= currentBucketId)
            {
                long packed = Volatile.Read(ref _buckets[i].Counts);
                calls += packed & CallsMask;
                failures += packed >>> 32;
            }
        }

        return new WindowCounts(calls, failures);
    }

    /// <summary>Forgets everything. Caller holds the owner's lock.</summary>
    public void Clear()
    {
        for (int i = 0; i < _buckets.Length; i++)
        {
            Volatile.Write(ref _buckets[i].Id, long.MinValue);
            Volatile.Write(ref _buckets[i].Counts, 0);
        }
    }

    private struct Bucket
    {
        public long Id;
        public long Counts;
    }
}
