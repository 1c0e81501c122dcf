using Bulwark.CircuitBreaker;
using Microsoft.Extensions.Time.Testing;
using Polly;
using Polly.CircuitBreaker;

namespace Bulwark.Tests.CircuitBreaker;

/// <summary>
/// Replays a synthetic trace, 100 calls per second, through a breaker in a real pipeline over a fake clock, and counts
/// how the breaker reacted. The trace is a list of phases (calls, failure probability) drawn from a seeded random source,
/// so every mode sees exactly the same dependency.
/// </summary>
internal static class DetectionSimulator
{
    public static readonly TimeSpan CallInterval = TimeSpan.FromMilliseconds(10);

    public static BulwarkCircuitBreakerStrategyOptions<int> Options(CircuitBreakerMode mode, double failureRatio = 0.5) => new()
    {
        Mode = mode,
        FailureRatio = failureRatio,
        MinimumThroughput = 20,
        SamplingDuration = TimeSpan.FromSeconds(2),
        FailureThreshold = 5,
    };

    /// <summary>Runs the trace; returns the number of opens per phase and the calls of each phase before its first open.</summary>
    public static SimulationResult Run(BulwarkCircuitBreakerStrategyOptions<int> options, int seed, params (int Calls, double FailureProbability)[] phases)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        int phase = 0;
        var opens = new int[phases.Length];
        var firstOpenAfter = new int?[phases.Length];
        int callInPhase = 0;
        options.OnOpened = _ =>
        {
            opens[phase]++;
            firstOpenAfter[phase] ??= callInPhase;
            return default;
        };

        options.Handle ??= new CircuitBreakerHandle();
        var handle = options.Handle;
        var pipeline = new ResiliencePipelineBuilder<int> { TimeProvider = time }.AddBulwarkCircuitBreaker(options).Build();
        var random = new Random(seed);
        var success = Outcome.FromResult(1);
        var failure = Outcome.FromException<int>(new HttpRequestException("injected"));
        long rejected = 0;

        for (phase = 0; phase < phases.Length; phase++)
        {
            for (callInPhase = 1; callInPhase <= phases[phase].Calls; callInPhase++)
            {
                var outcome = random.NextDouble() < phases[phase].FailureProbability ? failure : success;
                var context = ResilienceContextPool.Shared.Get();
                var result = pipeline.ExecuteOutcomeAsync(static (_, o) => new ValueTask<Outcome<int>>(o), context, outcome);
                if (result.IsCompletedSuccessfully && result.Result.Exception is BrokenCircuitException)
                {
                    rejected++;
                }

                ResilienceContextPool.Shared.Return(context);
                time.Advance(CallInterval);
            }
        }

        var health = handle.GetHealth();
        return new SimulationResult(opens, firstOpenAfter, rejected, health.Baseline, health.Threshold);
    }
}

/// <summary>Opens per phase, each phase's calls before its first open, calls refused, and the learned baseline and threshold at the end.</summary>
internal sealed record SimulationResult(int[] Opens, int?[] FirstOpenAfterCalls, long Rejected, double? FinalBaseline, double? FinalThreshold);
