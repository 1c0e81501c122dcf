using System.Diagnostics;
using System.Globalization;

namespace Bulwark.LoadTools.Upstream;

/// <summary>What an upstream saw: requests (attempts), successes, calls while down and the time until traffic came back.</summary>
internal sealed class UpstreamCounters
{
    /// <summary>A pause this long in calls to a down upstream means the proxy in front stopped sending to it.</summary>
    private static readonly long QuietGap = Stopwatch.Frequency;

    private readonly Lock _gate = new();
    private readonly List<long> _downArrivals = [];
    private long _requests;
    private long _ok;
    private long _rolls;
    private long _wentDownAt;
    private long _backUpAt;
    private long _firstOkAfterUp;

    public void Received(bool down, long now)
    {
        Interlocked.Increment(ref _requests);
        if (down)
        {
            lock (_gate)
            {
                _downArrivals.Add(now);
            }
        }
    }

    public void Ok(long received)
    {
        Interlocked.Increment(ref _ok);
        long up = Volatile.Read(ref _backUpAt);
        if (up != 0 && received >= up)
        {
            Interlocked.CompareExchange(ref _firstOkAfterUp, Stopwatch.GetTimestamp(), 0);
        }
    }

    public void WentDown(long now)
    {
        lock (_gate)
        {
            _wentDownAt = now;
            _downArrivals.Clear();
        }
    }

    public void BackUp(long now) => Volatile.Write(ref _backUpAt, now);

    public void Clear()
    {
        lock (_gate)
        {
            _requests = 0;
            _ok = 0;
            _wentDownAt = 0;
            _backUpAt = 0;
            _firstOkAfterUp = 0;
            _downArrivals.Clear();
        }
    }

    /// <summary>SplitMix64 over a counter: an independent-looking, reproducible share for each request.</summary>
    public double Roll()
    {
        ulong x = (ulong)Interlocked.Increment(ref _rolls) * 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        x ^= x >> 31;
        return (x >> 11) * (1.0 / (1UL << 53));
    }

    /// <summary>One line of <c>key=value</c> pairs for the harness script.</summary>
    public string Describe()
    {
        lock (_gate)
        {
            // Calls the down upstream received before the first quiet second: what the proxy sent before it stopped.
            int burst = 0;
            long previous = _wentDownAt;
            foreach (long arrival in _downArrivals)
            {
                if (previous != 0 && arrival - previous >= QuietGap)
                {
                    break;
                }

                burst++;
                previous = arrival;
            }

            long up = _backUpAt, first = Interlocked.Read(ref _firstOkAfterUp);
            string recovery = up != 0 && first != 0
                ? Stopwatch.GetElapsedTime(up, first).TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)
                : "-1";
            return string.Create(
                CultureInfo.InvariantCulture,
                $"requests={Interlocked.Read(ref _requests)} ok={Interlocked.Read(ref _ok)} down_calls={_downArrivals.Count} down_first_burst={burst} recovery_ms={recovery}\n");
        }
    }
}
