using System.Globalization;
using Bulwark.Gateway.Forecasting;
using Xunit.Abstractions;

namespace Bulwark.Gateway.Tests.Forecasting;

/// <summary>
/// The forecast on synthetic traces, at 20%, 40%, 60% and 80% of the period. Error = |predicted − true exhaustion|
/// divided by the true time remaining from now; the limit is 92% of the period's noise-free total (the weekly trace:
/// see <see cref="SpendTraces.Weekly"/>), so the truth falls near the end of the period, after the 80% checkpoint.
/// </summary>
public class SpendForecasterTraceTests(ITestOutputHelper output)
{
    private const double Tolerance = 0.10;
    private static readonly double[] Checkpoints = [0.2, 0.4, 0.6, 0.8];

    [Fact]
    public void Forecast_ConstantRateWithNoise_ExhaustionWithin10PercentAndInsideInterval() =>
        AssertExhaustionAccurate(SpendTraces.Constant(), [SpendForecastMethod.HourOfDay, SpendForecastMethod.WeekProfile, SpendForecastMethod.WeekProfile, SpendForecastMethod.WeekProfile]);

    [Fact]
    public void Forecast_AfterStepUpTimesThree_ExhaustionWithin10PercentAndInsideInterval() =>
        AssertExhaustionAccurate(SpendTraces.StepUp(), [SpendForecastMethod.HourOfDay, SpendForecastMethod.HourOfDay, SpendForecastMethod.WeekProfile, SpendForecastMethod.WeekProfile]);

    [Fact]
    public void Forecast_WeeklyPatternOverMonth_ExhaustionWithin10PercentAndInsideInterval() =>
        AssertExhaustionAccurate(SpendTraces.Weekly(), [SpendForecastMethod.WeekProfile, SpendForecastMethod.WeekProfile, SpendForecastMethod.WeekProfile, SpendForecastMethod.WeekProfile]);

    [Fact]
    public void Forecast_DailyPatternOverDay_ExhaustionWithin10PercentAndInsideInterval() =>
        AssertExhaustionAccurate(SpendTraces.Daily(), [SpendForecastMethod.HourOfDay, SpendForecastMethod.HourOfDay, SpendForecastMethod.HourOfDay, SpendForecastMethod.HourOfDay]);

    /// <summary>The same traces over 20 seeds each: the largest error at any checkpoint stays within 10%.</summary>
    [Fact]
    public void Forecast_TwentySeedsPerTrace_WorstErrorWithin10Percent()
    {
        var traces = new Func<int, SpendTrace>[] { s => SpendTraces.Constant(s), s => SpendTraces.StepUp(s), s => SpendTraces.StepUp(s, factor: 2), s => SpendTraces.Weekly(s), s => SpendTraces.Daily(s) };
        foreach (var make in traces)
        {
            var errors = new List<double>();
            var misses = 0;
            for (var seed = 100; seed < 120; seed++)
            {
                var trace = make(seed);
                var limit = trace.Limit();
                foreach (var checkpoint in Checkpoints)
                {
                    var m = Measure(trace, checkpoint, limit);
                    errors.Add(m.Error);
                    if (m.Error > 0.06 || !m.InInterval)
                    {
                        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {trace.Name} seed {seed} at {checkpoint:P0} ({m.Method}): error {m.Error:P1}, in interval {m.InInterval}"));
                    }
                    misses += m.InInterval ? 0 : 1;
                }
            }

            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{make(0).Name}: 20 seeds x 4 checkpoints: mean error {errors.Average():P1}, worst {errors.Max():P1}, truth outside interval {misses} of {errors.Count}"));
            Assert.True(errors.Max() <= Tolerance, $"{make(0).Name}: worst error {errors.Max():P1}");
            Assert.Equal(0, misses);
        }
    }

    [Theory]
    [InlineData(0.2)]
    [InlineData(0.4)]
    [InlineData(0.6)]
    [InlineData(0.8)]
    public void Forecast_TraceThatNeverExhausts_NoExhaustionAndTotalWithin10Percent(double checkpoint)
    {
        var trace = SpendTraces.Constant(seed: 5);
        var limit = 2 * trace.NoiseFreeTotal();
        var now = trace.At(checkpoint);
        var (history, spent) = trace.ObserveAt(now);

        var forecast = SpendForecaster.Forecast(history, now, trace.PeriodStart, trace.PeriodEnd, spent, limit, trace.Zone);

        var total = trace.TrueTotal(now, spent);
        var error = Math.Abs(forecast.ProjectedAtPeriodEnd - total) / total;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"at {checkpoint:P0}: projected {forecast.ProjectedAtPeriodEnd:F0}, true {total:F0}, error {error:P2}"));
        Assert.Null(trace.TrueExhaustion(now, spent, limit));
        Assert.Null(forecast.ExhaustionAt);
        Assert.Null(forecast.ExhaustionEarliest);
        Assert.Null(forecast.ExhaustionLatest);
        Assert.True(error <= Tolerance, $"projected total off by {error:P1}");
    }

    /// <param name="trace">The trace.</param>
    /// <param name="methods">The method expected at each checkpoint (a profile once the history is long enough).</param>
    private void AssertExhaustionAccurate(SpendTrace trace, SpendForecastMethod[] methods)
    {
        var limit = trace.Limit();
        var rows = Checkpoints.Select(c => Measure(trace, c, limit)).ToList();
        foreach (var m in rows)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {trace.Name} | {m.Checkpoint:P0} | {m.Method} | {m.Truth:yyyy-MM-dd HH:mm} | {m.Predicted:yyyy-MM-dd HH:mm} | {m.Error:P2} | {m.Earliest:MM-dd HH:mm} – {m.Latest:MM-dd HH:mm} |"));
        }

        Assert.Equal(methods, rows.Select(static m => m.Method));
        Assert.All(rows, m =>
        {
            Assert.True(m.Error <= Tolerance, $"at {m.Checkpoint:P0}: error {m.Error:P1}");
            Assert.True(m.InInterval, $"at {m.Checkpoint:P0}: truth {m.Truth:O} outside [{m.Earliest:O}, {m.Latest:O}]");
        });
    }

    private static Measurement Measure(SpendTrace trace, double checkpoint, double limit)
    {
        var now = trace.At(checkpoint);
        var (history, spent) = trace.ObserveAt(now);
        var truth = trace.TrueExhaustion(now, spent, limit) ?? throw new InvalidOperationException($"{trace.Name} does not exhaust after {checkpoint:P0}");

        var forecast = SpendForecaster.Forecast(history, now, trace.PeriodStart, trace.PeriodEnd, spent, limit, trace.Zone);

        var predicted = forecast.ExhaustionAt ?? trace.PeriodEnd;
        var error = Math.Abs((predicted - truth) / (truth - now));
        var inInterval = forecast.ExhaustionEarliest <= truth && (forecast.ExhaustionLatest is null || truth <= forecast.ExhaustionLatest);
        return new Measurement(checkpoint, forecast.Method, truth, predicted, error, forecast.ExhaustionEarliest, forecast.ExhaustionLatest, inInterval);
    }

    private sealed record Measurement(
        double Checkpoint,
        SpendForecastMethod Method,
        DateTimeOffset Truth,
        DateTimeOffset Predicted,
        double Error,
        DateTimeOffset? Earliest,
        DateTimeOffset? Latest,
        bool InInterval);
}
