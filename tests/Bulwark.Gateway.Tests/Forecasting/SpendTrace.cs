using Bulwark.Gateway.Forecasting;

namespace Bulwark.Gateway.Tests.Forecasting;

/// <summary>
/// A synthetic spend trace: a noise-free hourly rate (a function of the hour's UTC start), observed hour by hour with
/// seeded multiplicative noise, uniform in ±<see cref="Noise"/>. The truth a forecast is judged against continues the
/// trace from <c>now</c> with its generating process, noise-free.
/// </summary>
internal sealed record SpendTrace(
    string Name,
    TimeZoneInfo Zone,
    DateTimeOffset HistoryStart,
    DateTimeOffset PeriodStart,
    DateTimeOffset PeriodEnd,
    Func<DateTimeOffset, double> Rate,
    double Noise,
    int Seed)
{
    public static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    public TimeSpan PeriodLength => PeriodEnd - PeriodStart;

    public DateTimeOffset At(double fractionOfPeriod) => PeriodStart + (PeriodLength * fractionOfPeriod);

    /// <summary>The noise-free total of the whole period.</summary>
    public double NoiseFreeTotal() => NoiseFreeUntil(PeriodEnd);

    /// <summary>The noise-free spend of the period up to <paramref name="until"/>.</summary>
    public double NoiseFreeUntil(DateTimeOffset until)
    {
        var total = 0.0;
        for (var h = PeriodStart; h < until; h += Hour)
        {
            total += Rate(h) * Math.Min(1, (until - h) / Hour);
        }

        return total;
    }

    /// <summary>
    /// The limit the accuracy tests use: the noise-free spend up to <see cref="LimitTarget"/> when set, else 92% of the
    /// period's noise-free total (so the truth falls near the end of the period, after the 80% checkpoint).
    /// </summary>
    public double Limit() => LimitTarget is { } target ? NoiseFreeUntil(target) : 0.92 * NoiseFreeTotal();

    /// <summary>Where the noise-free trace reaches the test limit; null: at 92% of the period's total.</summary>
    public DateTimeOffset? LimitTarget { get; init; }

    /// <summary>The history up to <paramref name="now"/> (the last hour partial) and the period's spend so far.</summary>
    public (SpendHistory History, double Spent) ObserveAt(DateTimeOffset now)
    {
        var random = new Random(Seed);
        var hourly = new List<double>();
        var spent = 0.0;
        for (var h = HistoryStart; h < now; h += Hour)
        {
            var noise = 1 + (Noise * ((2 * random.NextDouble()) - 1));
            var fraction = Math.Min(1, (now - h) / Hour);
            var x = Rate(h) * noise * fraction;
            hourly.Add(x);
            if (h >= PeriodStart)
            {
                spent += x;
            }
        }

        return (new SpendHistory(HistoryStart, hourly), spent);
    }

    /// <summary>When the spend so far plus the noise-free continuation reaches <paramref name="limit"/>; null when not in the period.</summary>
    public DateTimeOffset? TrueExhaustion(DateTimeOffset now, double spent, double limit)
    {
        var cumulative = spent;
        var t = now;
        var h = HistoryStart + (Hour * Math.Floor((now - HistoryStart) / Hour));
        for (; t < PeriodEnd; h += Hour)
        {
            var segmentEnd = h + Hour < PeriodEnd ? h + Hour : PeriodEnd;
            var rate = Rate(h);
            var amount = rate * ((segmentEnd - t) / Hour);
            if (cumulative + amount >= limit)
            {
                return t + (Hour * ((limit - cumulative) / rate));
            }

            cumulative += amount;
            t = segmentEnd;
        }

        return null;
    }

    /// <summary>The period's total: the spend so far plus the noise-free continuation.</summary>
    public double TrueTotal(DateTimeOffset now, double spent)
    {
        var total = spent;
        var t = now;
        for (var h = HistoryStart + (Hour * Math.Floor((now - HistoryStart) / Hour)); t < PeriodEnd; h += Hour)
        {
            var segmentEnd = h + Hour < PeriodEnd ? h + Hour : PeriodEnd;
            total += Rate(h) * ((segmentEnd - t) / Hour);
            t = segmentEnd;
        }

        return total;
    }

    public override string ToString() => Name;
}
