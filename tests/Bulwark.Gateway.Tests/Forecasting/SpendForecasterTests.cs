using Bulwark.Gateway.Forecasting;

namespace Bulwark.Gateway.Tests.Forecasting;

public class SpendForecasterTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    public void Forecast_LimitNotPositive_ThrowsArgumentException(double limit)
    {
        var error = Assert.Throws<ArgumentException>(() =>
            SpendForecaster.Forecast(Flat(0, 0), Start, Start, Start.AddDays(1), 0, limit, TimeZoneInfo.Utc));

        Assert.Equal("limit", error.ParamName);
        Assert.StartsWith($"The limit must be greater than 0; it is {limit}.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Forecast_PeriodEndNotAfterStart_ThrowsArgumentException()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            SpendForecaster.Forecast(Flat(0, 0), Start, Start, Start, 0, 10, TimeZoneInfo.Utc));

        Assert.Equal("periodEnd", error.ParamName);
        Assert.StartsWith("The period must end after it starts; it starts at 2026-12-01T00:00:00.0000000+00:00 and ends at 2026-12-01T00:00:00.0000000+00:00.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Forecast_EmptyHistoryNothingSpent_NoneWithZeroRateAndNoExhaustion()
    {
        var forecast = SpendForecaster.Forecast(new SpendHistory(Start, []), Start.AddHours(5), Start, Start.AddDays(1), 0, 100, TimeZoneInfo.Utc);

        Assert.Equal(new SpendForecast(0, 0, null, null, null, SpendForecastMethod.None), forecast);
    }

    [Fact]
    public void Forecast_EmptyHistoryWithSpend_NoneAtThePeriodAverage()
    {
        // 50 spent in the first 5 hours: 10 an hour, so the limit of 150 is reached 10 hours on; the rest of two days adds
        // 430. The interval: at twice and half that rate.
        var now = Start.AddHours(5);

        var forecast = SpendForecaster.Forecast(new SpendHistory(Start, []), now, Start, Start.AddDays(2), 50, 150, TimeZoneInfo.Utc);

        Assert.Equal(SpendForecastMethod.None, forecast.Method);
        Assert.Equal(10, forecast.RatePerHour, 9);
        Assert.Equal(480, forecast.ProjectedAtPeriodEnd, 9);
        Assert.Equal(now.AddHours(10), forecast.ExhaustionAt);
        Assert.Equal(now.AddHours(5), forecast.ExhaustionEarliest);
        Assert.Equal(now.AddHours(20), forecast.ExhaustionLatest);
    }

    [Fact]
    public void Forecast_AllZeros_NoneAndNoExhaustion()
    {
        var now = Start.AddDays(20);

        var forecast = SpendForecaster.Forecast(Flat(0, 20 * 24), now, Start, Start.AddDays(31), 0, 100, TimeZoneInfo.Utc);

        Assert.Equal(new SpendForecast(0, 0, null, null, null, SpendForecastMethod.None), forecast);
    }

    [Fact]
    public void Forecast_NaNInfiniteAndNegativeEntries_ReadAsZero()
    {
        var hourly = Enumerable.Range(0, 100).Select(static i => i % 7 == 0 ? 0 : 3.0 + (i % 5)).ToArray();
        var dirty = hourly.Select(static (x, i) => x != 0 ? x : (i % 3) switch { 0 => double.NaN, 1 => -5, _ => double.PositiveInfinity }).ToArray();
        var now = Start.AddHours(99.5);

        var clean = SpendForecaster.Forecast(new SpendHistory(Start, hourly), now, Start, Start.AddDays(7), 300, 600, TimeZoneInfo.Utc);
        var read = SpendForecaster.Forecast(new SpendHistory(Start, dirty), now, Start, Start.AddDays(7), 300, 600, TimeZoneInfo.Utc);

        Assert.Equal(clean, read);
    }

    [Fact]
    public void Forecast_ConstantRateFewHours_EwmaExact()
    {
        // Ten complete hours of 6 and a partial one: 6 an hour; 60 + 3 spent at 10:30, 100 reached 37/6 hours later.
        var now = Start.AddHours(10.5);

        var forecast = SpendForecaster.Forecast(Flat(6, 11), now, Start, Start.AddDays(1), 63, 100, TimeZoneInfo.Utc);

        Assert.Equal(SpendForecastMethod.Ewma, forecast.Method);
        Assert.Equal(6, forecast.RatePerHour, 9);
        Assert.Equal(63 + (6 * 13.5), forecast.ProjectedAtPeriodEnd, 9);
        AssertClose(now.AddHours(37.0 / 6), forecast.ExhaustionAt);
        AssertClose(now.AddHours(37.0 / 6), forecast.ExhaustionEarliest);
        AssertClose(now.AddHours(37.0 / 6), forecast.ExhaustionLatest);
    }

    [Fact]
    public void Forecast_NowAfterPeriodEnd_ProjectsWhatIsSpent()
    {
        var forecast = SpendForecaster.Forecast(Flat(5, 48), Start.AddHours(47.5), Start, Start.AddDays(1), 120, 200, TimeZoneInfo.Utc);

        Assert.Equal(120, forecast.ProjectedAtPeriodEnd);
        Assert.Null(forecast.ExhaustionAt);
        Assert.Equal(5, forecast.RatePerHour, 9);
    }

    [Fact]
    public void Forecast_NowBeforePeriodStart_ProjectsFromThePeriodStart()
    {
        // The next day's period: nothing spent in it yet, 5 an hour from its start.
        var now = Start.AddHours(20.5);
        var next = Start.AddDays(1);

        var forecast = SpendForecaster.Forecast(Flat(5, 21), now, next, next.AddDays(1), 0, 100, TimeZoneInfo.Utc);

        Assert.Equal(120, forecast.ProjectedAtPeriodEnd, 9);
        AssertClose(next.AddHours(20), forecast.ExhaustionAt);
    }

    [Fact]
    public void Forecast_AlreadyExhausted_WhenItHappenedFromTheHistory()
    {
        // 10 an hour from the period start: 35 was reached at 03:30, 50 is spent at 05:00.
        var forecast = SpendForecaster.Forecast(Flat(10, 6), Start.AddHours(5), Start, Start.AddDays(1), 50, 35, TimeZoneInfo.Utc);

        AssertClose(Start.AddHours(3.5), forecast.ExhaustionAt);
        Assert.Equal(forecast.ExhaustionAt, forecast.ExhaustionEarliest);
        Assert.Equal(forecast.ExhaustionAt, forecast.ExhaustionLatest);
        Assert.True(forecast.ProjectedAtPeriodEnd >= 50);
    }

    [Fact]
    public void Forecast_AlreadyExhaustedWithoutHistory_Now()
    {
        var now = Start.AddHours(5);

        var forecast = SpendForecaster.Forecast(new SpendHistory(Start, []), now, Start, Start.AddDays(1), 50, 35, TimeZoneInfo.Utc);

        Assert.Equal(now, forecast.ExhaustionAt);
        Assert.Equal(now, forecast.ExhaustionEarliest);
        Assert.Equal(now, forecast.ExhaustionLatest);
    }

    [Fact]
    public void Forecast_HistoryLongerThanFiveWeeks_ReadsTheLastFiveWeeks()
    {
        var random = new Random(7);
        var hourly = Enumerable.Range(0, 10 * 168).Select(_ => random.NextDouble() * 10).ToArray();
        var now = Start.AddHours((10 * 168) - 0.5);
        var cut = (10 * 168) - SpendForecaster.MaxHistoryHours - 1;

        var full = SpendForecaster.Forecast(new SpendHistory(Start, hourly), now, now.AddDays(-3), now.AddDays(4), 100, 5000, SpendTraces.Berlin);
        var last = SpendForecaster.Forecast(new SpendHistory(Start.AddHours(cut), hourly[cut..]), now, now.AddDays(-3), now.AddDays(4), 100, 5000, SpendTraces.Berlin);

        Assert.Equal(SpendForecastMethod.WeekProfile, full.Method);
        Assert.Equal(last, full);
    }

    [Fact]
    public void Forecast_RollingWindow_NewSpendFillsWhatTheWindowHasLeft()
    {
        // A 7-day rolling window at 10 an hour: 1,680 in the window, 320 left of 2,000, filled 32 hours on.
        var now = Start.AddDays(7);

        var forecast = SpendForecaster.Forecast(Flat(10, (7 * 24) + 1), now, now.AddDays(-7), now.AddDays(7), 1680, 2000, TimeZoneInfo.Utc);

        Assert.Equal(SpendForecastMethod.HourOfDay, forecast.Method);
        AssertClose(now.AddHours(32), forecast.ExhaustionAt);
        Assert.Equal(1680 + (10 * 7 * 24), forecast.ProjectedAtPeriodEnd, 6);
    }

    [Fact]
    public void Bucket_BerlinAutumnDstChange_RepeatedHourMapsToLocalHourTwiceThenWinterTime()
    {
        // 2026-10-25 (last Sunday of October): 03:00 CEST becomes 02:00 CET at 01:00 UTC.
        var berlin = SpendTraces.Berlin;
        var sunday = new DateTimeOffset(2026, 10, 25, 0, 0, 0, TimeSpan.Zero);

        Assert.Equal(2, SpendProfile.Bucket(sunday.AddHours(-1).UtcTicks, 24, berlin) + 1);
        Assert.Equal(2, SpendProfile.Bucket(sunday.UtcTicks, 24, berlin));
        Assert.Equal(2, SpendProfile.Bucket(sunday.AddHours(1).UtcTicks, 24, berlin));
        Assert.Equal(3, SpendProfile.Bucket(sunday.AddHours(2).UtcTicks, 24, berlin));
        Assert.Equal((int)DayOfWeek.Sunday * 24 + 2, SpendProfile.Bucket(sunday.AddHours(1).UtcTicks, 168, berlin));
        Assert.Equal(12, SpendProfile.Bucket(sunday.AddDays(1).AddHours(11).UtcTicks, 24, berlin));
    }

    [Fact]
    public void Bucket_BerlinSpringDstChange_SkippedHourNeverMapped()
    {
        // 2026-03-29: 02:00 CET becomes 03:00 CEST at 01:00 UTC.
        var hours = Enumerable.Range(0, 24)
            .Select(h => SpendProfile.Bucket(new DateTimeOffset(2026, 3, 28, 23, 0, 0, TimeSpan.Zero).AddHours(h).UtcTicks, 24, SpendTraces.Berlin))
            .ToList();

        Assert.DoesNotContain(2, hours);
        Assert.Equal(23, hours.Distinct().Count());
    }

    [Fact]
    public void Forecast_DailyNoonSpikeAcrossAutumnDstChange_ProjectedAtLocalNoonInWinterTime()
    {
        // Spend only at 12:00 Berlin time, three weeks across the October DST change: 10:00 UTC before it, 11:00 UTC after.
        var berlin = SpendTraces.Berlin;
        var historyStart = new DateTimeOffset(2026, 10, 6, 0, 0, 0, TimeSpan.Zero);
        var now = new DateTimeOffset(2026, 10, 27, 0, 0, 0, TimeSpan.Zero);
        var hourly = new List<double>();
        for (var h = historyStart; h <= now; h += Hour)
        {
            hourly.Add(TimeZoneInfo.ConvertTime(h, berlin).Hour == 12 ? 100 : 0);
        }

        var dayStart = SpendTraces.Local(2026, 10, 27, 0, berlin);
        var forecast = SpendForecaster.Forecast(new SpendHistory(historyStart, hourly), now, dayStart, dayStart.AddDays(1), 0, 50, berlin);

        Assert.Equal(SpendForecastMethod.WeekProfile, forecast.Method);
        AssertClose(new DateTimeOffset(2026, 10, 27, 11, 30, 0, TimeSpan.Zero), forecast.ExhaustionAt);
        Assert.Equal(100, forecast.ProjectedAtPeriodEnd, 6);
    }

    private static SpendHistory Flat(double perHour, int hours) => new(Start, Enumerable.Repeat(perHour, hours).ToArray());

    private static void AssertClose(DateTimeOffset expected, DateTimeOffset? actual)
    {
        Assert.NotNull(actual);
        Assert.True(Math.Abs((actual.Value - expected).TotalSeconds) < 1, $"expected {expected:O}, got {actual:O}");
    }
}
