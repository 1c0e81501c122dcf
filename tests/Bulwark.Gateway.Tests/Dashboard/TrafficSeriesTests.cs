using Bulwark.Gateway.Dashboard;

namespace Bulwark.Gateway.Tests.Dashboard;

public sealed class TrafficSeriesTests
{
    [Fact]
    public void Record_SameSecond_SumsCallsFailuresRejectionsAndMean()
    {
        var series = new TrafficSeries(seconds: 10);
        series.Record(100, 2, failed: false);
        series.Record(100, 4, failed: true);
        series.Record(100, 6, failed: false);
        series.RecordRejection(100);

        var point = Assert.Single(series.Read(100, 100));
        Assert.Equal(3, point.Count);
        Assert.Equal(1, point.Failures);
        Assert.Equal(1, point.Rejections);
        Assert.Equal(4, point.MeanMilliseconds!.Value, precision: 6);
    }

    [Fact]
    public void Read_SecondsWithoutCalls_AreEmptyWithoutLatency()
    {
        var series = new TrafficSeries(seconds: 10);
        series.Record(101, 1, failed: false);

        var points = series.Read(100, 102);

        Assert.Equal([0L, 1L, 0L], points.Select(p => p.Count));
        Assert.Null(points[0].MeanMilliseconds);
        Assert.Null(points[0].P95Milliseconds);
        Assert.NotNull(points[1].P95Milliseconds);
    }

    [Fact]
    public void Record_HistoryWrappedAround_ForgetsTheSecondItReplaces()
    {
        var series = new TrafficSeries(seconds: 10);
        series.Record(5, 1, failed: true);

        // Second 15 takes second 5's slot: 5 is gone, 15 starts from nothing.
        series.Record(15, 1, failed: false);

        Assert.Equal(0, series.Read(5, 5)[0].Count);
        var point = series.Read(15, 15)[0];
        Assert.Equal(1, point.Count);
        Assert.Equal(0, point.Failures);
    }

    [Fact]
    public void Record_SecondOlderThanItsSlot_IsDropped()
    {
        var series = new TrafficSeries(seconds: 10);
        series.Record(15, 1, failed: false);

        // A call that ended ten seconds before: its slot has moved on.
        series.Record(5, 1, failed: false);

        Assert.Equal(1, series.Read(15, 15)[0].Count);
        Assert.Equal(0, series.Read(5, 5)[0].Count);
    }

    [Fact]
    public void Read_ToBeforeFrom_IsEmpty() => Assert.Empty(new TrafficSeries(seconds: 10).Read(10, 9));

    [Theory]
    [InlineData(0, 0)]
    [InlineData(0.1, 0)]
    [InlineData(0.1001, 1)]
    [InlineData(0.1414, 1)]
    [InlineData(0.2, 2)]
    [InlineData(1, 7)]
    [InlineData(1000, 27)]
    [InlineData(1e9, TrafficSeries.LatencyBucketCount - 1)]
    public void BucketOf_Duration_IsFirstBucketWhoseUpperBoundHoldsIt(double milliseconds, int bucket)
    {
        Assert.Equal(bucket, TrafficSeries.BucketOf(milliseconds));
        Assert.True(milliseconds <= TrafficSeries.UpperBound(bucket) || bucket == TrafficSeries.LatencyBucketCount - 1);
    }

    [Fact]
    public void P95_UniformOneToHundredMilliseconds_IsWithinItsBucket()
    {
        var series = new TrafficSeries(seconds: 10);
        for (int ms = 1; ms <= 100; ms++)
        {
            series.Record(7, ms, failed: false);
        }

        double p95 = series.Read(7, 7)[0].P95Milliseconds!.Value;

        // The 95th value is 95 ms; the histogram knows it to within its bucket (a factor of √2).
        Assert.InRange(p95, 95 / Math.Sqrt(2), 95 * Math.Sqrt(2));
    }

    [Fact]
    public void Record_ConcurrentCallers_LosesNothing()
    {
        var series = new TrafficSeries(seconds: 10);
        Parallel.For(0, 8, _ =>
        {
            for (int i = 0; i < 10_000; i++)
            {
                series.Record(3, 1, failed: i % 10 == 0);
            }
        });

        var point = series.Read(3, 3)[0];
        Assert.Equal(80_000, point.Count);
        Assert.Equal(8_000, point.Failures);
    }
}
