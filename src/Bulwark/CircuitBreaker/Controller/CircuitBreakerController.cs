using System.Runtime.CompilerServices;
using Bulwark.CircuitBreaker.Health;
using Polly.CircuitBreaker;

namespace Bulwark.CircuitBreaker.Controller;

/// <summary>
/// The breaker's state machine. The closed-state paths that matter for speed (entering, recording a success) take no
/// lock; every transition, every failure and every half-open decision happens under one lock.
/// </summary>
/// <remarks>
/// State and an epoch that changes on every transition live in one 64-bit word (<see cref="_stateEpoch"/>), so a call
/// reads both atomically on entry and its outcome is ignored when the breaker has changed state since.
/// Transitions are returned to the caller, which raises events outside the lock.
/// </remarks>
internal sealed class CircuitBreakerController
{
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly CircuitBreakerSettings _settings;
    private readonly SlidingWindow _window;
    private readonly AdaptiveBaseline _baseline;

    private long _stateEpoch; // high 32 bits: epoch; low 32 bits: CircuitState
    private int _consecutiveFailures;
    private long _lastBucketId = long.MinValue;
    private long _openUntilUtcTicks;
    private long _halfOpenSinceUtcTicks;
    private int _probesInFlight;
    private int _probeSuccesses;
    private int _tripCount;
    private DateTimeOffset? _lastTransitionAt;
    private CircuitTransitionReason _lastTransitionReason;

    public CircuitBreakerController(CircuitBreakerSettings settings, TimeProvider timeProvider)
    {
        _settings = settings;
        _time = timeProvider;
        _window = new SlidingWindow(settings.SamplingDuration, timeProvider.TimestampFrequency);
        _baseline = new AdaptiveBaseline(
            settings.SamplingDuration / CircuitBreakerConstants.WindowBuckets,
            settings.BaselineHorizon,
            settings.InitialBaseline,
            settings.InitialBaselineWeight,
            settings.ThresholdMultiplier,
            settings.MinThreshold,
            settings.MaxThreshold);
        _stateEpoch = Pack(0, CircuitState.Closed);
    }

    public CircuitBreakerSettings Settings => _settings;

    public TimeProvider TimeProvider => _time;

    public CircuitState State => Unpack(Volatile.Read(ref _stateEpoch));

    /// <summary>Tells, without changing state, whether a call made now would be let through (as a normal call or a probe).</summary>
    public bool WouldPermit() => State switch
    {
        CircuitState.Closed => true,
        CircuitState.Open => _time.GetUtcNow().UtcTicks >= Volatile.Read(ref _openUntilUtcTicks),
        CircuitState.HalfOpen => Volatile.Read(ref _probesInFlight) < _settings.HalfOpenMaxCalls || ProbesExpired(_time.GetUtcNow().UtcTicks),
        _ => false,
    };

    /// <summary>Decides whether a call may run.</summary>
    public CircuitPermit Enter()
    {
        long stateEpoch = Volatile.Read(ref _stateEpoch);
        if (Unpack(stateEpoch) == CircuitState.Closed)
        {
            return new CircuitPermit(PermitKind.Normal, stateEpoch, TimeSpan.Zero, null);
        }

        return EnterSlow(stateEpoch);
    }

    /// <summary>Records a successful outcome of a call admitted by <paramref name="permit"/>.</summary>
    public CircuitTransition? OnSuccess(in CircuitPermit permit)
    {
        if (permit.Kind == PermitKind.Normal)
        {
            if (Volatile.Read(ref _stateEpoch) != permit.StateEpoch)
            {
                return null;
            }

            RecordSuccess();
            if (Volatile.Read(ref _consecutiveFailures) != 0 && Interlocked.Exchange(ref _consecutiveFailures, 0) != 0)
            {
                FailureRunChanged?.Invoke(0);
            }

            return null;
        }

        lock (_lock)
        {
            if (_stateEpoch != permit.StateEpoch)
            {
                return null;
            }

            _probesInFlight--;
            if (++_probeSuccesses >= _settings.SuccessThreshold)
            {
                return TransitionLocked(CircuitState.Closed, CircuitTransitionReason.ProbesSucceeded, TimeSpan.Zero, 0, null);
            }

            return null;
        }
    }

