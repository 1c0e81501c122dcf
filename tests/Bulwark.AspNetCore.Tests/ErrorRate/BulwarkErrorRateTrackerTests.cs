using Bulwark.AspNetCore.ErrorRate;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Bulwark.AspNetCore.Tests.ErrorRate;

public sealed class BulwarkErrorRateTrackerTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void GetSnapshot_Empty_ZeroRate()
    {
        var snapshot = Tracker(TimeSpan.FromMinutes(1), 6).GetSnapshot();

        Assert.Equal(new ErrorRateSnapshot(0, 0, TimeSpan.FromMinutes(1)), snapshot);
        Assert.Equal(0, snapshot.ErrorRatePercent);
    }

    [Fact]
    public void GetSnapshot_BucketsSlideOut_OneBucketAtATime()
    {
        var tracker = Tracker(TimeSpan.FromSeconds(60), 6);
        tracker.Record(isError: true);
        _time.Advance(TimeSpan.FromSeconds(30));
        tracker.Record(isError: false);
        tracker.Record(isError: false);

        Assert.Equal(new ErrorRateSnapshot(1, 2, TimeSpan.FromSeconds(60)), tracker.GetSnapshot());
        Assert.Equal(33.33, tracker.GetSnapshot().ErrorRatePercent);

        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(new ErrorRateSnapshot(0, 2, TimeSpan.FromSeconds(60)), tracker.GetSnapshot());

        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(new ErrorRateSnapshot(0, 0, TimeSpan.FromSeconds(60)), tracker.GetSnapshot());
    }

    [Fact]
    public void Record_ReusedBucket_StartsFromZero()
    {
        var tracker = Tracker(TimeSpan.FromSeconds(10), 2);
        tracker.Record(isError: true);
        _time.Advance(TimeSpan.FromSeconds(10));
        tracker.Record(isError: false);

        Assert.Equal(new ErrorRateSnapshot(0, 1, TimeSpan.FromSeconds(10)), tracker.GetSnapshot());
    }

    [Fact]
    public async Task Record_Concurrently_LosesNothing()
    {
        var tracker = Tracker(TimeSpan.FromMinutes(5), 30);
        await Task.WhenAll(Enumerable.Range(0, 4).Select(n => Task.Run(() =>
        {
            for (var i = 0; i < 10_000; i++)
            {
                tracker.Record(isError: i % 10 == 0);
            }
        })));

        Assert.Equal(new ErrorRateSnapshot(4_000, 36_000, TimeSpan.FromMinutes(5)), tracker.GetSnapshot());
    }

    [Fact]
    public void Validator_OutOfRange_ReportsEveryError()
    {
        var result = new ErrorRateOptionsValidator().Validate(null, new BulwarkErrorRateOptions { Window = TimeSpan.Zero, BucketCount = 0 });

        Assert.Equal(
            [
                "BulwarkErrorRateOptions.Window must be between 00:00:01 and 1.00:00:00; it is 00:00:00.",
                "BulwarkErrorRateOptions.BucketCount must be between 1 and 3600; it is 0.",
            ],
            result.Failures);
    }

    private BulwarkErrorRateTracker Tracker(TimeSpan window, int buckets) =>
        new(Options.Create(new BulwarkErrorRateOptions { Window = window, BucketCount = buckets }), _time);
}
