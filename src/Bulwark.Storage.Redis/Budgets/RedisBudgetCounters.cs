using System.Globalization;
using StackExchange.Redis;

namespace Bulwark.Storage.Redis.Budgets;

/// <summary>
/// Budget counters in Redis shared by a fleet: a request reserves its bound on every counter it counts in, all or none,
/// in one atomic script, so that instances reserving at once can never together take more than a limit allows;
/// afterwards it settles to what it spent, or releases. A reservation is held until settled, released, or its hold
/// expires (an instance that died mid-request gives its reservations back by then).
/// </summary>
/// <remarks>
/// Time comes from the <see cref="TimeProvider"/> of each instance (buckets and holds), so instances' clocks should agree
/// to well under a bucket. Redis keeps, per counter: one hash (spend, the sum of reservations held, whether it was
/// seeded), a sorted set of holds by expiry and a hash of each hold's amounts. A counter Redis does not know (new, or
/// lost with Redis's data) is reported <see cref="RedisBudgetReserveStatus.NotSeeded"/> until the caller seeds it with
/// what was spent before (from its own durable record), so a Redis restart does not reset a budget. Every failure
/// surfaces as <see cref="StoreUnavailableException"/> within the connection's operation timeout.
/// </remarks>
public sealed class RedisBudgetCounters
{
    /// <summary>The number of bucket slots of a rolling counter: the 60 of the window and the one being filled.</summary>
    internal const int Slots = 61;

    private const long MaxAmount = 1L << 50;

    private const string Functions = """
        local SLOTS = 61
        local function fields(k)
          local raw = redis.call('HGETALL', k)
          local h = {}
          for j = 1, #raw, 2 do h[raw[j]] = raw[j + 1] end
          return h
        end
        local function num(v) return tonumber(v or '0') end
        local function int(x) return string.format('%d', x) end
        local function unhold(k, m)
          local v = redis.call('HGET', k .. ':a', m)
          if v then
            local sep = string.find(v, ':', 1, true)
            redis.call('HINCRBY', k, 'rt', int(0 - tonumber(string.sub(v, 1, sep - 1))))
            redis.call('HINCRBY', k, 'rc', int(0 - tonumber(string.sub(v, sep + 1))))
            redis.call('HDEL', k .. ':a', m)
          end
          redis.call('ZREM', k .. ':r', m)
        end
        local function purge(k, now)
          for _, m in ipairs(redis.call('ZRANGEBYSCORE', k .. ':r', '-inf', int(now))) do unhold(k, m) end
        end
        local function spent(h, width, now)
          if width == 0 then return num(h['st']), num(h['sc']) end
          local current = math.floor(now / width)
          local t, c = 0, 0
          for s = 0, SLOTS - 1 do
            local i = tonumber(h['i' .. s] or '-1')
            if i >= current - (SLOTS - 1) and i <= current then
              t = t + num(h['t' .. s])
              c = c + num(h['c' .. s])
            end
          end
          return t, c
        end
        local function add(k, width, at, t, c)
          if t == 0 and c == 0 then return end
          if width == 0 then
            redis.call('HINCRBY', k, 'st', int(t))
            redis.call('HINCRBY', k, 'sc', int(c))
            return
          end
          local index = math.floor(at / width)
          local s = index % SLOTS
          local held = tonumber(redis.call('HGET', k, 'i' .. s) or '-1')
          if held > index then return end
          if held ~= index then
            redis.call('HSET', k, 'i' .. s, string.format('%d', index), 't' .. s, 0, 'c' .. s, 0)
          end
          redis.call('HINCRBY', k, 't' .. s, int(t))
          redis.call('HINCRBY', k, 'c' .. s, int(c))
        end
        local function keep(k, ttl)
          redis.call('PEXPIRE', k, int(ttl))
          redis.call('PEXPIRE', k .. ':r', int(ttl))
          redis.call('PEXPIRE', k .. ':a', int(ttl))
        end
        """;

