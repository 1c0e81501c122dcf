namespace Bulwark.Gateway.Demo;

/// <summary>
/// How far the current run has got, counted in requests the client has sent. The outage provider keeps its schedule by
/// it rather than by the clock, so every run meets the outage at the same point of its workload.
/// </summary>
internal sealed class WorkloadProgress
{
    private long _sent;
    private long _total = 1;

    /// <summary>Gets the share of the run's requests sent so far, 0 to 1.</summary>
    public double Fraction => (double)Interlocked.Read(ref _sent) / Interlocked.Read(ref _total);

    public void Begin(int total)
    {
        Interlocked.Exchange(ref _total, Math.Max(1, total));
        Interlocked.Exchange(ref _sent, 0);
    }

    public void Sent() => Interlocked.Increment(ref _sent);
}
