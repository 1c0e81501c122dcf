namespace Bulwark.Gateway.Forecasting;

/// <summary>
/// The shape of a budget's spend over the day or the week, in local time: one factor per local hour of the day
/// (24 buckets) or per local day-of-week and hour (168 buckets), averaging 1 over the buckets. A flat profile has one
/// bucket of 1.
/// </summary>
internal sealed class SpendProfile
{
    private readonly double[] _factors;
    private readonly TimeZoneInfo _zone;

    private SpendProfile(double[] factors, TimeZoneInfo zone)
    {
        _factors = factors;
        _zone = zone;
    }

    public static SpendProfile Flat { get; } = new([1.0], TimeZoneInfo.Utc);

    public bool IsFlat => _factors.Length == 1;

    /// <summary>The factor of the hour that starts at <paramref name="hourStartUtcTicks"/>.</summary>
    public double Factor(long hourStartUtcTicks) => IsFlat ? 1.0 : _factors[Bucket(hourStartUtcTicks, _factors.Length, _zone)];

    /// <summary>
    /// The bucket of an hour from its local time in <paramref name="zone"/>. The offset is taken per hour, so hours on
    /// either side of a DST change land in their own local hour (the repeated autumn hour twice, the skipped spring hour
    /// never).
    /// </summary>
    public static int Bucket(long hourStartUtcTicks, int buckets, TimeZoneInfo zone)
    {
        var ticks = Math.Clamp(hourStartUtcTicks, DateTime.MinValue.Ticks + TimeSpan.TicksPerDay, DateTime.MaxValue.Ticks - TimeSpan.TicksPerDay);
        var utc = new DateTime(ticks, DateTimeKind.Utc);
        var local = utc + zone.GetUtcOffset(utc);
        return buckets == 24 ? local.Hour : ((int)local.DayOfWeek * 24) + local.Hour;
    }

    /// <summary>
    /// Estimates the profile by ratio to a moving average, shrunk towards what the data can tell apart from noise.
    /// <list type="number">
    /// <item>Each hour's spend is divided by the mean spend of the <paramref name="buckets"/> hours around it (one whole
    /// day or week, so that level carries no daily or weekly shape; centred where the history allows, shifted inwards at
    /// its ends). A change of level (a step up) therefore disturbs the ratios only near the step.</item>
    /// <item>The ratios are averaged per local hour of the day, and those 24 means are shrunk towards their mean by the
    /// James-Stein factor max(0, 1 − noise / spread): noise is the pooled within-hour variance over the mean sample count,
    /// spread the variance of the 24 means. A flat trace thus gets a flat profile instead of one that copies its
    /// noise.</item>
    /// <item>For a week profile, the day-of-week × hour means are shrunk the same way towards the hour-of-day
    /// profile.</item>
    /// </list>
    /// Buckets without a sample (the hour a spring DST change skips) take their neighbours' mean; the factors are scaled
    /// to average 1.
    /// </summary>
    /// <param name="hourly">Complete hours, oldest first, at least <paramref name="buckets"/> of them.</param>
    /// <param name="firstHourUtcTicks">The start of the first hour.</param>
    /// <param name="buckets">24 (hour of day) or 168 (day of week × hour of day).</param>
    /// <param name="zone">The zone whose local hours the buckets are.</param>
    public static SpendProfile Estimate(ReadOnlySpan<double> hourly, long firstHourUtcTicks, int buckets, TimeZoneInfo zone)
    {
        var n = hourly.Length;
        var prefix = new double[n + 1];
        for (var i = 0; i < n; i++)
        {
            prefix[i + 1] = prefix[i] + hourly[i];
        }

        var ratios = new double[n];
        var bucketOf = new int[n];
        var window = Math.Min(buckets, n);
        for (var i = 0; i < n; i++)
        {
            var lo = Math.Max(0, i - (window / 2));
            var hi = Math.Min(n, lo + window);
            lo = hi - window;
            var level = (prefix[hi] - prefix[lo]) / window;
            bucketOf[i] = level > 0 ? Bucket(firstHourUtcTicks + (i * TimeSpan.TicksPerHour), buckets, zone) : -1;
            ratios[i] = level > 0 ? hourly[i] / level : 0;
        }

        // Hour of day: bucket mod 24 is the local hour in both layouts.
        var hourMeans = Means(ratios, bucketOf, 24, static b => b % 24);
        var factors = Shrink(ratios, bucketOf, hourMeans, static b => b % 24, _ => hourMeans.GrandMean);
        if (buckets != 24)
        {
            var hourFactors = factors;
            var weekMeans = Means(ratios, bucketOf, buckets, static b => b);
            factors = Shrink(ratios, bucketOf, weekMeans, static b => b, b => hourFactors[b % 24]);
        }

        FillGaps(factors);
        var mean = 0.0;
        foreach (var f in factors)
        {
            mean += f;
        }

        mean /= buckets;
        if (!(mean > 0) || !double.IsFinite(mean))
        {
            return Flat;
        }

        for (var b = 0; b < factors.Length; b++)
        {
            factors[b] = Math.Max(0, factors[b] / mean);
        }

        return new SpendProfile(factors, zone);
    }

