using Bulwark.CircuitBreaker;
using CsCheck;
using Polly;
using Polly.CircuitBreaker;

namespace Bulwark.Tests.CircuitBreaker;

/// <summary>
/// Drives random sequences of calls (immediate and held in flight), completions, clock advances and manual operations
/// against the breaker and against <see cref="ReferenceBreaker"/>, a deliberately simple model of the specification,
/// and requires the two to agree on every admission decision and every state.
/// </summary>
public class CircuitBreakerModelTests
{
    private static readonly Gen<BreakerCase> Cases =
        Gen.Select(
            Gen.Int[0, 1],
            Gen.Int[1, 4],
            Gen.Int[2, 8],
            Gen.Double[0.2, 1.0],
            Gen.Int[1, 3],
            Gen.Int[1, 3],
            Gen.Int[0, 1000].Array[1, 150])
        .Select((mode, threshold, minimumThroughput, ratio, halfOpenMax, successThreshold, ops) =>
            new BreakerCase(mode == 0 ? CircuitBreakerMode.ConsecutiveFailures : CircuitBreakerMode.FailureRatio, threshold, minimumThroughput, Math.Round(ratio, 2), halfOpenMax, successThreshold, ops));

    [Fact]
    public void RandomSequences_AgreeWithReferenceModel() =>
        Cases.Sample(c => ModelRunner.Run(c), iter: 400, seed: "0N0XIzNsQ0O2");

    [Fact]
    public void RandomSequences_AgreeWithReferenceModel_FreshSeeds() =>
        Cases.Sample(c => ModelRunner.Run(c), iter: 200);
}

public sealed record BreakerCase(
    CircuitBreakerMode Mode,
    int FailureThreshold,
    int MinimumThroughput,
    double FailureRatio,
    int HalfOpenMaxCalls,
    int SuccessThreshold,
    int[] Ops)
{
    public override string ToString() =>
        $"{Mode} threshold={FailureThreshold} min={MinimumThroughput} ratio={FailureRatio} halfOpenMax={HalfOpenMaxCalls} successes={SuccessThreshold} ops=[{string.Join(',', Ops)}]";
}

internal static class ModelRunner
{
    public static bool Run(BreakerCase c)
    {
        var options = new BulwarkCircuitBreakerStrategyOptions<int>
        {
            Mode = c.Mode,
            FailureThreshold = c.FailureThreshold,
            MinimumThroughput = c.MinimumThroughput,
            FailureRatio = c.FailureRatio,
            HalfOpenMaxCalls = c.HalfOpenMaxCalls,
            SuccessThreshold = c.SuccessThreshold,
            SamplingDuration = TimeSpan.FromSeconds(1),
            BreakDuration = TimeSpan.FromSeconds(1),
            BreakDurationGrowthFactor = 2,
            MaxBreakDuration = TimeSpan.FromSeconds(5),
        };
        var h = new BreakerHarness(options);
        var model = new ReferenceBreaker(options, h.Time);
        var inFlight = new List<(Task<Outcome<int>> Call, TaskCompletionSource<Outcome<int>> Gate, ReferenceBreaker.Permit Permit)>();

        foreach (int op in c.Ops)
        {
            switch (op % 10)
            {
                case 0 or 1 or 2: // immediate success
                case 3 or 4: // immediate failure
                    {
                        bool fail = op % 10 >= 3;
                        var expected = model.Enter();
                        var outcome = fail ? h.Fail() : h.Succeed();
                        Check(expected.Rejected == BreakerHarness.IsRejection(outcome), $"admission of an immediate call: model rejected={expected.Rejected}, outcome={outcome}");
                        if (!expected.Rejected)
                        {
                            model.Complete(expected, fail);
                        }

                        break;
                    }

                case 5: // begin a call held in flight
                    {
                        var expected = model.Enter();
                        var (call, gate) = h.Begin();
                        if (expected.Rejected)
                        {
                            Check(call.IsCompleted && BreakerHarness.IsRejection(call.Result), "a held call the model rejects must be rejected at once");
                        }
                        else
                        {
                            Check(!call.IsCompleted, "a held call the model admits must be running");
                            inFlight.Add((call, gate, expected));
                        }

                        break;
                    }

                case 6 or 7: // complete an in-flight call
                    if (inFlight.Count > 0)
                    {
                        var (call, gate, permit) = inFlight[op / 10 % inFlight.Count];
                        inFlight.Remove((call, gate, permit));
                        bool fail = op % 10 == 7;
                        gate.SetResult(fail ? Outcome.FromException<int>(new HttpRequestException()) : Outcome.FromResult(1));
                        Check(call.Wait(TimeSpan.FromSeconds(10)), "completed call must finish");
                        model.Complete(permit, fail);
                    }

                    break;
                case 8: // advance the clock by 0..1.5 s
                    var step = TimeSpan.FromMilliseconds(op / 10 * 15);
                    h.Time.Advance(step);
                    break;
                default: // manual operations, rarely
                    if (op / 10 % 10 == 0)
                    {
                        h.Handle.IsolateAsync().AsTask().Wait();
                        model.Isolate();
                    }
                    else if (op / 10 % 10 == 1)
                    {
                        h.Handle.CloseAsync().AsTask().Wait();
                        model.Close();
                    }

                    break;
            }

            Check(model.State == h.State, $"state: model {model.State}, breaker {h.State}");
            var health = h.Handle.GetHealth();
            if (model.State == CircuitState.Closed)
            {
                var (calls, failures) = model.WindowCounts();
                Check(health.WindowCalls == calls && health.WindowFailures == failures, $"window: model {calls}/{failures}, breaker {health.WindowCalls}/{health.WindowFailures}");
                Check(health.ConsecutiveFailures == model.ConsecutiveFailures, $"consecutive: model {model.ConsecutiveFailures}, breaker {health.ConsecutiveFailures}");
            }

            Check(health.TripCount == model.TripCount, $"trips: model {model.TripCount}, breaker {health.TripCount}");
        }

        foreach (var (_, gate, _) in inFlight)
        {
            gate.TrySetResult(Outcome.FromResult(0));
        }

        return true;
    }