    /// <summary>Records a handled failure of a call admitted by <paramref name="permit"/>.</summary>
    public CircuitTransition? OnFailure(in CircuitPermit permit)
    {
        lock (_lock)
        {
            if (_stateEpoch != permit.StateEpoch)
            {
                return null;
            }

            if (permit.Kind == PermitKind.Probe)
            {
                return OpenLocked(CircuitTransitionReason.ProbeFailed, 0, null);
            }

            long bucketId = _window.BucketId(_time.GetTimestamp());
            if (!_window.TryRecord(bucketId, failure: true))
            {
                AdvanceLocked(bucketId);
                _window.TryRecord(bucketId, failure: true);
            }

            int consecutive = Interlocked.Increment(ref _consecutiveFailures);
            FailureRunChanged?.Invoke(consecutive);
            return _settings.Mode switch
            {
                CircuitBreakerMode.ConsecutiveFailures when consecutive >= _settings.FailureThreshold =>
                    OpenLocked(CircuitTransitionReason.ConsecutiveFailures, CurrentCounts().FailureRate, null),
                CircuitBreakerMode.FailureRatio => EvaluateRatioLocked(),
                CircuitBreakerMode.Adaptive => EvaluateAdaptiveLocked(),
                _ => null,
            };
        }
    }

    /// <summary>
    /// Gets or sets what is told the length of the current run of consecutive failures when it grows, and 0 when a success
    /// ends it (a fleet adds its instances' runs up). Called on the calling thread; must not block.
    /// </summary>
    public Action<int>? FailureRunChanged { get; set; }

    /// <summary>Opens a closed breaker now, as if its own threshold had been reached (the fleet's was); does nothing otherwise.</summary>
    public CircuitTransition? Trip(CircuitTransitionReason reason)
    {
        lock (_lock)
        {
            return Unpack(_stateEpoch) == CircuitState.Closed ? OpenLocked(reason, CurrentCounts().FailureRate, null) : null;
        }
    }

    /// <summary>Releases a permit whose outcome must not count either way (the caller cancelled).</summary>
    public void OnIgnored(in CircuitPermit permit)
    {
        if (permit.Kind != PermitKind.Probe)
        {
            return;
        }

        lock (_lock)
        {
            if (_stateEpoch == permit.StateEpoch)
            {
                _probesInFlight--;
            }
        }
    }

    public CircuitTransition? Isolate()
    {
        lock (_lock)
        {
            return TransitionLocked(CircuitState.Isolated, CircuitTransitionReason.ManualIsolation, TimeSpan.Zero, CurrentCounts().FailureRate, null);
        }
    }

    public CircuitTransition? Close()
    {
        lock (_lock)
        {
            var transition = TransitionLocked(CircuitState.Closed, CircuitTransitionReason.ManualClose, TimeSpan.Zero, 0, null);
            if (transition is null)
            {
                // Already closed: no transition to report, but the window is still cleared, as documented.
                _window.Clear();
                _lastBucketId = long.MinValue;
                Interlocked.Exchange(ref _consecutiveFailures, 0);
            }

            return transition;
        }
    }

    public CircuitTransition? Reset()
    {
        lock (_lock)
        {
            _baseline.Reset();
            var transition = TransitionLocked(CircuitState.Closed, CircuitTransitionReason.ManualReset, TimeSpan.Zero, 0, null);
            _window.Clear();
            _lastBucketId = long.MinValue;
            return transition;
        }
    }

    public CircuitBreakerHealth GetHealth()
    {
        lock (_lock)
        {
            var state = Unpack(_stateEpoch);
            var counts = state == CircuitState.Closed ? CurrentCounts() : _window.Sum(_lastBucketId);
            return new CircuitBreakerHealth(
                state,
                _settings.Mode,
                counts.Calls,
                counts.Failures,
                counts.FailureRate,
                Volatile.Read(ref _consecutiveFailures),
                _settings.Mode switch
                {
                    CircuitBreakerMode.FailureRatio => _settings.FailureRatio,
                    CircuitBreakerMode.Adaptive => AdaptiveThreshold(),
                    _ => null,
                },
                _settings.Mode == CircuitBreakerMode.Adaptive ? _baseline.Rate : null,
                _tripCount,
                state == CircuitState.Open ? new DateTimeOffset(_openUntilUtcTicks, TimeSpan.Zero) : null,
                _lastTransitionAt,
                _lastTransitionReason);
        }
    }

