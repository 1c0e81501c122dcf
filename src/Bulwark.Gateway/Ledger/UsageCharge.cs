namespace Bulwark.Gateway.Ledger;

/// <summary>What a request's budgets charged it, recorded on its ledger row, and the lease the row settles.</summary>
/// <param name="LeaseId">The budget lease deleted with the row's write.</param>
/// <param name="Tokens">The tokens charged (0 when released).</param>
/// <param name="Cost">The cost charged (0 when released).</param>
internal sealed record UsageCharge(string LeaseId, long Tokens, decimal Cost);
