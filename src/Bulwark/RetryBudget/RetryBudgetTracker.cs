namespace Bulwark.RetryBudget;

/// <summary>
/// Counts calls and retries in a sliding window and decides whether one more retry fits the budget.
/// </summary>
/// <remarks>
/// <para>
/// Share one instance between every pipeline that calls the same provider (assign it to
/// <c>BulwarkRetryStrategyOptions.SharedBudget</c>), so the budget bounds the provider's total retry load.
/// </para>
/// <para>
/// The window is split into <see cref="RetryBudgetConstants.BucketCount"/> buckets keyed by <see cref="TimeProvider.GetTimestamp"/>;
/// the counts cover the current bucket and the previous ones, so the effective window is between 90 % and 100 % of
/// <see cref="RetryBudgetOptions.Window"/>. Counting is lock-free and allocates only when a bucket is recycled; under
/// contention the limit can be overshot by the number of threads racing for the last retry.
/// </para>
/// </remarks>
public sealed class RetryBudgetTracker
{
    private static readonly Bucket Empty = new(long.MinValue);

    private readonly TimeProvider _timeProvider;
    private readonly Bucket[] _buckets;
    private readonly long _bucketWidth;
    private readonly double _minRetriesInWindow;

    /// <summary>
    /// Initializes a new instance of the <see cref="RetryBudgetTracker"/> class.
    /// </summary>
    /// <param name="options">The budget; its values are copied.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is outside its documented range.</exception>
    public RetryBudgetTracker(RetryBudgetOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);

        if (!(options.Ratio > 0 && options.Ratio <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Ratio, "The ratio must be greater than 0 and at most 1.");
        }

        if (options.MinRetriesPerSecond is < 0 or > RetryBudgetConstants.MaxMinRetriesPerSecond)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MinRetriesPerSecond, "The minimum retries per second must be between 0 and 10000.");
        }

        if (options.Window < RetryBudgetConstants.MinWindow || options.Window > RetryBudgetConstants.MaxWindow)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Window, "The window must be between 1 second and 1 hour.");
        }

        _timeProvider = timeProvider ?? TimeProvider.System;
        Ratio = options.Ratio;
        MinRetriesPerSecond = options.MinRetriesPerSecond;
        Window = options.Window;

        _minRetriesInWindow = MinRetriesPerSecond * Window.TotalSeconds;
        _bucketWidth = Math.Max(1, (long)(Window.TotalSeconds * _timeProvider.TimestampFrequency / RetryBudgetConstants.BucketCount));
        _buckets = new Bucket[RetryBudgetConstants.BucketCount];
        Array.Fill(_buckets, Empty);
    }

    /// <summary>Gets the share of calls in the window that may be retried.</summary>
    public double Ratio { get; }

    /// <summary>Gets the number of retries per second always allowed.</summary>
    public int MinRetriesPerSecond { get; }

    /// <summary>Gets the length of the sliding window.</summary>
    public TimeSpan Window { get; }

    /// <summary>Gets the number of calls recorded in the current window.</summary>
    public int CallsInWindow => Count(out _);

    /// <summary>Gets the number of retries granted in the current window.</summary>
    public int RetriesInWindow
    {
        get
        {
            Count(out var retries);
            return retries;
        }
    }

    /// <summary>
    /// Records one call (an execution, not counting its retries).
    /// </summary>
    public void RecordCall() => RecordCall(_timeProvider.GetTimestamp());

    /// <summary>Records one call at a timestamp the caller already read, saving a clock read on the hot path.</summary>
    internal void RecordCall(long timestamp) => Interlocked.Increment(ref CurrentBucket(timestamp).Calls);

    /// <summary>
    /// Grants one retry if it fits the budget, and counts it.
    /// </summary>
    /// <returns>
    /// <see langword="true"/> when the retries in the window were below
    /// <c>max(MinRetriesPerSecond * Window seconds, Ratio * calls in window)</c>; <see langword="false"/> when the budget is exhausted.
    /// </returns>
    public bool TryAcquireRetry()
    {
        var calls = Count(out var retries);
        if (retries >= Math.Max(_minRetriesInWindow, Ratio * calls))
        {
            return false;
        }

        Interlocked.Increment(ref CurrentBucket(_timeProvider.GetTimestamp()).Retries);
        return true;
    }

    private int Count(out int retries)
    {
        var epoch = _timeProvider.GetTimestamp() / _bucketWidth;
        var oldest = epoch - RetryBudgetConstants.BucketCount;
        var calls = 0;
        retries = 0;

        foreach (var bucket in _buckets)
        {
            var bucketEpoch = bucket.Epoch;
            if (bucketEpoch > oldest && bucketEpoch <= epoch)
            {
                calls += Volatile.Read(ref bucket.Calls);
                retries += Volatile.Read(ref bucket.Retries);
            }
        }

        return calls;
    }

    private Bucket CurrentBucket(long timestamp)
    {
        var epoch = timestamp / _bucketWidth;
        ref var slot = ref _buckets[(int)((ulong)epoch % RetryBudgetConstants.BucketCount)];
        var bucket = Volatile.Read(ref slot);

        // A bucket from an older round is replaced rather than reset in place, so counting needs no lock; an increment
        // racing with the swap may land in the discarded bucket, which only makes the budget slightly more lenient.
        // A bucket from a newer round (the clock moved back) is used as is.
        while (bucket.Epoch < epoch)
        {
            var fresh = new Bucket(epoch);
            var seen = Interlocked.CompareExchange(ref slot, fresh, bucket);
            bucket = ReferenceEquals(seen, bucket) ? fresh : seen;
        }

        return bucket;
    }

    private sealed class Bucket(long epoch)
    {
        public readonly long Epoch = epoch;
        public int Calls;
        public int Retries;
    }
}