    public CircuitBreakerSnapshot CreateSnapshot()
    {
        lock (_lock)
        {
            var state = Unpack(_stateEpoch);
            return new CircuitBreakerSnapshot(
                state,
                state == CircuitState.Open ? new DateTimeOffset(_openUntilUtcTicks, TimeSpan.Zero) : null,
                _tripCount,
                _baseline.Rate,
                _baseline.Weight,
                _lastTransitionAt,
                _lastTransitionReason,
                _time.GetUtcNow());
        }
    }

    /// <summary>
    /// Applies a snapshot. An open breaker stays open until its open-until (never longer than <c>MaxBreakDuration</c> from
    /// now), then probes; a half-open one is restored as open with an elapsed break, so the next call probes.
    /// </summary>
    public CircuitTransition? Restore(CircuitBreakerSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (!double.IsFinite(snapshot.BaselineFailureRate) || snapshot.BaselineFailureRate is < 0 or > 1)
        {
            throw new ArgumentException($"The snapshot's BaselineFailureRate ({snapshot.BaselineFailureRate}) must be a number from 0 to 1.", nameof(snapshot));
        }

        if (!double.IsFinite(snapshot.BaselineWeight) || snapshot.BaselineWeight < 0)
        {
            throw new ArgumentException($"The snapshot's BaselineWeight ({snapshot.BaselineWeight}) must be a finite number of at least 0.", nameof(snapshot));
        }

        if (snapshot.TripCount < 0 || !Enum.IsDefined(snapshot.State))
        {
            throw new ArgumentException("The snapshot's TripCount must be at least 0 and its State a defined CircuitState.", nameof(snapshot));
        }

        lock (_lock)
        {
            _baseline.Set(snapshot.BaselineFailureRate, snapshot.BaselineWeight);
            var now = _time.GetUtcNow();
            switch (snapshot.State)
            {
                case CircuitState.Open:
                case CircuitState.HalfOpen:
                    var latest = now + _settings.MaxBreakDuration;
                    var until = snapshot.State == CircuitState.Open && snapshot.OpenUntil is { } u ? (u < latest ? u : latest) : now;
                    _tripCount = Math.Max(1, snapshot.TripCount);
                    return TransitionLocked(CircuitState.Open, CircuitTransitionReason.Restored, until > now ? until - now : TimeSpan.Zero, 0, null);
                case CircuitState.Isolated:
                    return TransitionLocked(CircuitState.Isolated, CircuitTransitionReason.Restored, TimeSpan.Zero, 0, null);
                default:
                    return Unpack(_stateEpoch) == CircuitState.Closed
                        ? null
                        : TransitionLocked(CircuitState.Closed, CircuitTransitionReason.Restored, TimeSpan.Zero, 0, null);
            }
        }
    }

