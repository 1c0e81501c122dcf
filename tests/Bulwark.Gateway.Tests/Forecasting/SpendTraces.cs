namespace Bulwark.Gateway.Tests.Forecasting;

/// <summary>The synthetic traces the forecast is measured on (seeded; hourly noise uniform in ±20%).</summary>
internal static class SpendTraces
{
    public const double Noise = 0.2;

    public static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
    public static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    /// <summary>10 per hour, December 2026 in UTC, two days of history before the period.</summary>
    public static SpendTrace Constant(int seed = 1) => new(
        "constant rate",
        TimeZoneInfo.Utc,
        HistoryStart: Utc(2026, 11, 29),
        PeriodStart: Utc(2026, 12, 1),
        PeriodEnd: Utc(2027, 1, 1),
        Rate: static _ => 10,
        Noise,
        seed);

    /// <summary>
    /// 10 per hour, then 10 × <paramref name="factor"/> from 15% of the period on; the calendar month November 2026 in
    /// Berlin, history from the period start (hours after the step: 36 at the 20% checkpoint).
    /// </summary>
    public static SpendTrace StepUp(int seed = 2, double factor = 3)
    {
        var start = Local(2026, 11, 1, 0, Berlin);
        var end = Local(2026, 12, 1, 0, Berlin);
        var step = start + TimeSpan.FromHours(Math.Round((end - start).TotalHours * 0.15));
        return new($"step up ×{factor} at 15%", Berlin, start, start, end, h => h < step ? 10 : 10 * factor, Noise, seed);
    }

    /// <summary>
    /// Weekdays busy (40 per hour 09:00-18:00 local, 8 otherwise), weekends quiet (2 per hour); the calendar month
    /// November 2026 in New York (DST ends on its first day), three weeks of history before it. The test limit is reached
    /// on Thursday 26 November at 13:00 local, inside a busy block. At 92% of the total it would fall on Friday morning, two
    /// busy hours after a 15-hour quiet night: a projection 1% high then moves the crossing back across that night, so the
    /// error in time says more about where the cliff is than about the rate (measured over 20 seeds: 1 of 80 cases above
    /// 10% of the remaining time, 10.5%; worst 5.1% of the period length).
    /// </summary>
    public static SpendTrace Weekly(int seed = 3)
    {
        var start = Local(2026, 11, 1, 0, NewYork);
        return new(
            "weekly pattern",
            NewYork,
            HistoryStart: start - TimeSpan.FromDays(21),
            PeriodStart: start,
            PeriodEnd: Local(2026, 12, 1, 0, NewYork),
            Rate: static h =>
            {
                var local = TimeZoneInfo.ConvertTime(h, NewYork);
                return local.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday ? 2
                    : local.Hour is >= 9 and < 18 ? 40
                    : 8;
            },
            Noise,
            seed)
        {
            LimitTarget = Local(2026, 11, 26, 13, NewYork),
        };
    }

    /// <summary>20 ± 15 per hour over the local day (peak at 15:00); the day 7 December 2026 in Berlin, ten days of history.</summary>
    public static SpendTrace Daily(int seed = 4)
    {
        var start = Local(2026, 12, 7, 0, Berlin);
        return new(
            "daily pattern",
            Berlin,
            HistoryStart: start - TimeSpan.FromDays(10),
            PeriodStart: start,
            PeriodEnd: Local(2026, 12, 8, 0, Berlin),
            Rate: static h =>
            {
                var local = TimeZoneInfo.ConvertTime(h, Berlin);
                return 20 + (15 * Math.Sin(2 * Math.PI * (local.Hour - 9) / 24));
            },
            Noise,
            seed);
    }

    public static DateTimeOffset Utc(int year, int month, int day, int hour = 0) => new(year, month, day, hour, 0, 0, TimeSpan.Zero);

    /// <summary>A local wall-clock time in <paramref name="zone"/>, as UTC.</summary>
    public static DateTimeOffset Local(int year, int month, int day, int hour, TimeZoneInfo zone)
    {
        var local = new DateTime(year, month, day, hour, 0, 0, DateTimeKind.Unspecified);
        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(local, zone), TimeSpan.Zero);
    }
}
