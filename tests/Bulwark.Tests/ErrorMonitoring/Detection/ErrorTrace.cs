using Bulwark.ErrorMonitoring;
using Bulwark.ErrorMonitoring.Detection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Bulwark.Tests.ErrorMonitoring.Detection;

/// <summary>
/// A synthetic traffic trace on fake time: every 5 seconds (the monitor's finest bucket) a number of requests, each failing
/// with a given probability under one of a set of fingerprints drawn at random (seeded). Requests are counted in the same
/// 5-second buckets the monitor uses, so the rate the detector sees is exactly errors over requests of the same buckets.
/// </summary>
internal sealed class ErrorTrace
{
    public static readonly TimeSpan Step = TimeSpan.FromSeconds(5);
    public static readonly DateTimeOffset Start = new(2026, 12, 7, 0, 0, 0, TimeSpan.Zero);

    private readonly Random _random;
    private readonly long[] _requests = new long[60];
    private long _steps;

    public ErrorTrace(int seed, ErrorPatternDetectorOptions? options = null)
    {
        _random = new Random(seed);
        Time = new FakeTimeProvider(Start);
        Monitor = new ErrorMonitor(Options.Create(new ErrorMonitorOptions()), Time);
        Detector = new ErrorPatternDetector(Options.Create(options ?? new ErrorPatternDetectorOptions()), Time);
    }

    public FakeTimeProvider Time { get; }

    public ErrorMonitor Monitor { get; }

    public ErrorPatternDetector Detector { get; }

    public TimeSpan Elapsed => Time.GetUtcNow() - Start;

    public RequestCounts Requests => new(Sum(12), Sum(60));

    /// <summary>
    /// Advances 5 seconds, then records that step's requests and errors at the new instant; with
    /// <paramref name="recoveryFailure"/>, each error attempted a recovery that failed with that probability.
    /// </summary>
    public void Advance(int requests, double errorRate, int fingerprints, string prefix = "Upstream", double? recoveryFailure = null)
    {
        Time.Advance(Step);
        _steps++;
        _requests[_steps % _requests.Length] = requests;
        for (int i = 0; i < requests; i++)
        {
            if (_random.NextDouble() < errorRate)
            {
                int which = _random.Next(fingerprints);
                string message = $"Request {_random.Next(1000)} failed";
                var context = new ErrorContext { Provider = "openai", StatusCode = 500 + which };
                if (recoveryFailure is { } failure)
                {
                    Monitor.Record($"{prefix}Error{which}", message, ErrorSeverity.Error, context, recoveryAttempted: true, recoverySucceeded: _random.NextDouble() >= failure);
                }
                else
                {
                    Monitor.Record($"{prefix}Error{which}", message, ErrorSeverity.Error, context);
                }
            }
        }
    }

    /// <summary>Runs for <paramref name="duration"/>, evaluating at every whole minute; returns each evaluation's time and patterns.</summary>
    public List<(TimeSpan At, IReadOnlyList<DetectedPattern> Patterns)> Run(TimeSpan duration, int requestsPerStep, double errorRate, int fingerprints, double? recoveryFailure = null)
    {
        var evaluations = new List<(TimeSpan, IReadOnlyList<DetectedPattern>)>();
        var end = Elapsed + duration;
        while (Elapsed < end)
        {
            Advance(requestsPerStep, errorRate, fingerprints, recoveryFailure: recoveryFailure);
            if (Elapsed.Ticks % TimeSpan.TicksPerMinute == 0)
            {
                evaluations.Add((Elapsed, Detector.Evaluate(Monitor, Requests)));
            }
        }

        return evaluations;
    }

    private long Sum(int steps)
    {
        long sum = 0;
        for (long s = Math.Max(1, _steps - steps + 1); s <= _steps; s++)
        {
            sum += _requests[s % _requests.Length];
        }

        return sum;
    }
}