    private CircuitPermit EnterSlow(long stateEpoch)
    {
        var state = Unpack(stateEpoch);
        if (state == CircuitState.Isolated)
        {
            return new CircuitPermit(PermitKind.RejectedIsolated, stateEpoch, TimeSpan.Zero, null);
        }

        if (state == CircuitState.Open)
        {
            long nowTicks = _time.GetUtcNow().UtcTicks;
            long until = Volatile.Read(ref _openUntilUtcTicks);
            if (nowTicks < until)
            {
                return new CircuitPermit(PermitKind.RejectedOpen, stateEpoch, new TimeSpan(until - nowTicks), null);
            }
        }

        lock (_lock)
        {
            StrongBox<CircuitTransition>? transition = null;
            state = Unpack(_stateEpoch);
            if (state == CircuitState.Open)
            {
                long nowTicks = _time.GetUtcNow().UtcTicks;
                if (nowTicks < _openUntilUtcTicks)
                {
                    return new CircuitPermit(PermitKind.RejectedOpen, _stateEpoch, new TimeSpan(_openUntilUtcTicks - nowTicks), null);
                }

                transition = TransitionLocked(CircuitState.HalfOpen, CircuitTransitionReason.BreakDurationElapsed, TimeSpan.Zero, 0, null) is { } halfOpened
                    ? new StrongBox<CircuitTransition>(halfOpened)
                    : null;
                state = CircuitState.HalfOpen;
            }

            if (state == CircuitState.HalfOpen && _probesInFlight >= _settings.HalfOpenMaxCalls && ProbesExpired(_time.GetUtcNow().UtcTicks))
            {
                // The probes in flight have taken a whole break duration: let new ones through, and ignore the old
                // ones' outcomes (new epoch), so a probe that never completes cannot wedge the breaker.
                RestartHalfOpenLocked();
            }

            return state switch
            {
                CircuitState.Closed => new CircuitPermit(PermitKind.Normal, _stateEpoch, TimeSpan.Zero, transition),
                CircuitState.Isolated => new CircuitPermit(PermitKind.RejectedIsolated, _stateEpoch, TimeSpan.Zero, transition),
                _ when _probesInFlight < _settings.HalfOpenMaxCalls => TakeProbeLocked(transition),
                _ => new CircuitPermit(PermitKind.RejectedHalfOpen, _stateEpoch, ProbeWindowRemaining(), transition),
            };
        }
    }

    private bool ProbesExpired(long nowUtcTicks) =>
        nowUtcTicks - Volatile.Read(ref _halfOpenSinceUtcTicks) >= _settings.BreakDuration.Ticks;

    private TimeSpan ProbeWindowRemaining()
    {
        long remaining = _halfOpenSinceUtcTicks + _settings.BreakDuration.Ticks - _time.GetUtcNow().UtcTicks;
        return new TimeSpan(Math.Max(0, remaining));
    }

    private void RestartHalfOpenLocked()
    {
        long epoch = (_stateEpoch >>> 32) + 1;
        _probesInFlight = 0;
        _probeSuccesses = 0;
        _halfOpenSinceUtcTicks = _time.GetUtcNow().UtcTicks;
        Volatile.Write(ref _stateEpoch, Pack(epoch, CircuitState.HalfOpen));
    }

    private CircuitPermit TakeProbeLocked(StrongBox<CircuitTransition>? transition)
    {
        _probesInFlight++;
        return new CircuitPermit(PermitKind.Probe, _stateEpoch, TimeSpan.Zero, transition);
    }

    private void RecordSuccess()
    {
        long bucketId = _window.BucketId(_time.GetTimestamp());
        if (_window.TryRecord(bucketId, failure: false))
        {
            return;
        }

        lock (_lock)
        {
            AdvanceLocked(bucketId);
            _window.TryRecord(bucketId, failure: false);
        }
    }

    private void AdvanceLocked(long bucketId)
    {
        if (bucketId > _lastBucketId)
        {
            if (_lastBucketId != long.MinValue && _settings.Mode == CircuitBreakerMode.Adaptive && Unpack(_stateEpoch) == CircuitState.Closed)
            {
                // Winsorized inside: a bucket counts at most at the current threshold.
                _baseline.Fold(_window.Read(_lastBucketId), bucketId - _lastBucketId);
            }

            _lastBucketId = bucketId;
        }

        _window.Advance(bucketId);
    }

    private WindowCounts CurrentCounts()
    {
        long bucketId = _window.BucketId(_time.GetTimestamp());
        return _window.Sum(bucketId);
    }

    private double AdaptiveThreshold() => _baseline.Threshold;

    private CircuitTransition? EvaluateRatioLocked()
    {
        var counts = CurrentCounts();
        if (counts.Calls >= _settings.MinimumThroughput && counts.FailureRate >= _settings.FailureRatio)
        {
            return OpenLocked(CircuitTransitionReason.FailureRatioExceeded, counts.FailureRate, _settings.FailureRatio);
        }

        return null;
    }

