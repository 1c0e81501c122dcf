using Bulwark.ErrorMonitoring.Detection;
using Bulwark.Gateway.Errors;
using Microsoft.Extensions.Time.Testing;

namespace Bulwark.Gateway.Tests.Errors;

/// <summary>The requests counted for the error rate: the last minute and the last 5 minutes, in 5-second buckets on the gateway's clock.</summary>
public class GatewayRequestCountsTests
{
    [Fact]
    public void Read_CountsTheLastMinuteAndFiveMinutes_AndForgetsOlderBuckets()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 7, 0, 0, 0, TimeSpan.Zero));
        var counts = new GatewayRequestCounts(time);
        Assert.Equal(new RequestCounts(0, 0), counts.Read());

        // One request every 5 seconds for 6 minutes.
        for (int i = 0; i < 72; i++)
        {
            counts.Record();
            time.Advance(TimeSpan.FromSeconds(5));
        }

        Assert.Equal(new RequestCounts(11, 59), counts.Read());

        counts.Record();
        counts.Record();
        Assert.Equal(new RequestCounts(13, 61), counts.Read());

        time.Advance(TimeSpan.FromMinutes(4));
        Assert.Equal(new RequestCounts(0, 13), counts.Read());
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(new RequestCounts(0, 0), counts.Read());
    }

    [Fact]
    public async Task Record_FromManyThreads_LosesNothing()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 7, 0, 0, 0, TimeSpan.Zero));
        var counts = new GatewayRequestCounts(time);

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            for (int i = 0; i < 10_000; i++)
            {
                counts.Record();
            }
        })));

        Assert.Equal(new RequestCounts(80_000, 80_000), counts.Read());
    }
}
