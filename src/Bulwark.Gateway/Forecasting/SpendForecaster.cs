namespace Bulwark.Gateway.Forecasting;

/// <summary>
/// Projects a budget's spend to the end of its period: the current rate, the total at the period end, and when the
/// limit is reached, with an interval. Pure and unit-free (currency or tokens alike); not a hot path.
/// </summary>
/// <remarks>
/// <para><b>Rate.</b> The level is an exponentially weighted mean of the complete hours of the history (the current,
/// partial hour is left out: it is still filling). Two are kept: a slow one, half-life <see cref="SlowHalfLifeHours"/> =
/// 48 hours, used while the rate holds (it averages the hourly noise over about four days), and a fast one, half-life
/// <see cref="FastHalfLifeHours"/> = 6 hours, used when the two differ by more than <see cref="ChangeThreshold"/> = 3
/// standard errors of the fast one: a change in rate (a step up is 94% absorbed a day later). The EWMAs run over the
/// history, not only the period so far: a period boundary does not change how fast a budget is spent, and at the start of
/// a period the period alone has no hours. At most the last <see cref="MaxHistoryHours"/> (5 weeks) are read, starting at
/// the first hour with spend.</para>
/// <para><b>Profile.</b> With at least <see cref="WeekProfileMinimumHours"/> (2 weeks) of history the rate is shaped by a
/// day-of-week × hour-of-day profile, with at least <see cref="HourOfDayProfileMinimumHours"/> (2 days) by an hour-of-day
/// profile, else it is flat (<see cref="SpendProfile.Estimate"/> says how a profile is estimated). Hours are bucketed by
/// their local time in the budget's zone, hour by hour, so DST changes are followed. With a profile the level is the
/// ratio estimator Σ w·spend / Σ w·factor over the same weights, so quiet hours (factor near 0) neither dominate nor
/// divide by zero; the rate of a future hour is level × that hour's factor.</para>
/// <para><b>Projection.</b> Spend so far (<c>spent</c>, authoritative) plus the rate integrated hour by hour from
/// <c>now</c> (or the period start, if later) to the period end; beyond <see cref="MaxWalkHours"/> hours the flat level is
/// used. Exhaustion is where that cumulative spend crosses the limit (linear within the hour).</para>
/// <para><b>Interval.</b> A low and a high factor on the level, 1 ∓ <see cref="IntervalZ"/> (1.2816) × the hourly noise:
/// the 10th and 90th percentiles of the hourly rate around the level, the noise being the robust spread of the ratios
/// spend / (level × factor) over the last <see cref="RecentWindowHours"/> (168) complete hours (median absolute
/// difference of consecutive hours, which a step in the rate does not inflate); widened to include the other EWMA's
/// level. Earliest is the crossing at level × high, latest at level × low: the recent hourly spread held for the rest of
/// the period (wide on purpose: where the rate has been, not a confidence interval of its mean), and what the other
/// horizon says (after a change: "if it returns to the old rate"). With <see cref="SpendForecastMethod.None"/> the factors
/// are ½ and 2.</para>
/// <para><b>Rolling windows.</b> The caller passes <c>periodStart = now − window</c> and <c>periodEnd = now + window</c>:
/// the projection then reads as "the spend of the last window plus the next window's", and exhaustion as "when new spend
/// fills what the window has left", without crediting spend that leaves the window meanwhile: an early (cautious)
/// estimate.</para>
/// </remarks>
internal static class SpendForecaster
{
    /// <summary>The half-life of the fast EWMA of the hourly spend, used after a change in rate, in hours: 6.</summary>
    public const double FastHalfLifeHours = 6;

    /// <summary>The half-life of the slow EWMA of the hourly spend, used while the rate holds, in hours: 48.</summary>
    public const double SlowHalfLifeHours = 48;

    /// <summary>
    /// How many standard errors the fast level must differ from the slow one to count as a change in rate: 3. The
    /// standard error is the hourly noise (see <see cref="RecentWindowHours"/>) times the fast EWMA's dispersion
    /// √Σ(w·factor)² / Σ w·factor.
    /// </summary>
    public const double ChangeThreshold = 3;

    /// <summary>The most history read: 5 weeks (840 hours) before the current hour.</summary>
    public const int MaxHistoryHours = 5 * 7 * 24;

    /// <summary>Complete hours from the first spend that give a day-of-week × hour-of-day profile: 2 weeks (336).</summary>
    public const int WeekProfileMinimumHours = 2 * 7 * 24;

    /// <summary>Complete hours from the first spend that give an hour-of-day profile: 2 days (48).</summary>
    public const int HourOfDayProfileMinimumHours = 2 * 24;

    /// <summary>Complete hours from the first spend below which the method is <see cref="SpendForecastMethod.None"/>: 3.</summary>
    public const int MinimumEwmaHours = 3;