    private CircuitTransition? EvaluateAdaptiveLocked()
    {
        long bucketId = _window.BucketId(_time.GetTimestamp());
        double threshold = AdaptiveThreshold();

        // The whole window catches a sustained rise; its two most recent buckets catch an abrupt outage without
        // waiting for it to outweigh the healthy history the rest of the window still holds.
        var window = _window.Sum(bucketId);
        if (window.Calls >= _settings.MinimumThroughput && WilsonScore.LowerBound(window.Failures, window.Calls, _settings.Z) > threshold)
        {
            return OpenLocked(CircuitTransitionReason.AdaptiveThresholdExceeded, window.FailureRate, threshold);
        }

        var recent = _window.SumRecent(bucketId, CircuitBreakerConstants.RecentBuckets);
        if (recent.Calls >= _settings.MinimumThroughput && WilsonScore.LowerBound(recent.Failures, recent.Calls, _settings.Z) > threshold)
        {
            return OpenLocked(CircuitTransitionReason.AdaptiveThresholdExceeded, recent.FailureRate, threshold);
        }

        return null;
    }

    private CircuitTransition? OpenLocked(CircuitTransitionReason reason, double failureRate, double? threshold)
    {
        int trips = _tripCount + 1;
        var duration = BreakDurationFor(trips, failureRate);
        _tripCount = trips;
        return TransitionLocked(CircuitState.Open, reason, duration, failureRate, threshold);
    }

    private TimeSpan BreakDurationFor(int trips, double failureRate)
    {
        TimeSpan duration;
        double seconds = _settings.BreakDuration.TotalSeconds * Math.Pow(_settings.BreakDurationGrowthFactor, Math.Min(trips - 1, 64));
        duration = seconds >= _settings.MaxBreakDuration.TotalSeconds ? _settings.MaxBreakDuration : TimeSpan.FromSeconds(seconds);
        if (_settings.BreakDurationGenerator is { } generator)
        {
            try
            {
                duration = generator(new BreakDurationGeneratorArguments(trips, _settings.BreakDuration, failureRate));
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A throwing generator must not leave the breaker stuck mid-transition: the built-in growth applies.
            }
        }

        if (duration < TimeSpan.Zero)
        {
            duration = TimeSpan.Zero;
        }

        return duration > _settings.MaxBreakDuration ? _settings.MaxBreakDuration : duration;
    }

    private CircuitTransition? TransitionLocked(CircuitState to, CircuitTransitionReason reason, TimeSpan breakDuration, double failureRate, double? threshold)
    {
        var from = Unpack(_stateEpoch);
        if (from == to && to != CircuitState.Open && reason != CircuitTransitionReason.ManualReset)
        {
            return null;
        }

        long epoch = (_stateEpoch >>> 32) + 1;
        var now = _time.GetUtcNow();
        _lastTransitionAt = now;
        _lastTransitionReason = reason;
        _probesInFlight = 0;
        _probeSuccesses = 0;
        switch (to)
        {
            case CircuitState.Closed:
                _window.Clear();
                _lastBucketId = long.MinValue;
                _tripCount = 0;
                Interlocked.Exchange(ref _consecutiveFailures, 0);
                break;
            case CircuitState.Open:
                Interlocked.Exchange(ref _consecutiveFailures, 0);
                break;
        }

        if (to == CircuitState.Open)
        {
            // Written before the state is published, so a lock-free reader never pairs Open with an old break.
            Volatile.Write(ref _openUntilUtcTicks, (now + breakDuration).UtcTicks);
        }
        else if (to == CircuitState.HalfOpen)
        {
            Volatile.Write(ref _halfOpenSinceUtcTicks, now.UtcTicks);
        }

        Volatile.Write(ref _stateEpoch, Pack(epoch, to));
        return new CircuitTransition(from, to, reason, now, breakDuration, failureRate, threshold);
    }

    private static long Pack(long epoch, CircuitState state) => (epoch << 32) | (uint)state;

    private static CircuitState Unpack(long stateEpoch) => (CircuitState)(int)(stateEpoch & 0xFFFF_FFFF);
}