    // ARGV: now, id, tokens, cost, hold until; then per key: enforced, token limit (-1: none), cost limit, bucket width (0: one sum), ttl.
    // Returns {0, index, spent t, spent c, reserved t, reserved c} refused; {1} reserved; {2, index...} not seeded.
    private const string ReserveScript = Functions + "\n" + """
        local now, id, tokens, cost, hold = tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
        local unseeded = {2}
        local hs = {}
        for i, k in ipairs(KEYS) do
          purge(k, now)
          hs[i] = fields(k)
          if not hs[i]['seeded'] then table.insert(unseeded, i - 1) end
        end
        if #unseeded > 1 then return unseeded end
        for i, k in ipairs(KEYS) do
          local b = 5 + (i - 1) * 5
          if ARGV[b + 1] == '1' and redis.call('HEXISTS', k .. ':a', id) == 0 then
            local h = hs[i]
            local tl, cl = tonumber(ARGV[b + 2]), tonumber(ARGV[b + 3])
            local st, sc = spent(h, tonumber(ARGV[b + 4]), now)
            local rt, rc = num(h['rt']), num(h['rc'])
            if (tl >= 0 and tokens > tl - st - rt) or (cl >= 0 and cost > cl - sc - rc) then
              return {0, i - 1, st, sc, rt, rc}
            end
          end
        end
        for i, k in ipairs(KEYS) do
          local b = 5 + (i - 1) * 5
          if redis.call('HEXISTS', k .. ':a', id) == 0 then
            redis.call('ZADD', k .. ':r', int(hold), id)
            redis.call('HSET', k .. ':a', id, string.format('%d:%d', tokens, cost))
            redis.call('HINCRBY', k, 'rt', int(tokens))
            redis.call('HINCRBY', k, 'rc', int(cost))
          end
          keep(k, tonumber(ARGV[b + 5]))
        end
        return {1}
        """;

    // ARGV: now, id, tokens, cost; then per key: bucket width, ttl. The hold comes off; the spend goes on (nothing for a release).
    private const string SettleScript = Functions + "\n" + """
        local now, id, tokens, cost = tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
        for i, k in ipairs(KEYS) do
          local b = 4 + (i - 1) * 2
          unhold(k, id)
          add(k, tonumber(ARGV[b + 1]), now, tokens, cost)
          keep(k, tonumber(ARGV[b + 2]))
        end
        return 1
        """;

    // ARGV: bucket width, ttl, then triples (at, tokens, cost). Adds them and marks the counter seeded, unless it was. Returns 1 when seeded now.
    private const string SeedScript = Functions + "\n" + """
        if redis.call('HEXISTS', KEYS[1], 'seeded') == 1 then return 0 end
        local width = tonumber(ARGV[1])
        for j = 3, #ARGV, 3 do add(KEYS[1], width, tonumber(ARGV[j]), tonumber(ARGV[j + 1]), tonumber(ARGV[j + 2])) end
        redis.call('HSET', KEYS[1], 'seeded', 1)
        keep(KEYS[1], tonumber(ARGV[2]))
        return 1
        """;

    // ARGV: now, bucket width. Returns {spent t, spent c, reserved t, reserved c, seeded}.
    private const string ReadScript = Functions + "\n" + """
        local now = tonumber(ARGV[1])
        local h = fields(KEYS[1])
        local st, sc = spent(h, tonumber(ARGV[2]), now)
        return {st, sc, num(h['rt']), num(h['rc']), h['seeded'] and 1 or 0}
        """;

    private readonly RedisConnection _connection;
    private readonly TimeProvider _timeProvider;

