namespace Bulwark.Storage.Redis.Budgets;

/// <summary>The outcome of <see cref="RedisBudgetCounters.ReserveAsync"/>.</summary>
public sealed class RedisBudgetReserveResult
{
    internal RedisBudgetReserveResult(RedisBudgetReserveStatus status, int refusedBy, RedisBudgetAmount spent, RedisBudgetAmount reserved, IReadOnlyList<int> notSeeded)
    {
        Status = status;
        RefusedBy = refusedBy;
        Spent = spent;
        Reserved = reserved;
        NotSeeded = notSeeded;
    }

    /// <summary>Gets whether the amount was reserved, refused, or waits for counters to be seeded.</summary>
    public RedisBudgetReserveStatus Status { get; }

    /// <summary>Gets the index of the counter that refused, or -1.</summary>
    public int RefusedBy { get; }

    /// <summary>Gets what the refusing counter had spent (in its window or period); default when not refused.</summary>
    public RedisBudgetAmount Spent { get; }

    /// <summary>Gets what reservations in flight held on the refusing counter; default when not refused.</summary>
    public RedisBudgetAmount Reserved { get; }

    /// <summary>Gets the indexes of the counters to seed; empty unless <see cref="Status"/> is <see cref="RedisBudgetReserveStatus.NotSeeded"/>.</summary>
    public IReadOnlyList<int> NotSeeded { get; }
}
