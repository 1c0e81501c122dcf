namespace Bulwark.ErrorMonitoring;

/// <summary>
/// Counts of one fingerprint in the last 1 minute, 5 minutes, 1 hour and 24 hours: three rings of buckets (60 of
/// 5 seconds, 60 of 1 minute, 96 of 15 minutes; 864 bytes of counts), each cleared as time moves past it. A count includes the current bucket and every whole bucket inside the window, so it
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

    /// <summary>
    /// One ring: the count of each of the last <c>size</c> periods. Only the latest period counted is remembered; slots of
    /// the periods skipped since are cleared when time moves on (at most <c>size</c>, so O(1) per addition).
    /// </summary>
    private sealed class Ring(int size, long bucketTicks)
    {
        private readonly int[] _counts = new int[size];
        private long _latest = long.MinValue;

        public void Add(long ticks)
        {
            long period = ticks / bucketTicks;
            if (_latest == long.MinValue || period - _latest >= size)
            {
                Array.Clear(_counts);
                _latest = period;
            }
            else if (period > _latest)
            {
                for (long p = _latest + 1; p <= period; p++)
                {
                    _counts[(int)(p % size)] = 0;
                }

                _latest = period;
            }
            else if (_latest - period >= size)
            {
                // Older than the ring (a clock that went back a long way): not counted in any window.
                return;
            }

            int slot = (int)(period % size);
            if (_counts[slot] < int.MaxValue)
            {
                _counts[slot]++;
            }
        }

        /// <summary>The counts of the last <paramref name="buckets"/> periods, the current one included.</summary>
        public long Sum(long ticks, int buckets)
        {
            if (_latest == long.MinValue)
            {
                return 0;
            }

            long current = ticks / bucketTicks;
            long from = Math.Max(current - buckets + 1, _latest - size + 1);
            long to = Math.Min(current, _latest);
            long sum = 0;
            for (long p = from; p <= to; p++)
            {
                sum += _counts[(int)(p % size)];
            }

            return sum;
        }
    }
}
