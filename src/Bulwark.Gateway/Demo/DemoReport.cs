using System.Globalization;
using Bulwark.CircuitBreaker;
using Polly.CircuitBreaker;

namespace Bulwark.Gateway.Demo;

/// <summary>Writes what the demo did and measured, for someone who has never seen Bulwark.</summary>
internal static class DemoReport
{
    private const int MaxTransitionLines = 16;

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static void WriteIntro(TextWriter output, DemoSettings settings, IReadOnlyList<SampleProvider> providers, Uri gateway, IReadOnlyList<SampleProvider> chain)
    {
        output.WriteLine("Bulwark demo: three sample providers that misbehave the way real ones do, and the Bulwark gateway in");
        output.WriteLine("front of them, all on 127.0.0.1.");
        output.WriteLine();
        foreach (var provider in providers)
        {
            Line(output, $"  {provider.Name,-10} {provider.BaseAddress,-24} {provider.Behaviour}");
        }

        output.WriteLine();
        Line(output, $"  {"gateway",-10} {gateway,-24} route {DemoGatewayConfig.RoutePath} -> {string.Join(", then ", chain.Select(p => p.Name))}");
        Line(output, $"  {"",-10} {"",-24} each provider has its own pipeline: adaptive circuit breaker, up to 3");
        Line(output, $"  {"",-10} {"",-24} retries with exponential backoff and full jitter, 1 s per attempt and");
        Line(output, $"  {"",-10} {"",-24} 5 s in all, a bulkhead of 64; on failure, the next provider in the route");
        output.WriteLine();
        Line(output, $"Each run sends {settings.Requests:N0} GET requests, {settings.Concurrency} at a time. The providers fail in the same order in every run,");
        output.WriteLine("so the runs can be compared.");
        output.WriteLine();
        output.WriteLine("1. Straight to each provider, as a client without Bulwark would call it (one attempt per request)");
        Line(output, $"   {"provider",-11} {"succeeded",15} {"success",8} {"p50",8} {"p99",8}   what failed");
    }

    public static void WriteDirect(TextWriter output, WorkloadRun run) =>
        Line(output, $"   {run.Target,-11} {Count(run),15} {Percent(run.SuccessRate),8} {Ms(run.P50),8} {Ms(run.P99),8}   {DescribeFailures(run)}");

    public static void WriteGatewayHeader(TextWriter output, DemoSettings settings)
    {
        output.WriteLine();
        Line(output, $"2. Through Bulwark: the same {settings.Requests:N0} requests, sent to the gateway");
    }

    public static void WriteGateway(TextWriter output, WorkloadRun run, IReadOnlyList<string> chain, IReadOnlyList<BreakerTransition> transitions)
    {
        string failed = run.Succeeded == run.Requests.Count ? "" : "; failed: " + DescribeFailures(run);
        Line(output, $"   {"succeeded",-17}{Count(run)}  {Percent(run.SuccessRate)}, p50 {Ms(run.P50)}, p99 {Ms(run.P99)}{failed}");
        string histogram = string.Join("  ", run.AttemptCounts.Select(a => string.Create(Invariant, $"{a.Key}: {a.Value:N0}")));
        Line(output, $"   {"attempts",-17}{run.AverageAttempts:0.00} per request on average, from X-Bulwark-Attempts ({histogram})");
        var servedBy = run.ServedBy;
        string served = string.Join(", ", chain.Select(p => string.Create(Invariant, $"{p} {servedBy.GetValueOrDefault(p):N0}")));
        string spares = string.Join(" and ", chain.Where(p => servedBy.GetValueOrDefault(p) == 0));
        Line(output, $"   {"served by",-17}{served}, from X-Bulwark-Provider{(spares.Length == 0 ? "" : "; " + spares + " was never needed")}");
        Line(output, $"   {"failovers",-17}{run.FailoversFrom(chain[0]):N0} requests were served by another provider than {chain[0]}, the first in the route");
        Line(output, $"   {"breakers",-17}{transitions.Count} state change(s) of the providers' circuit breakers:");
        foreach (var t in transitions.Take(MaxTransitionLines))
        {
            Line(output, $"     {"+" + t.Offset.TotalSeconds.ToString("0.00", Invariant) + " s",8}  {t.Provider,-10} {t.Transition.From + " -> " + t.Transition.To,-19} {Describe(t.Transition)}");
        }

        if (transitions.Count > MaxTransitionLines)
        {
            Line(output, $"     ... and {transitions.Count - MaxTransitionLines} more");
        }
    }

