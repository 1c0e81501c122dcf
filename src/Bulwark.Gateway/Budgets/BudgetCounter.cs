using Bulwark.Gateway.Configuration;

namespace Bulwark.Gateway.Budgets;

/// <summary>
/// The spend of one budget for one subject (a key, user, team, tier, or everyone): what its current period has spent and
/// what requests in flight have reserved. A calendar period keeps one sum; a rolling window keeps 61 buckets of a 60th
/// of the window each, counting a bucket until all of it has left the window (so spend ages out late, never early).
/// Not thread-safe: <see cref="BudgetBook"/> holds its lock around every use.
/// </summary>
internal sealed class BudgetCounter
{
    private const int Slots = BudgetsConstants.RollingBuckets + 1;

    private readonly BudgetDefinition _budget;
    private readonly long[]? _slotIndex;
    private readonly long[]? _slotTokens;
    private readonly long[]? _slotCost;
    private long _spentTokens;
    private long _spentCost;

    public BudgetCounter(BudgetDefinition budget, string subject)
    {
        _budget = budget;
        Subject = subject;
        if (budget.Period == BudgetPeriod.Rolling)
        {
            _slotIndex = new long[Slots];
            Array.Fill(_slotIndex, long.MinValue);
            _slotTokens = new long[Slots];
            _slotCost = new long[Slots];
        }
    }

    public string Subject { get; }

    /// <summary>Gets the start of the calendar period the sums are of (unused for a rolling window).</summary>
    public DateTimeOffset PeriodStart { get; private set; } = DateTimeOffset.MinValue;

    /// <summary>Gets the end of the calendar period the sums are of (unused for a rolling window).</summary>
    public DateTimeOffset PeriodEnd { get; private set; } = DateTimeOffset.MinValue;

    public long ReservedTokens { get; set; }

    public long ReservedCost { get; set; }

    /// <summary>Gets or sets how many requests hold a reservation on it.</summary>
    public int InFlight { get; set; }

    /// <summary>Moves a calendar counter to the period <paramref name="now"/> is in, its spend starting from zero; reservations stay.</summary>
    public void Roll(DateTimeOffset now, TimeZoneInfo zone)
    {
        if (_slotIndex is not null || (now >= PeriodStart && now < PeriodEnd))
        {
            return;
        }

        var (start, end) = _budget.PeriodAt(now, zone);
        if (start > PeriodStart)
        {
            (_spentTokens, _spentCost) = (0, 0);
        }

        (PeriodStart, PeriodEnd) = (start, end);
    }

    /// <summary>What the period (or the window ending at <paramref name="now"/>) has spent.</summary>
    public (long Tokens, long Cost) Spent(DateTimeOffset now)
    {
        if (_slotIndex is null)
        {
            return (_spentTokens, _spentCost);
        }

        long current = IndexOf(now);
        long tokens = 0, cost = 0;
        for (int i = 0; i < Slots; i++)
        {
            if (_slotIndex[i] >= current - BudgetsConstants.RollingBuckets && _slotIndex[i] <= current)
            {
                tokens += _slotTokens![i];
                cost += _slotCost![i];
            }
        }

        return (tokens, cost);
    }

    /// <summary>Adds spend made at <paramref name="at"/>: counted when it falls in the current period (or window).</summary>
    public void Add(DateTimeOffset at, long tokens, long cost, DateTimeOffset now)
    {
        if (_slotIndex is null)
        {
            if (at >= PeriodStart && at < PeriodEnd)
            {
                _spentTokens += tokens;
                _spentCost += cost;
            }

            return;
        }

        long index = IndexOf(at);
        if (index < IndexOf(now) - BudgetsConstants.RollingBuckets)
        {
            return;
        }

        int slot = (int)(((index % Slots) + Slots) % Slots);
        if (_slotIndex[slot] != index)
        {
            (_slotIndex[slot], _slotTokens![slot], _slotCost![slot]) = (index, 0, 0);
        }

        _slotTokens![slot] += tokens;
        _slotCost![slot] += cost;
    }

    /// <summary>
    /// When enough of a rolling window's spend will have aged out for <paramref name="tokens"/> and
    /// <paramref name="cost"/> more to fit <paramref name="budget"/>'s limits (its current definition: a changed limit
    /// keeps the counter); the period's end for a calendar budget.
    /// </summary>
    public DateTimeOffset FitsAgainAt(BudgetDefinition budget, DateTimeOffset now, long tokens, long cost)
    {
        if (_slotIndex is null)
        {
            return PeriodEnd;
        }

        var (spentTokens, spentCost) = Spent(now);
        long current = IndexOf(now);
        long width = _budget.BucketMilliseconds;
        for (long index = current - BudgetsConstants.RollingBuckets; index <= current; index++)
        {
            int slot = (int)(((index % Slots) + Slots) % Slots);
            if (_slotIndex[slot] == index)
            {
                spentTokens -= _slotTokens![slot];
                spentCost -= _slotCost![slot];
            }

            if ((budget.TokenLimit is not { } tokenLimit || spentTokens + tokens <= tokenLimit)
                && (budget.CostLimit is not { } costLimit || spentCost + cost <= costLimit))
            {
                // This bucket leaves the window when the whole of it is older than the window.
                return DateTimeOffset.FromUnixTimeMilliseconds((index + Slots) * width);
            }
        }

        return now + _budget.Window;
    }

    /// <summary>Whether the counter holds nothing worth keeping: no reservation and no spend in its period.</summary>
    public bool IsIdle(DateTimeOffset now) => InFlight == 0 && Spent(now) == (0, 0);

    private long IndexOf(DateTimeOffset at) => at.ToUnixTimeMilliseconds() / _budget.BucketMilliseconds;
}
