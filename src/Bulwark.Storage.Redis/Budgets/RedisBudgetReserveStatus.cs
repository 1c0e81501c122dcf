namespace Bulwark.Storage.Redis.Budgets;

/// <summary>What became of a reservation.</summary>
public enum RedisBudgetReserveStatus
{
    /// <summary>Reserved on every counter.</summary>
    Reserved,

    /// <summary>An enforced counter has not enough left: reserved on none.</summary>
    Refused,

    /// <summary>
    /// A counter has never been seeded with what was spent before it existed in Redis (a new counter, or a Redis that lost
    /// its data): reserved on none. Seed it with <see cref="RedisBudgetCounters.SeedAsync"/> and reserve again.
    /// </summary>
    NotSeeded,
}
