namespace Bulwark.AspNetCore.Health.Readings;

internal sealed record ResourceReading(
    long WorkingSetBytes,
    long GcHeapSizeBytes,
    long GcTotalMemoryBytes,
    long GcTotalAllocatedBytes,
    double CpuPercent,
    double CpuIntervalSeconds,
    double TotalProcessorTimeSeconds,
    int ProcessorCount,
    int Threads,
    int ThreadPoolThreads,
    int OpenHandles,
    int Gen0Collections,
    int Gen1Collections,
    int Gen2Collections);
