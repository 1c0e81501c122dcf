using System.Globalization;
using Bulwark.SharedState;
using StackExchange.Redis;

namespace Bulwark.Storage.Redis.Breakers;

/// <summary>
/// Shares circuit breaker states through Redis: the newest state of each breaker in one hash
/// (<c>{prefix}:breakers</c>), and every transition published on a channel of the same name. A Lua script writes and
/// publishes in one step and keeps a state only if it is newer than the one stored.
/// </summary>
public sealed class RedisCircuitBreakerStateExchange : ICircuitBreakerStateExchange
{
    // KEYS[1] the hash; ARGV: field, "{takenAt}|{json}", takenAt, channel, json.
    private const string PublishScript = """
        local current = redis.call('HGET', KEYS[1], ARGV[1])
        if current then
            local taken = tonumber(string.match(current, '^(%d+)|'))
            if taken and taken > tonumber(ARGV[3]) then return 0 end
        end
        redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
        redis.call('PUBLISH', ARGV[4], ARGV[5])
        return 1
        """;

    // KEYS[1] the breaker's runs (a hash: instance → "{run}|{ms}"); ARGV: instance, run, freshness in ms. Returns the fleet's run.
    private const string RunScript = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        if ARGV[2] == '0' then
            redis.call('HDEL', KEYS[1], ARGV[1])
        else
            redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. '|' .. string.format('%d', now))
        end
        local fresh = now - tonumber(ARGV[3])
        local sum = 0
        local raw = redis.call('HGETALL', KEYS[1])
        for j = 1, #raw, 2 do
            local run, at = string.match(raw[j + 1], '^(%d+)|(%d+)$')
            if run and tonumber(at) >= fresh then sum = sum + tonumber(run) else redis.call('HDEL', KEYS[1], raw[j]) end
        end
        redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]) * 2)
        return sum
        """;

    /// <summary>How long an instance's run of failures counts for the fleet without being updated.</summary>
    private static readonly TimeSpan RunFreshness = TimeSpan.FromMinutes(1);

    private readonly RedisConnection _connection;
    private readonly RedisKey _hash;
    private readonly RedisChannel _channel;
    private int _reconnectedAdded;
    private int _subscribed;

    /// <summary>Initializes a new instance of the <see cref="RedisCircuitBreakerStateExchange"/> class on a connection, under its key prefix.</summary>
    /// <param name="connection">The connection.</param>
    public RedisCircuitBreakerStateExchange(RedisConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _connection = connection;
        _hash = new RedisKey($"{connection.KeyPrefix}:breakers");
        _channel = RedisChannel.Literal($"{connection.KeyPrefix}:breakers");
    }

    /// <inheritdoc/>
    public Task PublishAsync(SharedBreakerState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        string json = SharedBreakerStateJson.Serialize(state);
        long takenAt = state.Snapshot.TakenAt.ToUnixTimeMilliseconds();
        return _connection.RunAsync("share a circuit breaker's state", db => db.ScriptEvaluateAsync(
            PublishScript,
            [_hash],
            [state.Key.ToUpperInvariant(), string.Create(CultureInfo.InvariantCulture, $"{takenAt}|{json}"), takenAt, _channel.ToString(), json]));
    }

    /// <inheritdoc/>
    /// <remarks>Kept in <c>{prefix}:breaker-runs:{key}</c>, one field per instance, on Redis's clock.</remarks>
    public async Task<int?> ReportFailureRunAsync(string key, string instanceId, int run, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        ArgumentOutOfRangeException.ThrowIfNegative(run);
        var result = await _connection.RunAsync("count a breaker's failures for the fleet", db => db.ScriptEvaluateAsync(
            RunScript,
            [new RedisKey($"{_connection.KeyPrefix}:breaker-runs:{key.ToUpperInvariant()}")],
            [instanceId, run, (long)RunFreshness.TotalMilliseconds])).ConfigureAwait(false);
        return (int)(long)result;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<SharedBreakerState>> LoadAsync(CancellationToken cancellationToken)
    {
        var entries = await _connection.RunAsync("read shared circuit breaker states", db => db.HashGetAllAsync(_hash)).ConfigureAwait(false);
        var states = new List<SharedBreakerState>(entries.Length);
        foreach (var entry in entries)
        {
            string value = entry.Value.ToString();
            int bar = value.IndexOf('|', StringComparison.Ordinal);
            if (SharedBreakerStateJson.Deserialize(bar < 0 ? null : value[(bar + 1)..]) is { } state)
            {
                states.Add(state);
            }
        }

        return states;
    }

    /// <inheritdoc/>
    public Task SubscribeAsync(Action<SharedBreakerState> received, Action reconnected, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(received);
        ArgumentNullException.ThrowIfNull(reconnected);

        // Called again after a failed attempt (Redis down at start): the reconnection handler is added once, and the
        // channel handler once it was accepted, so that neither runs twice per event.
        if (Interlocked.Exchange(ref _reconnectedAdded, 1) == 0)
        {
            _connection.Reconnected += reconnected;
        }

        if (Volatile.Read(ref _subscribed) == 1)
        {
            return Task.CompletedTask;
        }

        return SubscribeOnceAsync(received);
    }

    private async Task SubscribeOnceAsync(Action<SharedBreakerState> received)
    {
        await _connection.SubscribeAsync("listen to shared circuit breaker states", _channel, message =>
        {
            if (SharedBreakerStateJson.Deserialize(message) is { } state)
            {
                received(state);
            }
        }).ConfigureAwait(false);
        Volatile.Write(ref _subscribed, 1);
    }
}
