using BenchmarkDotNet.Attributes;
using Bulwark.CircuitBreaker;
using Polly;
using Polly.CircuitBreaker;

namespace Bulwark.Benchmarks.CircuitBreaker;

/// <summary>
/// Closed-breaker success path of the Bulwark circuit breaker (each mode) against Polly's circuit breaker.
/// Goal: 0 bytes allocated and at most 0.8x Polly's time.
/// </summary>
[MemoryDiagnoser]
public class CircuitBreakerBenchmarks
{
    private ResiliencePipeline _polly = ResiliencePipeline.Empty;
    private ResiliencePipeline _adaptive = ResiliencePipeline.Empty;
    private ResiliencePipeline _ratio = ResiliencePipeline.Empty;
    private ResiliencePipeline _consecutive = ResiliencePipeline.Empty;
    private ResilienceContext _context = null!;

    [GlobalSetup]
    public void Setup()
    {
        _polly = new ResiliencePipelineBuilder().AddCircuitBreaker(new CircuitBreakerStrategyOptions()).Build();
        _adaptive = Bulwark(CircuitBreakerMode.Adaptive);
        _ratio = Bulwark(CircuitBreakerMode.FailureRatio);
        _consecutive = Bulwark(CircuitBreakerMode.ConsecutiveFailures);
        _context = ResilienceContextPool.Shared.Get();
    }

    [Benchmark(Baseline = true)]
    public ValueTask<Outcome<int>> PollyCircuitBreaker() => Execute(_polly);

    [Benchmark]
    public ValueTask<Outcome<int>> BulwarkAdaptive() => Execute(_adaptive);

    [Benchmark]
    public ValueTask<Outcome<int>> BulwarkFailureRatio() => Execute(_ratio);

    [Benchmark]
    public ValueTask<Outcome<int>> BulwarkConsecutiveFailures() => Execute(_consecutive);

    private static ResiliencePipeline Bulwark(CircuitBreakerMode mode) =>
        new ResiliencePipelineBuilder().AddBulwarkCircuitBreaker(new BulwarkCircuitBreakerStrategyOptions { Mode = mode }).Build();

    private ValueTask<Outcome<int>> Execute(ResiliencePipeline pipeline) =>
        pipeline.ExecuteOutcomeAsync(static (_, state) => Outcome.FromResultAsValueTask(state), _context, 1);
}
