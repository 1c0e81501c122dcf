namespace Bulwark.Gateway.Demo;

/// <summary>The size of the demo's workload; tests run a smaller one.</summary>
internal sealed record DemoSettings
{
    /// <summary>Gets the requests in each run (each direct run and the run through the gateway).</summary>
    public int Requests { get; init; } = 2000;

    /// <summary>Gets how many requests are in flight at once.</summary>
    public int Concurrency { get; init; } = 16;

    /// <summary>Gets the shortest time a sample provider takes to answer; each answer adds up to the same again.</summary>
    public TimeSpan ServiceTime { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Gets the bound on each run: whatever is unfinished by then counts as failed.</summary>
    public TimeSpan RunTimeout { get; init; } = TimeSpan.FromSeconds(12);

    /// <summary>Gets the share of the workload, from its start, before the outage provider goes down.</summary>
    public double OutageStart { get; init; } = 0.30;

    /// <summary>Gets the share of the workload, from its start, after which the outage provider is back.</summary>
    public double OutageEnd { get; init; } = 0.60;
}
