namespace Bulwark.Gateway.Budgets;

/// <summary>Why no reservation was made for a request.</summary>
internal enum BudgetRefusalKind
{
    /// <summary>A strict budget's remaining limit (or, for now, what requests in flight leave of it) is smaller than the request's reservation.</summary>
    Exceeded = 0,

    /// <summary>The request's reservation is larger than a strict budget's whole limit: it can never fit.</summary>
    TooLarge = 1,

    /// <summary>A strict budget counts cost, but a provider the request may go to has no price for its model.</summary>
    Unpriced = 2,

    /// <summary>A strict budget's spend is being counted from the ledger (at start, or after its definition changed).</summary>
    Loading = 3,

    /// <summary>A strict budget counts one model, and the request's model could not be read (none, or named twice).</summary>
    UnknownModel = 4,
}

/// <summary>A strict budget's refusal of a request, with what a client needs to know to act on it.</summary>
/// <param name="Kind">Why.</param>
/// <param name="Budget">The budget's name.</param>
/// <param name="Subject">Whose counter refused (a key id, user, team or tier), or <see langword="null"/> for a global budget.</param>
/// <param name="RemainingTokens">The tokens left (limit less spend less reservations in flight), or <see langword="null"/> when tokens are not limited.</param>
/// <param name="RemainingCost">The cost left, or <see langword="null"/> when cost is not limited.</param>
/// <param name="ResetsAt">When the period ends (or, for a rolling window, when enough has aged out), or <see langword="null"/>.</param>
/// <param name="RetryAfter">How long until a retry may fit, or <see langword="null"/> when it never will.</param>
/// <param name="AskedTokens">The tokens the request would have reserved.</param>
/// <param name="AskedCost">The cost the request would have reserved, or <see langword="null"/> when unknown.</param>
internal sealed record BudgetRefusal(
    BudgetRefusalKind Kind,
    string Budget,
    string? Subject,
    long? RemainingTokens,
    decimal? RemainingCost,
    DateTimeOffset? ResetsAt,
    TimeSpan? RetryAfter,
    long AskedTokens,
    decimal? AskedCost);
