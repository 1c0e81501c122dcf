using Bulwark.AspNetCore.Anomaly;
using Bulwark.AspNetCore.ProviderHealth;
using Bulwark.AspNetCore.Providers;
using Bulwark.CircuitBreaker;
using Polly;
using Polly.CircuitBreaker;

namespace Bulwark.AspNetCore.Tests.ProviderHealth;

public class ProviderStatisticsRegistryTests
{
    [Fact]
    public void Snapshot_OneToHundredMs_NearestRankPercentiles()
    {
        var registry = new ProviderStatisticsRegistry(new AnomalyDetector());
        for (int ms = 100; ms >= 1; ms--)
        {
            registry.Record("p", TimeSpan.FromMilliseconds(ms), success: ms % 10 != 0);
        }

        var snapshot = Assert.Single(registry.Snapshot());
        Assert.Equal("p", snapshot.Provider);
        Assert.Equal(100, snapshot.Samples);
        Assert.Equal(50, snapshot.LatencyP50Milliseconds);
        Assert.Equal(95, snapshot.LatencyP95Milliseconds);
        Assert.Equal(0.10, snapshot.ErrorRate, 10);
        Assert.Equal(AnomalyState.Normal, snapshot.Anomaly);
        Assert.NotNull(snapshot.EwmaLatencyMilliseconds);
    }

    [Fact]
    public void Record_BeyondTheWindow_ForgetsTheOldestAttempts()
    {
        var registry = new ProviderStatisticsRegistry(new AnomalyDetector(), options: new ProviderHealthOptions { WindowSize = 4 });
        registry.Record("p", TimeSpan.FromMilliseconds(1_000), success: false);
        registry.Record("p", TimeSpan.FromMilliseconds(1_000), success: false);
        for (int i = 0; i < 4; i++)
        {
            registry.Record("p", TimeSpan.FromMilliseconds(10), success: true);
        }

        var snapshot = Assert.Single(registry.Snapshot());
        Assert.Equal(4, snapshot.Samples);
        Assert.Equal(0, snapshot.ErrorRate);
        Assert.Equal(10, snapshot.LatencyP95Milliseconds);
    }

    [Fact]
    public async Task Snapshot_CatalogProvidersFirstWithBreakerState_ThenOthersByName()
    {
        var breaker = new CircuitBreakerHandle();
        _ = new ResiliencePipelineBuilder<int>().AddBulwarkCircuitBreaker(new BulwarkCircuitBreakerStrategyOptions<int> { Handle = breaker }).Build();
        await breaker.IsolateAsync();
        var catalog = new BulwarkProviderCatalog([new("z", breaker, null), new("y", null, null)]);
        var registry = new ProviderStatisticsRegistry(new AnomalyDetector(), catalog);
        registry.Record("b", TimeSpan.FromMilliseconds(5), true);
        registry.Record("a", TimeSpan.FromMilliseconds(5), true);

        var snapshots = registry.Snapshot();

        Assert.Equal(["z", "y", "a", "b"], snapshots.Select(s => s.Provider));
        Assert.Equal("isolated", snapshots[0].BreakerState);
        Assert.Equal(60, snapshots[0].HealthScore);
        Assert.Equal("degraded", snapshots[0].Status);
        Assert.Null(snapshots[1].BreakerState);
        Assert.Null(snapshots[1].LatencyP50Milliseconds);
        Assert.Equal(100, snapshots[1].HealthScore);
        Assert.Equal(AnomalyState.Learning, snapshots[2].Anomaly);
    }

    [Theory]
    [InlineData(0.0, null, AnomalyState.Normal, 100.0, 100.0, 100)]
    [InlineData(0.10, null, AnomalyState.Normal, 100.0, 100.0, 90)]
    [InlineData(0.90, null, AnomalyState.Normal, 100.0, 100.0, 50)]
    [InlineData(0.0, CircuitState.Open, AnomalyState.Normal, 100.0, 100.0, 60)]
    [InlineData(0.0, CircuitState.HalfOpen, AnomalyState.Normal, 100.0, 100.0, 80)]
    [InlineData(0.0, CircuitState.Closed, AnomalyState.Degraded, 200.0, 100.0, 70)]
    [InlineData(0.0, null, AnomalyState.Normal, 500.0, 100.0, 80)]
    [InlineData(0.60, CircuitState.Open, AnomalyState.Degraded, 400.0, 100.0, 0)]
    public void Score_FollowsTheDocumentedFormula(double errorRate, CircuitState? breaker, AnomalyState anomaly, double ewma, double baseline, int expected)
    {
        int score = ProviderStatisticsRegistry.Score(errorRate, breaker, anomaly, ewma, baseline);

        Assert.Equal(expected, score);
    }

    [Theory]
    [InlineData(100, "healthy")]
    [InlineData(80, "healthy")]
    [InlineData(79, "degraded")]
    [InlineData(50, "degraded")]
    [InlineData(49, "unhealthy")]
    public void StatusOf_Thresholds(int score, string expected) => Assert.Equal(expected, ProviderStatisticsRegistry.StatusOf(score));

    [Fact]
    public void Record_LatencyStep_DegradesAndLowersTheScore()
    {
        var registry = new ProviderStatisticsRegistry(new AnomalyDetector());
        var random = new Random(5);
        for (int i = 0; i < 1_000; i++)
        {
            registry.Record("p", TimeSpan.FromMilliseconds(90 + (random.NextDouble() * 20)), true);
        }

        int before = registry.Snapshot()[0].HealthScore;
        for (int i = 0; i < 40; i++)
        {
            registry.Record("p", TimeSpan.FromMilliseconds(290 + (random.NextDouble() * 20)), true);
        }

        var after = registry.Snapshot()[0];
        Assert.Equal(100, before);
        Assert.Equal(AnomalyState.Degraded, after.Anomaly);
        Assert.Equal(AnomalySignal.Latency, after.AnomalySignal);
        Assert.InRange(after.HealthScore, 55, 70);
    }
}
