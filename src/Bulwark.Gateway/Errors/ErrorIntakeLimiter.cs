using System.Collections.Concurrent;
using Bulwark.Gateway.Configuration;
using Microsoft.Extensions.Options;

namespace Bulwark.Gateway.Errors;

/// <summary>
/// A token bucket per caller of <c>POST /bulwark/errors</c>: <c>IntakeRequestsPerMinute</c> tokens, refilled evenly over the
/// minute by the gateway's <see cref="TimeProvider"/>. Callers are client keys and the admin token, so the buckets are as
/// many as the keys that report.
/// </summary>
internal sealed class ErrorIntakeLimiter(IOptions<GatewayOptions> options, TimeProvider timeProvider)
{
    private readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);
    private readonly int _perMinute = options.Value.Errors.IntakeRequestsPerMinute;

    public int PerMinute => _perMinute;

    /// <summary>Takes one token of <paramref name="caller"/>'s bucket; when it is empty, how long until one is back.</summary>
    public (bool Allowed, TimeSpan RetryAfter) TryTake(string caller)
    {
        long now = timeProvider.GetTimestamp();
        var bucket = _buckets.GetOrAdd(caller, static (_, state) => new Bucket(state.Item1, state.Item2), (_perMinute, now));
        return bucket.TryTake(now, _perMinute, timeProvider.TimestampFrequency);
    }

    private sealed class Bucket(double tokens, long at)
    {
        private readonly Lock _gate = new();
        private double _tokens = tokens;
        private long _at = at;

        public (bool, TimeSpan) TryTake(long now, int perMinute, long frequency)
        {
            double perTick = perMinute / (60.0 * frequency);
            lock (_gate)
            {
                if (now > _at)
                {
                    _tokens = Math.Min(perMinute, _tokens + ((now - _at) * perTick));
                    _at = now;
                }

                if (_tokens >= 1)
                {
                    _tokens--;
                    return (true, TimeSpan.Zero);
                }

                return (false, TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling((1 - _tokens) / perMinute * 60))));
            }
        }
    }
}
