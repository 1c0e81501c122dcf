namespace Bulwark.Storage.Budgets;

/// <summary>What the usage ledger's rows of one client, model and time bucket charged their budgets.</summary>
/// <param name="ClientKeyId">The client key's id, or <see langword="null"/>.</param>
/// <param name="User">The user, or <see langword="null"/>.</param>
/// <param name="Team">The team, or <see langword="null"/>.</param>
/// <param name="Tier">The tier, or <see langword="null"/>.</param>
/// <param name="Model">The model asked for, or <see langword="null"/>.</param>
/// <param name="BucketStart">The start of the time bucket the rows completed in.</param>
/// <param name="Tokens">The tokens charged: each row's charged tokens, else its input plus output tokens.</param>
/// <param name="Cost">The cost charged: each row's charged cost, else its cost (unknown counts 0).</param>
public sealed record BudgetSpend(
    string? ClientKeyId,
    string? User,
    string? Team,
    string? Tier,
    string? Model,
    DateTimeOffset BucketStart,
    long Tokens,
    decimal Cost);
