using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Bulwark.CircuitBreaker;
using Bulwark.Retry;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;

namespace Bulwark.Benchmarks.Pipelines;

/// <summary>
/// Where the success-path allocation of a generic strategy comes from: the same retry and circuit breaker, Bulwark's
/// and Polly's, in a non-generic pipeline with an <see cref="int"/> result, in a <see cref="ResiliencePipeline{T}"/>
/// of <see cref="int"/>, and in a non-generic pipeline with a cached <see cref="string"/> result.
/// </summary>
/// <remarks>
/// Both libraries add their retry and breaker to a non-generic builder as a <c>ResilienceStrategy&lt;object&gt;</c>;
/// Polly then converts each <c>Outcome&lt;int&gt;</c> into an <c>Outcome&lt;object&gt;</c>, boxing the result.
/// A generic pipeline of the result type, or a reference-type result, has nothing to box.
/// </remarks>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class ResultTypeAllocationBenchmarks
{
    private const string Result = "ok";

    private ResiliencePipeline _pollyRetry = ResiliencePipeline.Empty;
    private ResiliencePipeline _bulwarkRetry = ResiliencePipeline.Empty;
    private ResiliencePipeline<int> _pollyRetryGeneric = ResiliencePipeline<int>.Empty;
    private ResiliencePipeline<int> _bulwarkRetryGeneric = ResiliencePipeline<int>.Empty;
    private ResiliencePipeline _pollyBreaker = ResiliencePipeline.Empty;
    private ResiliencePipeline _bulwarkBreaker = ResiliencePipeline.Empty;
    private ResiliencePipeline<int> _pollyBreakerGeneric = ResiliencePipeline<int>.Empty;
    private ResiliencePipeline<int> _bulwarkBreakerGeneric = ResiliencePipeline<int>.Empty;
    private ResilienceContext _context = null!;

    [GlobalSetup]
    public void Setup()
    {
        _pollyRetry = new ResiliencePipelineBuilder().AddRetry(new RetryStrategyOptions()).Build();
        _bulwarkRetry = new ResiliencePipelineBuilder().AddBulwarkRetry(new BulwarkRetryStrategyOptions()).Build();
        _pollyRetryGeneric = new ResiliencePipelineBuilder<int>().AddRetry(new RetryStrategyOptions<int>()).Build();
        _bulwarkRetryGeneric = new ResiliencePipelineBuilder<int>().AddBulwarkRetry(new BulwarkRetryStrategyOptions<int>()).Build();
        _pollyBreaker = new ResiliencePipelineBuilder().AddCircuitBreaker(new CircuitBreakerStrategyOptions()).Build();
        _bulwarkBreaker = new ResiliencePipelineBuilder().AddBulwarkCircuitBreaker(new BulwarkCircuitBreakerStrategyOptions()).Build();
        _pollyBreakerGeneric = new ResiliencePipelineBuilder<int>().AddCircuitBreaker(new CircuitBreakerStrategyOptions<int>()).Build();
        _bulwarkBreakerGeneric = new ResiliencePipelineBuilder<int>()
            .AddBulwarkCircuitBreaker(new BulwarkCircuitBreakerStrategyOptions<int>())
            .Build();
        _context = ResilienceContextPool.Shared.Get();
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Retry-NonGenericInt")]
    public ValueTask<Outcome<int>> PollyRetryInt() => ExecuteInt(_pollyRetry);

    [Benchmark]
    [BenchmarkCategory("Retry-NonGenericInt")]
    public ValueTask<Outcome<int>> BulwarkRetryInt() => ExecuteInt(_bulwarkRetry);

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Retry-GenericInt")]
    public ValueTask<Outcome<int>> PollyRetryGenericInt() => ExecuteInt(_pollyRetryGeneric);

    [Benchmark]
    [BenchmarkCategory("Retry-GenericInt")]
    public ValueTask<Outcome<int>> BulwarkRetryGenericInt() => ExecuteInt(_bulwarkRetryGeneric);

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Retry-NonGenericString")]
    public ValueTask<Outcome<string>> PollyRetryString() => ExecuteString(_pollyRetry);

    [Benchmark]
    [BenchmarkCategory("Retry-NonGenericString")]
    public ValueTask<Outcome<string>> BulwarkRetryString() => ExecuteString(_bulwarkRetry);

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Breaker-NonGenericInt")]
    public ValueTask<Outcome<int>> PollyBreakerInt() => ExecuteInt(_pollyBreaker);

    [Benchmark]
    [BenchmarkCategory("Breaker-NonGenericInt")]
    public ValueTask<Outcome<int>> BulwarkBreakerInt() => ExecuteInt(_bulwarkBreaker);

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Breaker-GenericInt")]
    public ValueTask<Outcome<int>> PollyBreakerGenericInt() => ExecuteInt(_pollyBreakerGeneric);

    [Benchmark]
    [BenchmarkCategory("Breaker-GenericInt")]
    public ValueTask<Outcome<int>> BulwarkBreakerGenericInt() => ExecuteInt(_bulwarkBreakerGeneric);

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("Breaker-NonGenericString")]
    public ValueTask<Outcome<string>> PollyBreakerString() => ExecuteString(_pollyBreaker);

    [Benchmark]
    [BenchmarkCategory("Breaker-NonGenericString")]
    public ValueTask<Outcome<string>> BulwarkBreakerString() => ExecuteString(_bulwarkBreaker);

    private ValueTask<Outcome<int>> ExecuteInt(ResiliencePipeline pipeline) =>
        pipeline.ExecuteOutcomeAsync(static (_, state) => Outcome.FromResultAsValueTask(state), _context, 1);

    private ValueTask<Outcome<int>> ExecuteInt(ResiliencePipeline<int> pipeline) =>
        pipeline.ExecuteOutcomeAsync(static (_, state) => Outcome.FromResultAsValueTask(state), _context, 1);

    private ValueTask<Outcome<string>> ExecuteString(ResiliencePipeline pipeline) =>
        pipeline.ExecuteOutcomeAsync(static (_, state) => Outcome.FromResultAsValueTask(state), _context, Result);
}