    public static void WriteSummary(TextWriter output, DemoOutcome outcome)
    {
        output.WriteLine();
        Line(output, $"Summary {"",-22} {"success",8} {"p50",8} {"p99",8}   attempts per request");
        foreach (var run in outcome.Direct)
        {
            Line(output, $"  {"direct to " + run.Target,-28} {Percent(run.SuccessRate),8} {Ms(run.P50),8} {Ms(run.P99),8}   {run.AverageAttempts:0.00}");
        }

        var gateway = outcome.Gateway;
        Line(output, $"  {"through Bulwark",-28} {Percent(gateway.SuccessRate),8} {Ms(gateway.P50),8} {Ms(gateway.P99),8}   {gateway.AverageAttempts:0.00}");
        output.WriteLine();
        var best = outcome.Direct.MaxBy(r => r.SuccessRate);
        if (outcome.BulwarkWon)
        {
            Line(output, $"Bulwark won: {Percent(gateway.SuccessRate)} of requests succeeded through the gateway, against {Percent(outcome.BestDirectRate)} at best");
            Line(output, $"calling one provider directly ({best?.Target}). The price is in the tail: retries and Retry-After waits make p99 longer.");
        }
        else
        {
            Line(output, $"Bulwark did not beat calling a provider directly: {Percent(gateway.SuccessRate)} through the gateway, {Percent(outcome.BestDirectRate)} direct to {best?.Target}.");
        }

        Line(output, $"The demo took {outcome.Duration.TotalSeconds:0.0} s.");
    }

    private static void Line(TextWriter output, FormattableString text) => output.WriteLine(text.ToString(Invariant));

    private static string Count(WorkloadRun run) => string.Create(Invariant, $"{run.Succeeded:N0} / {run.Requests.Count:N0}");

    /// <summary>Rounds down, so that a run with one failure never shows as 100%.</summary>
    private static string Percent(double rate) => rate is > 0.99 and < 1
        ? string.Create(Invariant, $"{Math.Floor(rate * 10_000) / 100:0.00}%")
        : string.Create(Invariant, $"{Math.Floor(rate * 1_000) / 10:0.0}%");

    private static string Ms(TimeSpan value) => value.TotalMilliseconds < 10
        ? string.Create(Invariant, $"{value.TotalMilliseconds:0.0} ms")
        : string.Create(Invariant, $"{value.TotalMilliseconds:0} ms");

    private static string DescribeFailures(WorkloadRun run) => run.Failures.Count == 0
        ? "nothing"
        : string.Join(", ", run.Failures.Select(f => f.Key == 0
            ? string.Create(Invariant, $"{f.Value:N0} x no response (connection reset)")
            : string.Create(Invariant, $"{f.Value:N0} x {f.Key}")));

    private static string Describe(CircuitTransition t) => t.Reason switch
    {
        CircuitTransitionReason.AdaptiveThresholdExceeded or CircuitTransitionReason.FailureRatioExceeded =>
            string.Create(Invariant, $"failure rate {t.FailureRate * 100:0}% passed its threshold {(t.Threshold ?? 0) * 100:0}%: calls skip it for {Ms(t.BreakDuration)}"),
        CircuitTransitionReason.ConsecutiveFailures => string.Create(Invariant, $"too many failures in a row: calls skip it for {Ms(t.BreakDuration)}"),
        CircuitTransitionReason.BreakDurationElapsed => "break over: a probe request is let through",
        CircuitTransitionReason.ProbeFailed => string.Create(Invariant, $"the probe failed: calls skip it for {Ms(t.BreakDuration)} more"),
        CircuitTransitionReason.ProbesSucceeded => "probes succeeded: back in service",
        _ when t.To == CircuitState.Open => string.Create(Invariant, $"{t.Reason}: calls skip it for {Ms(t.BreakDuration)}"),
        _ => t.Reason.ToString(),
    };
}