    private static BucketMeans Means(double[] ratios, int[] bucketOf, int buckets, Func<int, int> map)
    {
        var sums = new double[buckets];
        var counts = new int[buckets];
        for (var i = 0; i < ratios.Length; i++)
        {
            if (bucketOf[i] >= 0)
            {
                var b = map(bucketOf[i]);
                sums[b] += ratios[i];
                counts[b]++;
            }
        }

        double total = 0;
        var samples = 0;
        for (var b = 0; b < buckets; b++)
        {
            total += sums[b];
            samples += counts[b];
            sums[b] = counts[b] > 0 ? sums[b] / counts[b] : double.NaN;
        }

        return new BucketMeans(sums, counts, samples > 0 ? total / samples : 1);
    }

    /// <summary>
    /// Each bucket mean moved towards its target by the James-Stein factor c = max(0, 1 − noise / spread), where noise is
    /// the pooled within-bucket variance times the mean of 1/count and spread the mean squared distance of the bucket
    /// means from their targets: factor = target + c · (mean − target). Empty buckets stay NaN.
    /// </summary>
    private static double[] Shrink(double[] ratios, int[] bucketOf, BucketMeans means, Func<int, int> map, Func<int, double> target)
    {
        var buckets = means.Values.Length;
        double within = 0;
        var samples = 0;
        for (var i = 0; i < ratios.Length; i++)
        {
            if (bucketOf[i] >= 0)
            {
                var d = ratios[i] - means.Values[map(bucketOf[i])];
                within += d * d;
                samples++;
            }
        }

        double spread = 0, inverseCounts = 0;
        var filled = 0;
        for (var b = 0; b < buckets; b++)
        {
            if (means.Counts[b] > 0)
            {
                var d = means.Values[b] - target(b);
                spread += d * d;
                inverseCounts += 1.0 / means.Counts[b];
                filled++;
            }
        }

        var shrink = 0.0;
        if (filled > 0 && samples > filled && spread > 0)
        {
            var noise = within / (samples - filled) * (inverseCounts / filled);
            shrink = Math.Clamp(1 - (noise / (spread / filled)), 0, 1);
        }

        var factors = new double[buckets];
        for (var b = 0; b < buckets; b++)
        {
            factors[b] = means.Counts[b] > 0 ? target(b) + (shrink * (means.Values[b] - target(b))) : double.NaN;
        }

        return factors;
    }

    private readonly record struct BucketMeans(double[] Values, int[] Counts, double GrandMean);

    private static void FillGaps(double[] factors)
    {
        var n = factors.Length;
        var filled = (double[])factors.Clone();
        for (var b = 0; b < n; b++)
        {
            if (!double.IsNaN(factors[b]))
            {
                continue;
            }

            // The nearest sampled bucket on each side (circularly); 1 when no bucket has a sample.
            double before = double.NaN, after = double.NaN;
            for (var d = 1; d < n && (double.IsNaN(before) || double.IsNaN(after)); d++)
            {
                if (double.IsNaN(before))
                {
                    before = factors[((b - d) % n + n) % n];
                }

                if (double.IsNaN(after))
                {
                    after = factors[(b + d) % n];
                }
            }

            filled[b] = double.IsNaN(before) ? 1.0 : (before + after) / 2;
        }

        filled.CopyTo(factors, 0);
    }
}
