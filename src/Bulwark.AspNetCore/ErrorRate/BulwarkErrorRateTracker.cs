using Microsoft.Extensions.Options;

namespace Bulwark.AspNetCore.ErrorRate;

/// <summary>
/// Counts errors and successes over a sliding window of time buckets, on a <see cref="TimeProvider"/>. Recording is
/// lock-free except once per bucket turnover; reading sums the live buckets.
/// </summary>
/// <remarks>Counts are approximate while requests are being recorded concurrently with a read.</remarks>
public sealed class BulwarkErrorRateTracker
{
    private readonly TimeProvider _time;
    private readonly long _start;
    private readonly long _bucketLength;
    private readonly Bucket[] _buckets;
    private readonly Lock _turnover = new();

    /// <summary>Initializes a new instance of the <see cref="BulwarkErrorRateTracker"/> class.</summary>
    /// <param name="options">The window and bucket count.</param>
    /// <param name="timeProvider">The clock.</param>
    public BulwarkErrorRateTracker(IOptions<BulwarkErrorRateOptions> options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var value = options.Value;
        _time = timeProvider;
        Window = value.Window;
        _buckets = new Bucket[value.BucketCount];
        for (var i = 0; i < _buckets.Length; i++)
        {
            _buckets[i] = new Bucket();
        }

        _bucketLength = Math.Max(1, (long)(value.Window.TotalSeconds * timeProvider.TimestampFrequency / value.BucketCount));
        _start = timeProvider.GetTimestamp();
    }

    /// <summary>Gets the window's length.</summary>
    public TimeSpan Window { get; }

    /// <summary>Records one finished request.</summary>
    /// <param name="isError">Whether it was an error.</param>
    public void Record(bool isError)
    {
        var epoch = CurrentEpoch();
        var bucket = _buckets[epoch % _buckets.Length];
        if (Volatile.Read(ref bucket.Epoch) != epoch)
        {
            TurnOver(bucket, epoch);
        }

        if (isError)
        {
            Interlocked.Increment(ref bucket.Errors);
        }
        else
        {
            Interlocked.Increment(ref bucket.Successes);
        }
    }

    /// <summary>Reads the counts over the window.</summary>
    /// <returns>The errors and successes of the buckets still inside the window.</returns>
    public ErrorRateSnapshot GetSnapshot()
    {
        var epoch = CurrentEpoch();
        long errors = 0, successes = 0;
        foreach (var bucket in _buckets)
        {
            var bucketEpoch = Volatile.Read(ref bucket.Epoch);
            if (bucketEpoch <= epoch && bucketEpoch > epoch - _buckets.Length)
            {
                errors += Interlocked.Read(ref bucket.Errors);
                successes += Interlocked.Read(ref bucket.Successes);
            }
        }

        return new ErrorRateSnapshot(errors, successes, Window);
    }

    private long CurrentEpoch() => (_time.GetTimestamp() - _start) / _bucketLength;

    private void TurnOver(Bucket bucket, long epoch)
    {
        lock (_turnover)
        {
            if (bucket.Epoch < epoch)
            {
                bucket.Errors = 0;
                bucket.Successes = 0;

                // Published last, so a thread that sees the new epoch never increments counts about to be zeroed.
                Volatile.Write(ref bucket.Epoch, epoch);
            }
        }
    }

    private sealed class Bucket
    {
        public long Epoch = -1;
        public long Errors;
        public long Successes;
    }
}