    private static void Check(bool condition, string message)
    {
        if (!condition)
        {
            throw new InvalidOperationException(message);
        }
    }
}

/// <summary>The specification, written as plainly as possible, single-threaded.</summary>
internal sealed class ReferenceBreaker(BulwarkCircuitBreakerStrategyOptions<int> options, TimeProvider time)
{
    private readonly List<(long Bucket, bool Failure)> _window = [];
    private int _epoch;
    private int _probes;
    private int _probeSuccesses;
    private DateTimeOffset _openUntil;
    private DateTimeOffset _halfOpenSince;

    public CircuitState State { get; private set; } = CircuitState.Closed;

    public int ConsecutiveFailures { get; private set; }

    public int TripCount { get; private set; }

    private long BucketTicks => (long)(options.SamplingDuration.TotalSeconds * time.TimestampFrequency / 10);

    private long CurrentBucket => time.GetTimestamp() / BucketTicks;

    public Permit Enter()
    {
        if (State == CircuitState.Open && time.GetUtcNow() >= _openUntil)
        {
            Transition(CircuitState.HalfOpen);
        }

        // Probes that have been out for a whole break duration no longer hold their slots.
        if (State == CircuitState.HalfOpen && _probes >= options.HalfOpenMaxCalls && time.GetUtcNow() - _halfOpenSince >= options.BreakDuration)
        {
            _epoch++;
            _probes = 0;
            _probeSuccesses = 0;
            _halfOpenSince = time.GetUtcNow();
        }

        switch (State)
        {
            case CircuitState.Closed:
                return new Permit(false, false, _epoch);
            case CircuitState.HalfOpen when _probes < options.HalfOpenMaxCalls:
                _probes++;
                return new Permit(false, true, _epoch);
            default:
                return new Permit(true, false, _epoch);
        }
    }

    public void Complete(Permit permit, bool failure)
    {
        if (permit.Epoch != _epoch)
        {
            return;
        }

        if (permit.Probe)
        {
            _probes--;
            if (failure)
            {
                Open();
            }
            else if (++_probeSuccesses >= options.SuccessThreshold)
            {
                Transition(CircuitState.Closed);
            }

            return;
        }

        _window.Add((CurrentBucket, failure));
        ConsecutiveFailures = failure ? ConsecutiveFailures + 1 : 0;
        if (!failure)
        {
            return;
        }

        var (calls, failures) = WindowCounts();
        bool open = options.Mode == CircuitBreakerMode.ConsecutiveFailures
            ? ConsecutiveFailures >= options.FailureThreshold
            : calls >= options.MinimumThroughput && (double)failures / calls >= options.FailureRatio;
        if (open)
        {
            Open();
        }
    }

    public (long Calls, long Failures) WindowCounts()
    {
        long current = CurrentBucket;
        var inWindow = _window.Where(e => e.Bucket > current - 10 && e.Bucket <= current).ToList();
        return (inWindow.Count, inWindow.Count(e => e.Failure));
    }

    public void Isolate()
    {
        if (State != CircuitState.Isolated)
        {
            Transition(CircuitState.Isolated);
        }
    }

    public void Close()
    {
        if (State != CircuitState.Closed)
        {
            Transition(CircuitState.Closed);
        }
        else
        {
            // Closing a closed breaker changes no state but clears its window.
            _window.Clear();
            ConsecutiveFailures = 0;
        }
    }

    private void Open()
    {
        TripCount++;
        double seconds = Math.Min(options.BreakDuration.TotalSeconds * Math.Pow(options.BreakDurationGrowthFactor, TripCount - 1), options.MaxBreakDuration.TotalSeconds);
        Transition(CircuitState.Open);
        _openUntil = time.GetUtcNow() + TimeSpan.FromSeconds(seconds);
    }

    private void Transition(CircuitState to)
    {
        State = to;
        _halfOpenSince = time.GetUtcNow();
        _epoch++;
        _probes = 0;
        _probeSuccesses = 0;
        if (to is CircuitState.Open or CircuitState.Closed)
        {
            ConsecutiveFailures = 0;
        }

        if (to == CircuitState.Closed)
        {
            _window.Clear();
            TripCount = 0;
        }
    }

    public readonly record struct Permit(bool Rejected, bool Probe, int Epoch);
}
