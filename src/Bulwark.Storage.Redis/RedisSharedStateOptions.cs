namespace Bulwark.Storage.Redis;

/// <summary>Settings of Bulwark's shared state on Redis.</summary>
public sealed class RedisSharedStateOptions
{
    /// <summary>
    /// Gets or sets the StackExchange.Redis configuration string (<c>127.0.0.1:6379,password=...,ssl=true</c>). It may hold a
    /// password: it is never logged nor put in an exception's message. Its timeouts are replaced by <see cref="OperationTimeout"/>.
    /// </summary>
    /// <value>Required.</value>
    public string? Configuration { get; set; }

    /// <summary>Gets or sets the prefix of every key and channel, so that several fleets can share one Redis.</summary>
    /// <value>Defaults to <c>bulwark</c>. 1 to 100 characters, no whitespace.</value>
    public string KeyPrefix { get; set; } = RedisConstants.DefaultKeyPrefix;

    /// <summary>
    /// Gets or sets how long connecting and each operation may take before it fails: Redis being slow or gone holds
    /// nothing up for much longer (breakers go on locally meanwhile). Operations are checked against it at an interval of
    /// half of it, kept between 100 ms and 1 s, so a wait ends within the timeout plus that interval (1.5 times a timeout
    /// of 200 ms to 2 s).
    /// </summary>
    /// <value>Defaults to 1 second. Range 100 milliseconds to 30 seconds.</value>
    public TimeSpan OperationTimeout { get; set; } = RedisConstants.DefaultOperationTimeout;
}
