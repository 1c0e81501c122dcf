using StackExchange.Redis;

namespace Bulwark.Storage.Redis;

/// <summary>
/// One multiplexed connection to Redis, shared by every Bulwark feature on it. It connects in the background (a Redis that
/// is down at start is not an error; operations fail until it is up) and reconnects by itself; every failure surfaces as
/// <see cref="StoreUnavailableException"/> within the operation timeout, without the configuration string.
/// </summary>
public sealed class RedisConnection : IAsyncDisposable, IDisposable
{
    private readonly ConnectionMultiplexer _multiplexer;

    private RedisConnection(ConnectionMultiplexer multiplexer, RedisSharedStateOptions options)
    {
        _multiplexer = multiplexer;
        KeyPrefix = options.KeyPrefix;
        _multiplexer.ConnectionRestored += (_, e) =>
        {
            if (e.ConnectionType == ConnectionType.Subscription)
            {
                Reconnected?.Invoke();
            }
        };
    }

    /// <summary>Raised after the subscription connection came back: messages may have been missed meanwhile.</summary>
    internal event Action? Reconnected;

    /// <summary>Gets the prefix of every key and channel.</summary>
    public string KeyPrefix { get; }

    /// <summary>Gets whether Redis is connected now.</summary>
    public bool IsConnected => _multiplexer.IsConnected;

    /// <summary>Creates the connection: waits up to the operation timeout for Redis to answer, then goes on connecting in the background.</summary>
    /// <param name="options">The options.</param>
    /// <returns>The connection.</returns>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem and never the configuration string.</exception>
    public static RedisConnection Create(RedisSharedStateOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (Validate(options) is { Count: > 0 } problems)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }

        var configuration = ConfigurationOptions.Parse(options.Configuration!);
        int timeout = (int)options.OperationTimeout.TotalMilliseconds;
        configuration.AbortOnConnectFail = false;
        configuration.ConnectTimeout = timeout;
        configuration.SyncTimeout = timeout;
        configuration.AsyncTimeout = timeout;

        // The client checks for timed-out operations on its heartbeat, every second by default: an operation could wait
        // its timeout and up to a second more. Beating at half the timeout, kept between 100 ms and 1 s, ends a wait
        // within the timeout plus that interval.
        configuration.HeartbeatInterval = TimeSpan.FromMilliseconds(Math.Clamp(timeout / 2, 100, 1_000));
        configuration.ConnectRetry = 1;
        configuration.ReconnectRetryPolicy = new ExponentialRetry(250, 5_000);
        var multiplexer = ConnectionMultiplexer.Connect(configuration, log: null);

        // A Redis that is up is connected before the first operation (which fails at once while disconnected); one that is
        // down costs the start at most the operation timeout, and the multiplexer keeps trying in the background.
        SpinWait.SpinUntil(() => multiplexer.IsConnected, options.OperationTimeout);
        return new RedisConnection(multiplexer, options);
    }

    /// <summary>Lists what is wrong with <paramref name="options"/>: empty when they are valid.</summary>
    /// <param name="options">The options.</param>
    /// <returns>One message per problem.</returns>
    public static IReadOnlyList<string> Validate(RedisSharedStateOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Configuration))
        {
            problems.Add("The Redis configuration string is required.");
        }
        else
        {
            try
            {
                if (ConfigurationOptions.Parse(options.Configuration).EndPoints.Count == 0)
                {
                    problems.Add("The Redis configuration string names no endpoint (host:port).");
                }
            }
            catch (ArgumentException)
            {
                problems.Add("The Redis configuration string cannot be read (see StackExchange.Redis's configuration format).");
            }
        }

        if (string.IsNullOrEmpty(options.KeyPrefix) || options.KeyPrefix.Length > RedisConstants.MaxKeyPrefixLength || options.KeyPrefix.Any(char.IsWhiteSpace))
        {
            problems.Add($"The Redis key prefix must be 1 to {RedisConstants.MaxKeyPrefixLength} characters without whitespace.");
        }

        if (options.OperationTimeout < RedisConstants.MinOperationTimeout || options.OperationTimeout > RedisConstants.MaxOperationTimeout)
        {
            problems.Add($"The Redis operation timeout must be in [{RedisConstants.MinOperationTimeout}, {RedisConstants.MaxOperationTimeout}]; it is {options.OperationTimeout}.");
        }

        return problems;
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => _multiplexer.DisposeAsync();

    /// <inheritdoc/>
    public void Dispose() => _multiplexer.Dispose();

    internal async Task<T> RunAsync<T>(string operation, Func<IDatabase, Task<T>> work)
    {
        // Disconnected: fail now rather than queue the command until the operation timeout (the multiplexer reconnects
        // in the background, and the next call after that goes through).
        if (!_multiplexer.IsConnected)
        {
            throw new StoreUnavailableException(StoreUnavailableReason.CannotOpen, $"Redis could not {operation}: not connected.");
        }

        try
        {
            return await work(_multiplexer.GetDatabase()).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            throw Translate(e, operation);
        }
    }

    internal async Task SubscribeAsync(string operation, RedisChannel channel, Action<string?> handler)
    {
        try
        {
            await _multiplexer.GetSubscriber().SubscribeAsync(channel, (_, message) => handler(message)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            throw Translate(e, operation);
        }
    }

    private static StoreUnavailableException Translate(Exception error, string operation) => new(
        error is RedisTimeoutException or TimeoutException ? StoreUnavailableReason.Busy
            : error is RedisServerException ? StoreUnavailableReason.Unspecified
            : StoreUnavailableReason.CannotOpen,
        $"Redis could not {operation}: {error.GetType().Name}.",
        error);
}
