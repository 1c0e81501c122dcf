namespace Bulwark.Gateway.Budgets;

/// <summary>
/// What one request's budgets reserved for it: the counters it holds, the tokens and cost held on each (the same on
/// all), and the advisory budgets it goes beyond. Settled or released once.
/// </summary>
internal sealed class BudgetReservation
{
    public BudgetReservation(BudgetClient client, string? model, long tokens, long cost, List<BudgetCounter> counters, IReadOnlyList<string> advisoryExceeded, BudgetStatusNote? tightest)
    {
        Client = client;
        Model = model;
        Tokens = tokens;
        Cost = cost;
        Counters = counters;
        AdvisoryExceeded = advisoryExceeded;
        Tightest = tightest;
    }

    public BudgetClient Client { get; }

    public string? Model { get; }

    public long Tokens { get; }

    /// <summary>Gets the cost reserved, in billionths (0 when no budget of the request counts cost, or its cost is unknown).</summary>
    public long Cost { get; }

    /// <summary>Gets the counters holding the reservation (a budget made or recounted while it is open holds it too).</summary>
    public List<BudgetCounter> Counters { get; }

    /// <summary>Gets the budgets (and their subjects and periods) it was reserved on when made: what a fleet's shared counters hold for it.</summary>
    public IReadOnlyList<ReservedBudget> Holds { get; init; } = [];

    /// <summary>Gets or sets whether the fleet's shared counters hold it (then they are settled or released with it).</summary>
    public bool HeldByFleet { get; set; }

    /// <summary>Gets or sets whether it was served without a hold on the fleet's counters (they could not be reached, failing open): its spend still goes on them when it ends.</summary>
    public bool FleetSpendPending { get; set; }

    /// <summary>Gets or sets the fleet's counters of its budgets, named when it was reserved there; <see langword="null"/> until then.</summary>
    public Bulwark.Storage.Redis.Budgets.RedisBudgetCounter[]? FleetCounters { get; set; }

    /// <summary>Gets or sets its id on the fleet's shared counters; <see langword="null"/> until reserved there.</summary>
    public string? FleetId { get; set; }

    /// <summary>Gets the advisory budgets this request goes beyond (served all the same).</summary>
    public IReadOnlyList<string> AdvisoryExceeded { get; }

    /// <summary>Gets the budget with the least left after this reservation, for the response's <c>X-Bulwark-Budget</c> header.</summary>
    public BudgetStatusNote? Tightest { get; }

    /// <summary>Gets or sets the id of the lease stored for it; <see langword="null"/> until stored.</summary>
    public string? LeaseId { get; set; }

    /// <summary>Gets or sets the tokens its budgets were charged when it ended (0 when released); <see langword="null"/> until then.</summary>
    public long? ChargedTokens { get; set; }

    /// <summary>Gets or sets the cost (billionths) its budgets were charged when it ended; <see langword="null"/> until then.</summary>
    public long? ChargedCost { get; set; }

    /// <summary>Gets or sets whether it has been settled or released (a second call does nothing).</summary>
    public bool Done { get; set; }
}

/// <summary>A budget's standing for a response header: its name, level and the share of its limit left.</summary>
internal sealed record BudgetStatusNote(string Name, BudgetLevel Level, double RemainingShare);

/// <summary>One budget a reservation was made on: the budget as it was then, whose counter (its subject), and the calendar period it counted in (unused for a rolling window).</summary>
internal readonly record struct ReservedBudget(BudgetDefinition Budget, string Subject, DateTimeOffset PeriodStart, DateTimeOffset PeriodEnd);
