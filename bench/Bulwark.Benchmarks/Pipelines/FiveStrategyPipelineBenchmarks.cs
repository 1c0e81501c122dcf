using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Bulwark.CircuitBreaker;
using Bulwark.Retry;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;

namespace Bulwark.Benchmarks.Pipelines;

/// <summary>
/// Success path of a typical five-strategy pipeline — total timeout, retry, circuit breaker, bulkhead
/// (Polly: concurrency limiter), attempt timeout — built from Bulwark's strategies and from Polly's, as a
/// non-generic pipeline and as a <see cref="ResiliencePipeline{T}"/> of <see cref="int"/>.
/// </summary>
/// <remarks>
/// A non-generic pipeline runs a generic strategy (retry, circuit breaker) through Polly's bridge, which boxes a
/// value-type result once per generic strategy; the generic pipeline shows the cost without that plumbing.
/// </remarks>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class FiveStrategyPipelineBenchmarks
{
    private const string NonGeneric = "NonGeneric";
    private const string Generic = "GenericInt";

    private static readonly TimeSpan TotalTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(2);

    private ResiliencePipeline _polly = ResiliencePipeline.Empty;
    private ResiliencePipeline _bulwark = ResiliencePipeline.Empty;
    private ResiliencePipeline<int> _pollyGeneric = ResiliencePipeline<int>.Empty;
    private ResiliencePipeline<int> _bulwarkGeneric = ResiliencePipeline<int>.Empty;
    private ResilienceContext _context = null!;

    [GlobalSetup]
    public void Setup()
    {
        _polly = new ResiliencePipelineBuilder()
            .AddTimeout(TotalTimeout)
            .AddRetry(new RetryStrategyOptions())
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions())
            .AddConcurrencyLimiter(100, 100)
            .AddTimeout(AttemptTimeout)
            .Build();
        _bulwark = new ResiliencePipelineBuilder()
            .AddTimeout(TotalTimeout)
            .AddBulwarkRetry(new BulwarkRetryStrategyOptions())
            .AddBulwarkCircuitBreaker(new BulwarkCircuitBreakerStrategyOptions())
            .AddBulwarkBulkhead(100, 100)
            .AddTimeout(AttemptTimeout)
            .Build();
        _pollyGeneric = new ResiliencePipelineBuilder<int>()
            .AddTimeout(TotalTimeout)
            .AddRetry(new RetryStrategyOptions<int>())
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<int>())
            .AddConcurrencyLimiter(100, 100)
            .AddTimeout(AttemptTimeout)
            .Build();
        _bulwarkGeneric = new ResiliencePipelineBuilder<int>()
            .AddTimeout(TotalTimeout)
            .AddBulwarkRetry(new BulwarkRetryStrategyOptions<int>())
            .AddBulwarkCircuitBreaker(new BulwarkCircuitBreakerStrategyOptions<int>())
            .AddBulwarkBulkhead(100, 100)
            .AddTimeout(AttemptTimeout)
            .Build();
        _context = ResilienceContextPool.Shared.Get();
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory(NonGeneric)]
    public ValueTask<Outcome<int>> PollyPipeline() => Execute(_polly);

    [Benchmark]
    [BenchmarkCategory(NonGeneric)]
    public ValueTask<Outcome<int>> BulwarkPipeline() => Execute(_bulwark);

    [Benchmark(Baseline = true)]
    [BenchmarkCategory(Generic)]
    public ValueTask<Outcome<int>> PollyPipelineGeneric() => Execute(_pollyGeneric);

    [Benchmark]
    [BenchmarkCategory(Generic)]
    public ValueTask<Outcome<int>> BulwarkPipelineGeneric() => Execute(_bulwarkGeneric);

    private ValueTask<Outcome<int>> Execute(ResiliencePipeline pipeline) =>
        pipeline.ExecuteOutcomeAsync(static (_, state) => Outcome.FromResultAsValueTask(state), _context, 1);

    private ValueTask<Outcome<int>> Execute(ResiliencePipeline<int> pipeline) =>
        pipeline.ExecuteOutcomeAsync(static (_, state) => Outcome.FromResultAsValueTask(state), _context, 1);
}
