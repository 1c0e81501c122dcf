using Bulwark.CircuitBreaker;
using Microsoft.Extensions.Time.Testing;
using Polly;
using Polly.CircuitBreaker;
using Polly.Telemetry;

namespace Bulwark.Tests.CircuitBreaker;

/// <summary>A Bulwark breaker in a one-strategy pipeline over a fake clock, with helpers to drive calls.</summary>
internal sealed class BreakerHarness
{
    public BreakerHarness(BulwarkCircuitBreakerStrategyOptions<int> options, FakeTimeProvider? time = null)
    {
        Time = time ?? new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        Options = options;
        options.Handle ??= new CircuitBreakerHandle();
        Handle = options.Handle;
        var builder = new ResiliencePipelineBuilder<int> { TimeProvider = Time, TelemetryListener = Events };
        Pipeline = builder.AddBulwarkCircuitBreaker(options).Build();
    }

    public FakeTimeProvider Time { get; }

    public BulwarkCircuitBreakerStrategyOptions<int> Options { get; }

    public CircuitBreakerHandle Handle { get; }

    public ResiliencePipeline<int> Pipeline { get; }

    public RecordingTelemetryListener Events { get; } = new();

    public CircuitState State => Handle.State;

    public static BulwarkCircuitBreakerStrategyOptions<int> Consecutive(int threshold = 3) => new()
    {
        Mode = CircuitBreakerMode.ConsecutiveFailures,
        FailureThreshold = threshold,
        BreakDuration = TimeSpan.FromSeconds(5),
        BreakDurationGrowthFactor = 1,
        SuccessThreshold = 1,
    };

    public Outcome<int> Succeed() => Run(Outcome.FromResult(1));

    public Outcome<int> Fail() => Run(Outcome.FromException<int>(new HttpRequestException("boom")));

    public Outcome<int> Run(Outcome<int> outcome) =>
        Pipeline.ExecuteOutcomeAsync(static (_, o) => new ValueTask<Outcome<int>>(o), ResilienceContextPool.Shared.Get(), outcome)
            .AsTask().GetAwaiter().GetResult();

    /// <summary>Starts a call that stays in flight until the returned source is completed.</summary>
    public (Task<Outcome<int>> Call, TaskCompletionSource<Outcome<int>> Gate) Begin()
    {
        var gate = new TaskCompletionSource<Outcome<int>>(TaskCreationOptions.RunContinuationsAsynchronously);
        var call = Pipeline.ExecuteOutcomeAsync(
            static async (_, g) => await g.Task.ConfigureAwait(false),
            ResilienceContextPool.Shared.Get(),
            gate).AsTask();
        return (call, gate);
    }

    public static bool IsRejection(Outcome<int> outcome) => outcome.Exception is BrokenCircuitException;
}

internal sealed class RecordingTelemetryListener : TelemetryListener
{
    private readonly List<string> _events = [];

    public IReadOnlyList<string> Names
    {
        get
        {
            lock (_events)
            {
                return [.. _events];
            }
        }
    }

    public override void Write<TResult, TArgs>(in TelemetryEventArguments<TResult, TArgs> args)
    {
        lock (_events)
        {
            _events.Add(args.Event.EventName);
        }
    }
}
