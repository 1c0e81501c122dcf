namespace Bulwark.Gateway.Demo;

/// <summary>Everything the demo measured.</summary>
/// <param name="Direct">One run straight to each provider.</param>
/// <param name="Gateway">The same workload through the gateway.</param>
/// <param name="FirstProvider">The first provider of the gateway's chain: a request served by another one was failed over.</param>
/// <param name="Transitions">The circuit breakers' state changes during the run through the gateway.</param>
/// <param name="Duration">The whole demo's wall-clock time.</param>
internal sealed record DemoOutcome(IReadOnlyList<WorkloadRun> Direct, WorkloadRun Gateway, string FirstProvider, IReadOnlyList<BreakerTransition> Transitions, TimeSpan Duration)
{
    /// <summary>Gets the best success rate of a provider called directly.</summary>
    public double BestDirectRate => Direct.Count == 0 ? 0 : Direct.Max(r => r.SuccessRate);

    /// <summary>Gets a value indicating whether more requests succeeded through the gateway than against any single provider.</summary>
    public bool BulwarkWon => Gateway.SuccessRate > BestDirectRate;
}
