using Bulwark.Statistics;

namespace Bulwark.Tests.Statistics;

public class EwmaControlChartTests
{
    [Fact]
    public void Observe_StepFarAboveAFlatNoisyBaseline_BreachesAfterTheWarmUp_AndKeepsTheBaseline()
    {
        var chart = new EwmaControlChart(0.3, 0.02, 4, warmupSamples: 10, minimumRelativeDeviation: 0.1, minimumRate: null);
        var random = new Random(1);
        for (int i = 0; i < 50; i++)
        {
            Assert.False(chart.Observe(100 + (random.NextDouble() * 10) - 5));
        }

        Assert.True(chart.WarmedUp);
        double mean = chart.Mean;
        Assert.InRange(mean, 98, 102);

        Assert.True(chart.Observe(200));
        Assert.Equal(mean, chart.Mean);
        Assert.Equal(51, chart.Count);
    }

    [Fact]
    public void Observe_DuringTheWarmUp_NeverBreaches_AndNotFiniteSamplesAreIgnored()
    {
        var chart = new EwmaControlChart(0.5, 0.1, 3, warmupSamples: 5, minimumRelativeDeviation: 0, minimumRate: null);

        Assert.False(chart.Observe(1));
        Assert.False(chart.Observe(double.NaN));
        Assert.False(chart.Observe(double.PositiveInfinity));
        for (int i = 0; i < 4; i++)
        {
            Assert.False(chart.Observe(1000));
        }

        Assert.Equal(5, chart.Count);
        Assert.False(chart.WarmedUp);
    }

    [Theory]
    [InlineData(0, 0.1, 3, 1, 0, "smoothingFactor")]
    [InlineData(0.5, 1.5, 3, 1, 0, "baselineSmoothingFactor")]
    [InlineData(0.5, 0.1, 0, 1, 0, "controlLimitSigmas")]
    [InlineData(0.5, 0.1, 3, 0, 0, "warmupSamples")]
    [InlineData(0.5, 0.1, 3, 1, -1, "minimumRelativeDeviation")]
    public void Constructor_OutOfRange_Throws(double lambda, double alpha, double sigmas, int warmup, double floor, string parameter)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new EwmaControlChart(lambda, alpha, sigmas, warmup, floor, null));
        Assert.Equal(parameter, error.ParamName);
    }
}
