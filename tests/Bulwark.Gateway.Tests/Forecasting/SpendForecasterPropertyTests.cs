using Bulwark.Gateway.Forecasting;
using CsCheck;

namespace Bulwark.Gateway.Tests.Forecasting;

/// <summary>Properties over arbitrary histories, times, spend and limits, in zones with DST and odd offsets.</summary>
public class SpendForecasterPropertyTests
{
    private static readonly DateTimeOffset Base = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly TimeZoneInfo[] Zones =
    [
        TimeZoneInfo.Utc,
        SpendTraces.Berlin,
        SpendTraces.NewYork,
        TimeZoneInfo.FindSystemTimeZoneById("Australia/Lord_Howe"), // a 30-minute DST change
        TimeZoneInfo.FindSystemTimeZoneById("Asia/Kathmandu"), // UTC+05:45
    ];

    private static readonly Gen<double> HourlyValue = Gen.Frequency(
        (6, Gen.Double[0, 100]),
        (2, Gen.Const(0.0)),
        (1, Gen.Double),
        (1, Gen.OneOf(double.NaN, double.PositiveInfinity, double.NegativeInfinity, -1.0, double.MaxValue, double.Epsilon)));

    private static readonly Gen<Case> Cases = Gen.Select(
        HourlyValue.Array[0, 1200],
        Gen.Int[-100, 400],
        Gen.Double[-50, 1500],
        Gen.Double[0, 900],
        Gen.Double[0.01, 1200],
        Gen.Frequency((8, Gen.Double[0, 5000]), (1, Gen.Const(0.0)), (1, Gen.Double[0, 1e300])),
        Gen.Double[1e-3, 1e5],
        Gen.Int[0, Zones.Length - 1],
        static (hourly, startHours, nowHours, sinceStart, length, spent, limit, zone) =>
        {
            var now = Base.AddHours(nowHours);
            var periodStart = now.AddHours(-sinceStart);
            return new Case(new SpendHistory(Base.AddHours(startHours), hourly), now, periodStart, periodStart.AddHours(length), spent, limit, Zones[zone]);
        });

    [Fact]
    public void Forecast_ArbitraryInputs_NeverThrowsAndIsConsistent()
    {
        Cases.Sample(c =>
        {
            var f = c.Forecast(c.Spent);

            Assert.True(double.IsFinite(f.RatePerHour) && f.RatePerHour >= 0, $"rate {f.RatePerHour}");
            Assert.True(f.ProjectedAtPeriodEnd >= c.Spent, $"projected {f.ProjectedAtPeriodEnd} < spent {c.Spent}");
            if (f.ExhaustionAt is not { } at)
            {
                Assert.Null(f.ExhaustionEarliest);
                Assert.Null(f.ExhaustionLatest);
                Assert.True(c.Spent < c.Limit);
                return;
            }

            Assert.NotNull(f.ExhaustionEarliest);
            Assert.True(f.ExhaustionEarliest <= at, $"earliest {f.ExhaustionEarliest:O} after {at:O}");
            Assert.True(f.ExhaustionLatest is null || at <= f.ExhaustionLatest, $"latest {f.ExhaustionLatest:O} before {at:O}");
            if (c.Spent >= c.Limit)
            {
                Assert.True(at <= c.Now, $"exhausted at {at:O}, after now {c.Now:O}");
            }
            else
            {
                Assert.True(at >= c.Now && at >= c.PeriodStart && at <= c.PeriodEnd, $"exhaustion {at:O} outside [now, period end]");
            }
        }, iter: 2_000);
    }

    [Fact]
    public void Forecast_MoreSpentAllElseEqual_NeverLaterExhaustion()
    {
        Gen.Select(Cases, Gen.Double[0, 5000]).Sample((c, more) =>
        {
            var less = c.Forecast(c.Spent).ExhaustionAt ?? DateTimeOffset.MaxValue;
            var moreSpent = c.Forecast(c.Spent + more).ExhaustionAt ?? DateTimeOffset.MaxValue;

            Assert.True(moreSpent <= less, $"spent {c.Spent}: {less:O}; spent {c.Spent + more}: {moreSpent:O}");
        }, iter: 2_000);
    }

    [Fact]
    public void Forecast_InvalidLimitOrPeriod_ArgumentException()
    {
        Gen.Select(Cases, Gen.Double[-1e6, 0], Gen.Double[0, 1000]).Sample((c, badLimit, backwards) =>
        {
            Assert.Throws<ArgumentException>(() => SpendForecaster.Forecast(c.History, c.Now, c.PeriodStart, c.PeriodEnd, c.Spent, badLimit, c.Zone));
            Assert.Throws<ArgumentException>(() => SpendForecaster.Forecast(c.History, c.Now, c.PeriodStart, c.PeriodStart.AddHours(-backwards), c.Spent, c.Limit, c.Zone));
        }, iter: 200);
    }

    internal sealed record Case(SpendHistory History, DateTimeOffset Now, DateTimeOffset PeriodStart, DateTimeOffset PeriodEnd, double Spent, double Limit, TimeZoneInfo Zone)
    {
        public SpendForecast Forecast(double spent) => SpendForecaster.Forecast(History, Now, PeriodStart, PeriodEnd, spent, Limit, Zone);

        public override string ToString() =>
            $"history {History.Start:O} x{History.Hourly.Count} [{string.Join(", ", History.Hourly.Take(30))}...], now {Now:O}, period {PeriodStart:O} - {PeriodEnd:O}, spent {Spent}, limit {Limit}, zone {Zone.Id}";
    }
}