    /// <summary>Initializes a new instance of the <see cref="RedisBudgetCounters"/> class.</summary>
    /// <param name="connection">The Redis connection (shared by every feature of the process).</param>
    /// <param name="timeProvider">The clock of buckets and holds, or <see langword="null"/> for the system's.</param>
    public RedisBudgetCounters(RedisConnection connection, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _connection = connection;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>
    /// Reserves <paramref name="amount"/> on every one of <paramref name="counters"/> under <paramref name="reservationId"/>,
    /// or on none: refused when an enforced counter's spend and holds leave less than it. Reserving an id again is a no-op
    /// that succeeds.
    /// </summary>
    /// <param name="reservationId">The reservation's id, unique in the fleet (1 to 128 characters).</param>
    /// <param name="counters">The counters, 1 to 64.</param>
    /// <param name="amount">The amount to hold.</param>
    /// <param name="hold">How long the hold lasts if never settled or released: 1 second to 1 day; longer than the request may take.</param>
    /// <param name="cancellationToken">Unused beyond a check at the start: the operation timeout bounds the call.</param>
    /// <returns>Whether it was reserved, and on a refusal, the refusing counter and its figures.</returns>
    /// <exception cref="StoreUnavailableException">Redis cannot be reached or did not answer in time.</exception>
    public async Task<RedisBudgetReserveResult> ReserveAsync(string reservationId, IReadOnlyList<RedisBudgetCounter> counters, RedisBudgetAmount amount, TimeSpan hold, CancellationToken cancellationToken = default)
    {
        Check(reservationId, counters);
        if (hold < TimeSpan.FromSeconds(1) || hold > TimeSpan.FromDays(1))
        {
            throw new ArgumentOutOfRangeException(nameof(hold), hold, "The hold must be from 1 second to 1 day.");
        }

        cancellationToken.ThrowIfCancellationRequested();
        var now = _timeProvider.GetUtcNow();
        long nowMs = now.ToUnixTimeMilliseconds();
        var keys = new RedisKey[counters.Count];
        var args = new RedisValue[5 + (counters.Count * 5)];
        (args[0], args[1], args[2], args[3], args[4]) = (nowMs, reservationId, Clamp(amount.Tokens), Clamp(amount.Cost), nowMs + (long)hold.TotalMilliseconds);
        for (int i = 0; i < counters.Count; i++)
        {
            var counter = counters[i];
            keys[i] = KeyOf(counter);
            int b = 5 + (i * 5);
            args[b] = counter.Enforced ? 1 : 0;
            args[b + 1] = counter.TokenLimit is { } t ? Clamp(t) : -1;
            args[b + 2] = counter.CostLimit is { } c ? Clamp(c) : -1;
            args[b + 3] = WidthOf(counter);
            args[b + 4] = Math.Max(TtlOf(counter, now), (long)hold.TotalMilliseconds + 1_000);
        }

        var result = await _connection.RunAsync("reserve on a budget", db => db.ScriptEvaluateAsync(ReserveScript, keys, args)).ConfigureAwait(false);
        var values = (RedisResult[])result!;
        return (long)values[0] switch
        {
            1 => new RedisBudgetReserveResult(RedisBudgetReserveStatus.Reserved, -1, default, default, []),
            2 => new RedisBudgetReserveResult(RedisBudgetReserveStatus.NotSeeded, -1, default, default, [.. values.Skip(1).Select(static v => (int)v)]),
            _ => new RedisBudgetReserveResult(
                RedisBudgetReserveStatus.Refused, (int)values[1], new RedisBudgetAmount((long)values[2], (long)values[3]), new RedisBudgetAmount((long)values[4], (long)values[5]), []),
        };
    }

    /// <summary>
    /// Ends a reservation with what it spent: its hold comes off each counter (if it is still held) and
    /// <paramref name="spent"/> is counted now. Settling twice counts the spend twice: call it once.
    /// </summary>
    /// <param name="reservationId">The reservation's id.</param>
    /// <param name="counters">The counters it was reserved on.</param>
    /// <param name="spent">What the request spent.</param>
    /// <param name="cancellationToken">Unused beyond a check at the start.</param>
    /// <returns>A task that completes when Redis has counted it.</returns>
    /// <exception cref="StoreUnavailableException">Redis cannot be reached or did not answer in time (the hold then expires on its own).</exception>
    public Task SettleAsync(string reservationId, IReadOnlyList<RedisBudgetCounter> counters, RedisBudgetAmount spent, CancellationToken cancellationToken = default) =>
        EndAsync(reservationId, counters, spent, cancellationToken);

    /// <summary>Ends a reservation with nothing spent: its hold comes off each counter. Releasing twice does nothing more.</summary>
    /// <param name="reservationId">The reservation's id.</param>
    /// <param name="counters">The counters it was reserved on.</param>
    /// <param name="cancellationToken">Unused beyond a check at the start.</param>
    /// <returns>A task that completes when Redis has released it.</returns>
    /// <exception cref="StoreUnavailableException">Redis cannot be reached or did not answer in time (the hold then expires on its own).</exception>
    public Task ReleaseAsync(string reservationId, IReadOnlyList<RedisBudgetCounter> counters, CancellationToken cancellationToken = default) =>
        EndAsync(reservationId, counters, default, cancellationToken);

    /// <summary>
    /// Gives a counter Redis did not know what was spent before, once: the first instance to seed it wins; later seeds
    /// (another instance's, at the same moment) change nothing. Spend counted before the seed is kept.
    /// </summary>
    /// <param name="counter">The counter.</param>
    /// <param name="spent">What was spent and when (for a rolling window, spend older than the window counts nothing).</param>
    /// <param name="cancellationToken">Unused beyond a check at the start.</param>
    /// <returns><see langword="true"/> when this call seeded it.</returns>
    /// <exception cref="StoreUnavailableException">Redis cannot be reached or did not answer in time.</exception>
    public async Task<bool> SeedAsync(RedisBudgetCounter counter, IReadOnlyList<(DateTimeOffset At, RedisBudgetAmount Spent)> spent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(counter);
        ArgumentNullException.ThrowIfNull(spent);
        CheckCounter(counter);
        cancellationToken.ThrowIfCancellationRequested();
        var now = _timeProvider.GetUtcNow();
        var args = new RedisValue[2 + (spent.Count * 3)];
        (args[0], args[1]) = (WidthOf(counter), TtlOf(counter, now));
        for (int i = 0; i < spent.Count; i++)
        {
            (args[2 + (i * 3)], args[3 + (i * 3)], args[4 + (i * 3)]) = (spent[i].At.ToUnixTimeMilliseconds(), Clamp(spent[i].Spent.Tokens), Clamp(spent[i].Spent.Cost));
        }

        var result = await _connection.RunAsync("seed a budget", db => db.ScriptEvaluateAsync(SeedScript, [KeyOf(counter)], args)).ConfigureAwait(false);
        return (long)result == 1;
    }

    /// <summary>Reads a counter: what it has spent (in its window or period), what reservations hold, and whether it was seeded.</summary>
    /// <param name="counter">The counter.</param>
    /// <param name="cancellationToken">Unused beyond a check at the start.</param>
    /// <returns>Its spend, its holds, and whether it is seeded.</returns>
    /// <exception cref="StoreUnavailableException">Redis cannot be reached or did not answer in time.</exception>
    public async Task<(RedisBudgetAmount Spent, RedisBudgetAmount Reserved, bool Seeded)> ReadAsync(RedisBudgetCounter counter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(counter);
        CheckCounter(counter);
        cancellationToken.ThrowIfCancellationRequested();
        long now = _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        var result = await _connection.RunAsync("read a budget", db => db.ScriptEvaluateAsync(ReadScript, [KeyOf(counter)], [now, WidthOf(counter)])).ConfigureAwait(false);
        var values = (RedisResult[])result!;
        return (new RedisBudgetAmount((long)values[0], (long)values[1]), new RedisBudgetAmount((long)values[2], (long)values[3]), (long)values[4] == 1);
    }

    private async Task EndAsync(string reservationId, IReadOnlyList<RedisBudgetCounter> counters, RedisBudgetAmount spent, CancellationToken cancellationToken)
    {
        Check(reservationId, counters);
        cancellationToken.ThrowIfCancellationRequested();
        var now = _timeProvider.GetUtcNow();
        var keys = new RedisKey[counters.Count];
        var args = new RedisValue[4 + (counters.Count * 2)];
        (args[0], args[1], args[2], args[3]) = (now.ToUnixTimeMilliseconds(), reservationId, Clamp(spent.Tokens), Clamp(spent.Cost));
        for (int i = 0; i < counters.Count; i++)
        {
            keys[i] = KeyOf(counters[i]);
            (args[4 + (i * 2)], args[5 + (i * 2)]) = (WidthOf(counters[i]), TtlOf(counters[i], now));
        }

        await _connection.RunAsync("settle a budget", db => db.ScriptEvaluateAsync(SettleScript, keys, args)).ConfigureAwait(false);
    }

    private RedisKey KeyOf(RedisBudgetCounter counter) => new($"{_connection.KeyPrefix}:budget:{counter.Key}");

    private static long WidthOf(RedisBudgetCounter counter) => counter.BucketWidth is { } width ? Math.Max(1, (long)width.TotalMilliseconds) : 0;

    /// <summary>How long the counter's keys are kept after this write: a bucket beyond the window, or a day beyond the period.</summary>
    private static long TtlOf(RedisBudgetCounter counter, DateTimeOffset now) =>
        counter.BucketWidth is { } width
            ? Math.Max(1, (long)width.TotalMilliseconds) * (Slots + 1)
            : Math.Max(1_000, (long)(counter.KeepUntil - now).TotalMilliseconds) + (long)TimeSpan.FromDays(1).TotalMilliseconds;

    private static long Clamp(long amount) => Math.Clamp(amount, 0, MaxAmount);

    private static void Check(string reservationId, IReadOnlyList<RedisBudgetCounter> counters)
    {
        ArgumentNullException.ThrowIfNull(reservationId);
        ArgumentNullException.ThrowIfNull(counters);
        if (reservationId.Length is 0 or > 128 || reservationId.Contains(':', StringComparison.Ordinal))
        {
            throw new ArgumentException("A reservation id is 1 to 128 characters, without ':'.", nameof(reservationId));
        }

        if (counters.Count is 0 or > 64)
        {
            throw new ArgumentException("A reservation is made on 1 to 64 counters.", nameof(counters));
        }

        foreach (var counter in counters)
        {
            CheckCounter(counter);
        }
    }

    private static void CheckCounter(RedisBudgetCounter counter)
    {
        if (string.IsNullOrEmpty(counter.Key) || counter.Key.Length > 512)
        {
            throw new ArgumentException("A counter's key is 1 to 512 characters.", nameof(counter));
        }

        if (counter.TokenLimit < 0 || counter.CostLimit < 0)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Counter '{counter.Key}': limits are 0 or more."), nameof(counter));
        }

        if (counter.BucketWidth is null && counter.KeepUntil == DateTimeOffset.MinValue)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Counter '{counter.Key}': a one-sum counter needs KeepUntil (its period's end)."), nameof(counter));
        }
    }
}
