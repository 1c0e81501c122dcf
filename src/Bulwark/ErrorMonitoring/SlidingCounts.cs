namespace Bulwark.ErrorMonitoring;

/// <summary>
/// Counts of one fingerprint in the last 1 minute, 5 minutes, 1 hour and 24 hours: three rings of buckets (60 of
/// 5 seconds, 60 of 1 minute, 96 of 15 minutes), each bucket stamped with the period it counts so that a stale one is
/// reset when reused, not swept. A count includes the current bucket and every whole bucket inside the window, so it
/// is exact to one bucket: 5 s for the 1- and 5-minute windows, 1 minute for the hour, 15 minutes for the day.
/// </summary>
/// <remarks>Not thread-safe: the owning entry locks around it.</remarks>
internal sealed class SlidingCounts
{
    private static readonly long FineTicks = TimeSpan.FromSeconds(5).Ticks;
    private static readonly long MediumTicks = TimeSpan.FromMinutes(1).Ticks;
    private static readonly long CoarseTicks = TimeSpan.FromMinutes(15).Ticks;

    private readonly Ring _fine = new(60, FineTicks);
    private readonly Ring _medium = new(60, MediumTicks);
    private readonly Ring _coarse = new(96, CoarseTicks);

    public void Add(DateTimeOffset now)
    {
        long ticks = now.UtcTicks;
        _fine.Add(ticks);
        _medium.Add(ticks);
        _coarse.Add(ticks);
    }

    public (long Minute, long FiveMinutes, long Hour, long Day) Read(DateTimeOffset now)
    {
        long ticks = now.UtcTicks;
        return (_fine.Sum(ticks, 12), _fine.Sum(ticks, 60), _medium.Sum(ticks, 60), _coarse.Sum(ticks, 96));
    }

    private sealed class Ring(int size, long bucketTicks)
    {
        private readonly long[] _periods = CreatePeriods(size);
        private readonly int[] _counts = new int[size];

        public void Add(long ticks)
        {
            long period = ticks / bucketTicks;
            int slot = (int)(period % size);
            if (_periods[slot] != period)
            {
                _periods[slot] = period;
                _counts[slot] = 0;
            }

            if (_counts[slot] < int.MaxValue)
            {
                _counts[slot]++;
            }
        }

        /// <summary>The counts of the last <paramref name="buckets"/> periods, the current one included.</summary>
        public long Sum(long ticks, int buckets)
        {
            long current = ticks / bucketTicks;
            long oldest = current - buckets + 1;
            long sum = 0;
            for (int i = 0; i < size; i++)
            {
                long period = _periods[i];
                if (period >= oldest && period <= current)
                {
                    sum += _counts[i];
                }
            }

            return sum;
        }

        private static long[] CreatePeriods(int size)
        {
            var periods = new long[size];
            Array.Fill(periods, long.MinValue);
            return periods;
        }
    }
}