    /// <summary>
    /// The recent complete hours whose ratios spend / (level × factor) give the hourly noise of the change test and the
    /// interval's percentiles: 168 (a week).
    /// </summary>
    public const int RecentWindowHours = 7 * 24;

    /// <summary>
    /// The interval's factors are 1 ∓ this × the hourly noise: 1.2816, the normal distribution's 90th percentile, so they
    /// are the 10th and 90th percentiles of the hourly rate.
    /// </summary>
    public const double IntervalZ = 1.2816;

    /// <summary>The hours walked one by one through the profile; beyond, the flat level is used: 400 days.</summary>
    public const int MaxWalkHours = 400 * 24;

    // Larger hourly values are capped so that sums over the history stay finite.
    private const double MaxHourly = 1e250;

    // The high interval factor is capped so that a near-zero profile factor cannot make the rate infinite.
    private const double MaxIntervalFactor = 1e3;

    private const double NoneIntervalFactor = 2;

    /// <summary>Forecasts the spend of one budget.</summary>
    /// <param name="history">The budget's hourly spend (see <see cref="SpendHistory"/>); entries after <paramref name="now"/> are ignored.</param>
    /// <param name="now">The time of the forecast.</param>
    /// <param name="periodStart">The start of the budget's period.</param>
    /// <param name="periodEnd">The end of the budget's period; after <paramref name="periodStart"/>.</param>
    /// <param name="spent">What the period has spent so far (authoritative; the history may lag it). NaN, infinite or negative reads as 0.</param>
    /// <param name="limit">The budget's limit; greater than 0.</param>
    /// <param name="zone">The budget's time zone, for the profile's local hours.</param>
    /// <exception cref="ArgumentException"><paramref name="limit"/> is not greater than 0, or the period is empty.</exception>
    public static SpendForecast Forecast(SpendHistory history, DateTimeOffset now, DateTimeOffset periodStart,
        DateTimeOffset periodEnd, double spent, double limit, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(history.Hourly, nameof(history));
        ArgumentNullException.ThrowIfNull(zone);
        if (!(limit > 0))
        {
            throw new ArgumentException($"The limit must be greater than 0; it is {limit}.", nameof(limit));
        }

        if (periodEnd <= periodStart)
        {
            throw new ArgumentException($"The period must end after it starts; it starts at {periodStart:O} and ends at {periodEnd:O}.", nameof(periodEnd));
        }

        spent = spent > 0 && double.IsFinite(spent) ? spent : 0;
        var hours = CompleteHours(history, now.UtcTicks);
        var method = ChooseMethod(hours.Length);

        double level;
        SpendProfile profile;
        double low, high;
        if (method == SpendForecastMethod.None)
        {
            profile = SpendProfile.Flat;
            var elapsedHours = (double)(Math.Min(now.UtcTicks, periodEnd.UtcTicks) - periodStart.UtcTicks) / TimeSpan.TicksPerHour;
            level = Clean(spent) / Math.Max(elapsedHours, 1);
            (low, high) = (1 / NoneIntervalFactor, NoneIntervalFactor);
        }
        else
        {
            var firstTicks = history.Start.UtcTicks + (hours.FirstIndex * TimeSpan.TicksPerHour);
            profile = method switch
            {
                SpendForecastMethod.WeekProfile => SpendProfile.Estimate(hours.Values, firstTicks, 7 * 24, zone),
                SpendForecastMethod.HourOfDay => SpendProfile.Estimate(hours.Values, firstTicks, 24, zone),
                _ => SpendProfile.Flat,
            };
            var factors = new double[hours.Length];
            for (var i = 0; i < factors.Length; i++)
            {
                factors[i] = profile.Factor(firstTicks + (i * TimeSpan.TicksPerHour));
            }

            (level, low, high) = LevelAndInterval(hours.Values, factors);
        }

        var gridTicks = history.Start.UtcTicks;
        var currentHourTicks = gridTicks + (FloorDiv(now.UtcTicks - gridTicks, TimeSpan.TicksPerHour) * TimeSpan.TicksPerHour);
        var rate = Finite(level * profile.Factor(currentHourTicks));

        var from = Math.Max(now.UtcTicks, periodStart.UtcTicks);
        var end = periodEnd.UtcTicks;
        var central = Walk(profile, gridTicks, from, end, level, spent, limit);
        var projected = Math.Max(spent, Finite(spent + central.Added));

        if (spent >= limit)
        {
            var at = ExhaustedAt(history, now.UtcTicks, periodStart.UtcTicks, spent - limit);
            return new SpendForecast(rate, projected, at, at, at, method);
        }

        if (central.CrossingTicks is not long atTicks)
        {
            return new SpendForecast(rate, projected, null, null, null, method);
        }

        var earliestTicks = Walk(profile, gridTicks, from, end, level * high, spent, limit).CrossingTicks ?? atTicks;
        var latestTicks = Walk(profile, gridTicks, from, end, level * low, spent, limit).CrossingTicks;
        return new SpendForecast(
            rate,
            projected,
            Utc(atTicks),
            Utc(Math.Min(earliestTicks, atTicks)),
            latestTicks is long late ? Utc(Math.Max(late, atTicks)) : null,
            method);
    }

