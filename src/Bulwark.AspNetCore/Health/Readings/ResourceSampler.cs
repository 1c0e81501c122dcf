using System.Diagnostics;
using Microsoft.Extensions.Options;

namespace Bulwark.AspNetCore.Health.Readings;

/// <summary>Reads the process's resources; CPU percent is process CPU time over wall time and processor count since a baseline.</summary>
internal sealed class ResourceSampler
{
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private TimeSpan _baselineCpu;
    private long _baselineTimestamp;

    public ResourceSampler(TimeProvider time, IOptions<BulwarkHealthOptions> options)
    {
        _time = time;
        _interval = options.Value.RateSampleInterval;
        using var process = Process.GetCurrentProcess();
        _baselineCpu = process.TotalProcessorTime;
        _baselineTimestamp = time.GetTimestamp();
    }

    public ResourceReading Read()
    {
        using var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var now = _time.GetTimestamp();
        double percent = 0;
        double interval;
        lock (_lock)
        {
            var wall = _time.GetElapsedTime(_baselineTimestamp, now);
            interval = wall.TotalSeconds;
            if (wall > TimeSpan.Zero)
            {
                percent = (cpu - _baselineCpu).TotalSeconds / wall.TotalSeconds / Environment.ProcessorCount * 100;
                percent = Math.Round(Math.Clamp(percent, 0, 100), 2);
            }

            if (wall >= _interval)
            {
                _baselineCpu = cpu;
                _baselineTimestamp = now;
            }
        }

        var gc = GC.GetGCMemoryInfo();
        return new ResourceReading(
            process.WorkingSet64,
            gc.HeapSizeBytes,
            GC.GetTotalMemory(forceFullCollection: false),
            GC.GetTotalAllocatedBytes(precise: false),
            percent,
            Math.Round(interval, 3),
            Math.Round(cpu.TotalSeconds, 3),
            Environment.ProcessorCount,
            process.Threads.Count,
            ThreadPool.ThreadCount,
            process.HandleCount,
            GC.CollectionCount(0),
            GC.CollectionCount(1),
            GC.CollectionCount(2));
    }
}
