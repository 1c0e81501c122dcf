using System.Diagnostics.CodeAnalysis;
using System.Threading.RateLimiting;
using StackExchange.Redis;

namespace Bulwark.Storage.Redis.RateLimiting;

/// <summary>
/// A fixed-window rate limiter whose count lives in Redis, so that every instance of a fleet that uses the same
/// <see cref="RedisFixedWindowRateLimiterOptions.Key"/> shares one limit: 100 per minute is 100 per minute for the fleet,
/// not per instance. A Lua script reads Redis's clock, picks the window and grants or refuses in one atomic step; a
/// refused request consumes nothing. Usable wherever a <see cref="RateLimiter"/> is (ASP.NET Core's rate limiting
/// middleware included).
/// </summary>
/// <remarks>
/// Acquiring is asynchronous only: the synchronous <see cref="RateLimiter.AttemptAcquire(int)"/> never blocks on the network
/// and so never grants (callers such as ASP.NET Core's middleware then call <see cref="RateLimiter.AcquireAsync(int, CancellationToken)"/>).
/// Nothing is queued. A refused lease carries <see cref="MetadataName.RetryAfter"/>: the time left in the window. While
/// Redis cannot be reached, <see cref="RedisFixedWindowRateLimiterOptions.OnRedisFailure"/> decides, within the
/// connection's operation timeout; the lease then carries the reason (<see cref="MetadataName.ReasonPhrase"/>).
/// </remarks>
public sealed class RedisFixedWindowRateLimiter : RateLimiter
{
    // KEYS[1] the counter's prefix; ARGV: window in ms, limit, permits. Returns {granted (1/0), ms left in the window}.
    private const string AcquireScript = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local window = tonumber(ARGV[1])
        local start = now - (now % window)
        local key = KEYS[1] .. ':' .. start
        local permits = tonumber(ARGV[3])
        local used = tonumber(redis.call('GET', key) or '0')
        local left = start + window - now
        if used + permits > tonumber(ARGV[2]) then return {0, left} end
        redis.call('INCRBY', key, permits)
        redis.call('PEXPIRE', key, window + 1000)
        return {1, left}
        """;

    private static readonly RateLimitLease NotAttempted = new Lease(false, null, "acquire asynchronously: the count is in Redis");
    private readonly RedisConnection _connection;
    private readonly RedisKey _key;
    private readonly RedisFixedWindowRateLimiterOptions _options;
    private readonly TimeProvider _timeProvider;
    private long _lastAcquire;
    private long _granted;
    private long _refused;

    /// <summary>Initializes a new instance of the <see cref="RedisFixedWindowRateLimiter"/> class.</summary>
    /// <param name="connection">The Redis connection (shared by every limiter of the process).</param>
    /// <param name="options">The options; copied.</param>
    /// <param name="timeProvider">The clock of <see cref="IdleDuration"/>, or <see langword="null"/> for the system's (windows follow Redis's clock).</param>
    /// <exception cref="ArgumentException">An option is out of its range.</exception>
    public RedisFixedWindowRateLimiter(RedisConnection connection, RedisFixedWindowRateLimiterOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(options);
        if (options.PermitLimit is < 1 or > RedisConstants.MaxPermitLimit)
        {
            throw new ArgumentException($"PermitLimit must be from 1 to {RedisConstants.MaxPermitLimit:N0}; it is {options.PermitLimit}.", nameof(options));
        }

        if (options.Window < TimeSpan.FromSeconds(1) || options.Window > TimeSpan.FromDays(1))
        {
            throw new ArgumentException($"Window must be from 1 second to 1 day; it is {options.Window}.", nameof(options));
        }

        if (string.IsNullOrEmpty(options.Key) || options.Key.Length > RedisConstants.MaxLimiterKeyLength)
        {
            throw new ArgumentException($"Key must be 1 to {RedisConstants.MaxLimiterKeyLength} characters.", nameof(options));
        }

        _connection = connection;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _lastAcquire = _timeProvider.GetTimestamp();
        _options = new RedisFixedWindowRateLimiterOptions { PermitLimit = options.PermitLimit, Window = options.Window, Key = options.Key, OnRedisFailure = options.OnRedisFailure };
        _key = new RedisKey($"{connection.KeyPrefix}:limit:{options.Key}");
    }

    /// <inheritdoc/>
    /// <remarks>
    /// The time since the last acquisition once it exceeds the window (nothing of this limiter's is counted in Redis any
    /// more), else <see langword="null"/>: a partitioned limiter (ASP.NET Core's) then drops the idle ones, so a client that
    /// stopped calling leaves nothing behind.
    /// </remarks>
    public override TimeSpan? IdleDuration
    {
        get
        {
            var idle = _timeProvider.GetElapsedTime(Interlocked.Read(ref _lastAcquire));
            return idle > _options.Window ? idle : null;
        }
    }

    /// <inheritdoc/>
    public override RateLimiterStatistics? GetStatistics() => new()
    {
        CurrentAvailablePermits = 0,
        CurrentQueuedCount = 0,
        TotalSuccessfulLeases = Interlocked.Read(ref _granted),
        TotalFailedLeases = Interlocked.Read(ref _refused),
    };

    /// <inheritdoc/>
    protected override RateLimitLease AttemptAcquireCore(int permitCount) => NotAttempted;

    /// <inheritdoc/>
    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(permitCount);
        if (permitCount > _options.PermitLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(permitCount), permitCount, $"More permits than the limit ({_options.PermitLimit}) can never be granted.");
        }

        Interlocked.Exchange(ref _lastAcquire, _timeProvider.GetTimestamp());
        RedisResult result;
        try
        {
            result = await _connection.RunAsync("count a rate limit", db => db.ScriptEvaluateAsync(
                AcquireScript, [_key], [(long)_options.Window.TotalMilliseconds, _options.PermitLimit, permitCount])).ConfigureAwait(false);
        }
        catch (StoreUnavailableException e)
        {
            bool open = _options.OnRedisFailure == SharedStateFailureMode.FailOpen;
            Count(open);
            return new Lease(open, null, $"the shared limit could not be checked ({e.Message}); {(open ? "served" : "refused")} as configured");
        }

        var values = (RedisResult[])result!;
        bool granted = (long)values[0] == 1;
        Count(granted);
        return new Lease(granted, granted ? null : TimeSpan.FromMilliseconds(Math.Max(1, (long)values[1])), null);
    }

    private void Count(bool granted) => Interlocked.Increment(ref granted ? ref _granted : ref _refused);

    private sealed class Lease(bool acquired, TimeSpan? retryAfter, string? reason) : RateLimitLease
    {
        public override bool IsAcquired { get; } = acquired;

        public override IEnumerable<string> MetadataNames =>
            (retryAfter, reason) switch
            {
                (not null, not null) => [MetadataName.RetryAfter.Name, MetadataName.ReasonPhrase.Name],
                (not null, null) => [MetadataName.RetryAfter.Name],
                (null, not null) => [MetadataName.ReasonPhrase.Name],
                _ => [],
            };

        public override bool TryGetMetadata(string metadataName, [NotNullWhen(true)] out object? metadata)
        {
            metadata = metadataName == MetadataName.RetryAfter.Name ? retryAfter
                : metadataName == MetadataName.ReasonPhrase.Name ? reason
                : null;
            return metadata is not null;
        }
    }
}
