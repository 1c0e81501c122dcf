using BenchmarkDotNet.Attributes;
using Bulwark.CircuitBreaker;
using Polly;
using Polly.CircuitBreaker;

namespace Bulwark.Benchmarks.CircuitBreaker;

/// <summary>
/// Rejection by an open breaker: Polly thrown (Execute), Polly as an outcome (ExecuteOutcomeAsync), Bulwark as an outcome.
/// Goal: Bulwark's rejection as an outcome at most 250 ns.
/// </summary>
[MemoryDiagnoser]
public class OpenCircuitRejectionBenchmarks
{
    private ResiliencePipeline _polly = ResiliencePipeline.Empty;
    private ResiliencePipeline _bulwark = ResiliencePipeline.Empty;
    private ResilienceContext _context = null!;

    [GlobalSetup]
    public void Setup()
    {
        _polly = new ResiliencePipelineBuilder()
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions { MinimumThroughput = 2, FailureRatio = 0.5, BreakDuration = TimeSpan.FromDays(1) })
            .Build();
        _bulwark = new ResiliencePipelineBuilder()
            .AddBulwarkCircuitBreaker(new BulwarkCircuitBreakerStrategyOptions
            {
                Mode = CircuitBreakerMode.ConsecutiveFailures,
                FailureThreshold = 1,
                BreakDuration = TimeSpan.FromDays(1),
                MaxBreakDuration = TimeSpan.FromDays(1),
            })
            .Build();
        _context = ResilienceContextPool.Shared.Get();
        for (int i = 0; i < 3; i++)
        {
            _ = _polly.ExecuteOutcomeAsync(static (_, _) => Outcome.FromExceptionAsValueTask<int>(new InvalidOperationException()), _context, 0).AsTask().Result;
            _ = _bulwark.ExecuteOutcomeAsync(static (_, _) => Outcome.FromExceptionAsValueTask<int>(new InvalidOperationException()), _context, 0).AsTask().Result;
        }
    }

    [Benchmark(Baseline = true)]
    public int PollyThrown()
    {
        try
        {
            return _polly.Execute(static () => 1);
        }
        catch (BrokenCircuitException)
        {
            return -1;
        }
    }

    [Benchmark]
    public ValueTask<Outcome<int>> PollyOutcome() => Execute(_polly);

    [Benchmark]
    public ValueTask<Outcome<int>> BulwarkOutcome() => Execute(_bulwark);

    private ValueTask<Outcome<int>> Execute(ResiliencePipeline pipeline) =>
        pipeline.ExecuteOutcomeAsync(static (_, state) => Outcome.FromResultAsValueTask(state), _context, 1);
}
