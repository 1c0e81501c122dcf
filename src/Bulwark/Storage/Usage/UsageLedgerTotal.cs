namespace Bulwark.Storage.Usage;

/// <summary>The ledger's sums for one group (a client, user, provider, model or route) over a time range.</summary>
/// <param name="Key">The group's value; <see langword="null"/> for rows without one (no key sent, no user named, no provider answered).</param>
/// <param name="Requests">The requests recorded.</param>
/// <param name="InputTokens">Their input tokens (unknown counts as 0).</param>
/// <param name="CachedInputTokens">Their cached input tokens.</param>
/// <param name="OutputTokens">Their output tokens.</param>
/// <param name="Cost">The sum of their known costs, to 1e-9.</param>
/// <param name="UnpricedRequests">The requests whose cost is unknown (not included in <paramref name="Cost"/>).</param>
public sealed record UsageLedgerTotal(string? Key, long Requests, long InputTokens, long CachedInputTokens, long OutputTokens, decimal Cost, long UnpricedRequests);