    private static SpendForecastMethod ChooseMethod(int completeHours) => completeHours switch
    {
        >= WeekProfileMinimumHours => SpendForecastMethod.WeekProfile,
        >= HourOfDayProfileMinimumHours => SpendForecastMethod.HourOfDay,
        >= MinimumEwmaHours => SpendForecastMethod.Ewma,
        _ => SpendForecastMethod.None,
    };

    /// <summary>
    /// The complete hours before <paramref name="nowTicks"/>, at most the last <see cref="MaxHistoryHours"/>, starting at
    /// the first with spend (none when nothing was spent), cleaned.
    /// </summary>
    private static CompleteHourSpan CompleteHours(SpendHistory history, long nowTicks)
    {
        var count = history.Hourly.Count;
        var nowIndex = FloorDiv(nowTicks - history.Start.UtcTicks, TimeSpan.TicksPerHour);
        var last = (int)Math.Clamp(nowIndex, 0, count);
        var first = Math.Max(0, last - MaxHistoryHours);
        while (first < last && Clean(history.Hourly[first]) == 0)
        {
            first++;
        }

        var values = new double[last - first];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = Clean(history.Hourly[first + i]);
        }

        return new CompleteHourSpan(first, values);
    }

    /// <summary>
    /// The level (fast or slow EWMA, whichever the change test picks) and the interval's low and high factors.
    /// </summary>
    private static (double Level, double Low, double High) LevelAndInterval(double[] hourly, double[] factors)
    {
        var fast = Ewma(hourly, factors, FastHalfLifeHours);
        var slow = Ewma(hourly, factors, SlowHalfLifeHours);
        if (!(fast.Level > 0))
        {
            return (slow.Level, 1, 1);
        }

        var noise = HourlyNoise(hourly, factors, fast.Level);
        var changed = !(slow.Level > 0) || Math.Abs((fast.Level / slow.Level) - 1) > ChangeThreshold * noise * fast.Dispersion;
        var (level, other) = changed ? (fast.Level, slow.Level) : (slow.Level, fast.Level);

        var spread = IntervalZ * noise;
        var low = Math.Max(0, Math.Min(Math.Min(1 - spread, other / level), 1));
        var high = Math.Max(Math.Max(1 + spread, other / level), 1);
        return (level, low, Math.Min(high, MaxIntervalFactor));
    }

    /// <summary>
    /// The EWMA level Σ w·spend / Σ w·factor, w halving every <paramref name="halfLifeHours"/> back from the last hour,
    /// and its dispersion √Σ(w·factor)² / Σ w·factor (the standard error of the level relative to the hourly noise).
    /// </summary>
    private static EwmaLevel Ewma(double[] hourly, double[] factors, double halfLifeHours)
    {
        var decay = Math.Pow(0.5, 1 / halfLifeHours);
        double weight = 1, spend = 0, shape = 0, shapeSquares = 0, weights = 0;
        for (var i = hourly.Length - 1; i >= 0 && weight > 1e-12; i--)
        {
            var w = weight * factors[i];
            spend += weight * hourly[i];
            shape += w;
            shapeSquares += w * w;
            weights += weight;
            weight *= decay;
        }

        if (shape > 1e-9 * weights)
        {
            return new EwmaLevel(Finite(spend / shape), Math.Sqrt(shapeSquares) / shape);
        }

        // The recent hours all fall in buckets the profile calls empty: the plain mean over the whole history instead.
        double total = 0, totalShape = 0;
        for (var i = 0; i < hourly.Length; i++)
        {
            total += hourly[i];
            totalShape += factors[i];
        }

        return new EwmaLevel(totalShape > 0 ? Finite(total / totalShape) : 0, 1);
    }

    /// <summary>
    /// The relative hourly noise: from the ratios spend / (level × factor) of the last <see cref="RecentWindowHours"/>
    /// complete hours, the median absolute difference of consecutive ratios / (0.6745 × √2), the robust estimate of a
    /// standard deviation that a change of level (one large difference) does not inflate.
    /// </summary>
    private static double HourlyNoise(double[] hourly, double[] factors, double level)
    {
        var from = Math.Max(0, hourly.Length - RecentWindowHours);
        var differences = new List<double>(RecentWindowHours);
        var previous = double.NaN;
        for (var i = from; i < hourly.Length; i++)
        {
            if (factors[i] > 0)
            {
                var ratio = Math.Min(hourly[i] / (level * factors[i]), MaxIntervalFactor);
                if (!double.IsNaN(previous))
                {
                    differences.Add(Math.Abs(ratio - previous));
                }

                previous = ratio;
            }
        }

        if (differences.Count == 0)
        {
            return 0;
        }

        differences.Sort();
        return Quantile(differences, 0.5) / (0.6745 * Math.Sqrt(2));
    }

    /// <summary>The <paramref name="q"/>-quantile of sorted values, linear between order statistics.</summary>
    private static double Quantile(List<double> sorted, double q)
    {
        var position = q * (sorted.Count - 1);
        var below = (int)Math.Floor(position);
        var above = Math.Min(below + 1, sorted.Count - 1);
        return sorted[below] + ((position - below) * (sorted[above] - sorted[below]));
    }

    /// <summary>
    /// Integrates level × profile from <paramref name="fromTicks"/> to <paramref name="endTicks"/> in the history's hour
    /// grid, and finds where spent plus that reaches the limit.
    /// </summary>
    private static WalkResult Walk(SpendProfile profile, long gridTicks, long fromTicks, long endTicks, double level, double spent, double limit)
    {
        var need = limit - spent;
        double added = 0;
        long? crossing = null;
        var t = fromTicks;
        for (var steps = 0; t < endTicks; steps++)
        {
            var hourStart = gridTicks + (FloorDiv(t - gridTicks, TimeSpan.TicksPerHour) * TimeSpan.TicksPerHour);
            var segmentEnd = endTicks - hourStart > TimeSpan.TicksPerHour ? hourStart + TimeSpan.TicksPerHour : endTicks;
            var factor = 1.0;
            if (steps >= MaxWalkHours)
            {
                segmentEnd = endTicks;
            }
            else
            {
                factor = profile.Factor(hourStart);
            }

            var rate = Finite(level * factor);
            var amount = Finite(rate * (segmentEnd - t) / TimeSpan.TicksPerHour);
            if (crossing is null && need > 0 && rate > 0 && added + amount >= need)
            {
                var span = (need - added) / rate * TimeSpan.TicksPerHour;
                crossing = t + (long)Math.Clamp(span, 0, segmentEnd - t);
            }

            added = Finite(added + amount);
            t = segmentEnd;
        }

        return new WalkResult(added, crossing);
    }

    /// <summary>
    /// When an exhausted budget reached its limit: walking back from now through the history (inside the period) until
    /// the spend passed is the overshoot <paramref name="over"/>. When the history inside the period holds less than that
    /// (it lags), the earliest hour it covers; with no history inside the period, now.
    /// </summary>
    private static DateTimeOffset ExhaustedAt(SpendHistory history, long nowTicks, long periodStartTicks, double over)
    {
        var start = history.Start.UtcTicks;
        var count = history.Hourly.Count;
        var index = (int)Math.Clamp(FloorDiv(nowTicks - start, TimeSpan.TicksPerHour), -1, count - 1);
        var stop = Math.Max(-1, index - MaxHistoryHours - 1);
        double passed = 0;
        long? earliest = null;
        for (var i = index; i > stop; i--)
        {
            var hourStart = start + (i * TimeSpan.TicksPerHour);
            var segmentStart = Math.Max(hourStart, periodStartTicks);
            var segmentEnd = Math.Min(hourStart + TimeSpan.TicksPerHour, nowTicks);
            if (segmentEnd <= segmentStart)
            {
                if (hourStart + TimeSpan.TicksPerHour <= periodStartTicks)
                {
                    break;
                }

                continue;
            }

            earliest = segmentStart;
            var amount = Clean(history.Hourly[i]) * (segmentEnd - segmentStart) / TimeSpan.TicksPerHour;
            if (passed + amount >= over)
            {
                var fraction = amount > 0 ? (over - passed) / amount : 0;
                return Utc(segmentEnd - (long)(fraction * (segmentEnd - segmentStart)));
            }

            passed += amount;
        }

        return Utc(earliest ?? nowTicks);
    }

    private static double Clean(double value) => value > 0 && double.IsFinite(value) ? Math.Min(value, MaxHourly) : 0;

    private static double Finite(double value) => value > 0 ? Math.Min(value, double.MaxValue) : 0;

    private static long FloorDiv(long a, long b) => (a / b) - ((a % b) < 0 ? 1 : 0);

    private static DateTimeOffset Utc(long ticks) =>
        new(Math.Clamp(ticks, DateTimeOffset.MinValue.UtcTicks, DateTimeOffset.MaxValue.UtcTicks), TimeSpan.Zero);

    private readonly record struct CompleteHourSpan(int FirstIndex, double[] Values)
    {
        public int Length => Values.Length;
    }

    private readonly record struct EwmaLevel(double Level, double Dispersion);

    private readonly record struct WalkResult(double Added, long? CrossingTicks);
}
