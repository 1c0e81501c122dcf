namespace Bulwark.Storage.Redis.Budgets;

/// <summary>
/// One budget counter in Redis, shared by every instance that names it by the same <see cref="Key"/>: either one sum (a
/// calendar period: put the period in the key) or a rolling window of 60 buckets of <see cref="BucketWidth"/>.
/// </summary>
public sealed class RedisBudgetCounter
{
    /// <summary>Gets the counter's key, 1 to 512 characters (prefixed with the connection's key prefix and <c>:budget:</c>).</summary>
    public required string Key { get; init; }

    /// <summary>Gets the most tokens the counter allows, spent and reserved together, or <see langword="null"/> for no token limit.</summary>
    /// <value>Defaults to <see langword="null"/>. 0 or more.</value>
    public long? TokenLimit { get; init; }

    /// <summary>Gets the most cost the counter allows, spent and reserved together, or <see langword="null"/> for no cost limit.</summary>
    /// <value>Defaults to <see langword="null"/>. 0 or more.</value>
    public long? CostLimit { get; init; }

    /// <summary>Gets whether a reservation that does not fit is refused (a strict budget); otherwise it is only counted.</summary>
    /// <value>Defaults to <see langword="false"/>.</value>
    public bool Enforced { get; init; }

    /// <summary>
    /// Gets the width of a rolling window's bucket (the window is 60 of them; spend leaves it a bucket late, never early),
    /// or <see langword="null"/> for one sum kept until <see cref="KeepUntil"/>.
    /// </summary>
    /// <value>Defaults to <see langword="null"/>. 1 ms or more.</value>
    public TimeSpan? BucketWidth { get; init; }

    /// <summary>Gets until when a one-sum counter is kept in Redis (its period's end; a day is added); unused for a rolling window.</summary>
    /// <value>Defaults to <see cref="DateTimeOffset.MinValue"/>: required for a one-sum counter.</value>
    public DateTimeOffset KeepUntil { get; init; }
}
