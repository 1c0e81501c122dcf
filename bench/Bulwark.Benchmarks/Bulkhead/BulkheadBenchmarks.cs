using BenchmarkDotNet.Attributes;
using Polly;

namespace Bulwark.Benchmarks.Bulkhead;

/// <summary>
/// Success path of the Bulwark bulkhead against Polly's concurrency limiter with the same limits.
/// Goal: 0 bytes allocated and at most 0.8x the time of Polly's limiter.
/// </summary>
[MemoryDiagnoser]
public class BulkheadBenchmarks
{
    private ResiliencePipeline _polly = ResiliencePipeline.Empty;
    private ResiliencePipeline _bulwark = ResiliencePipeline.Empty;
    private ResilienceContext _context = null!;

    [GlobalSetup]
    public void Setup()
    {
        _polly = new ResiliencePipelineBuilder().AddConcurrencyLimiter(100, 100).Build();
        _bulwark = new ResiliencePipelineBuilder().AddBulwarkBulkhead(100, 100).Build();
        _context = ResilienceContextPool.Shared.Get();
    }

    [Benchmark(Baseline = true)]
    public ValueTask<Outcome<int>> PollyConcurrencyLimiter() => Execute(_polly);

    [Benchmark]
    public ValueTask<Outcome<int>> BulwarkBulkhead() => Execute(_bulwark);

    private ValueTask<Outcome<int>> Execute(ResiliencePipeline pipeline) =>
        pipeline.ExecuteOutcomeAsync(static (_, state) => Outcome.FromResultAsValueTask(state), _context, 1);
}
