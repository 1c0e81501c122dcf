using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Bulwark.Gateway.Alerts;
using Bulwark.Gateway.Configuration;

namespace Bulwark.Gateway.Budgets;

/// <summary>
/// One signal per budget counter at or above its warning threshold, named by its level: <c>budget-warning</c> (Warning),
/// <c>budget-critical</c> (Error), <c>budget-exhausted</c> (Critical). Labels: <c>budget</c>, and <c>subject</c> for a budget
/// per key, team or tier (its key id, team or tier); for a budget per user the subject is <c>user-</c> and 12 hexadecimal
/// characters of the user's SHA-256, so that no user id leaves the gateway in an alert. Counters still being counted from the
/// ledger at start are skipped.
/// </summary>
internal sealed class BudgetSignals(BudgetBook book) : IAlertSignalSource
{
    public const string WarningRule = "budget-warning";
    public const string CriticalRule = "budget-critical";
    public const string ExhaustedRule = "budget-exhausted";

    public ValueTask<IReadOnlyList<AlertSignal>> EvaluateAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!book.Active)
        {
            return ValueTask.FromResult<IReadOnlyList<AlertSignal>>([]);
        }

        var signals = new List<AlertSignal>();
        foreach (var status in book.Status())
        {
            if (status.Level == BudgetLevel.Ok || status.Loading)
            {
                continue;
            }

            var budget = status.Budget;
            var (rule, severity) = status.Level switch
            {
                BudgetLevel.Warning => (WarningRule, AlertSeverity.Warning),
                BudgetLevel.Critical => (CriticalRule, AlertSeverity.Error),
                _ => (ExhaustedRule, AlertSeverity.Critical),
            };
            var labels = new Dictionary<string, string>(StringComparer.Ordinal) { ["budget"] = budget.Name };
            string? subject = Subject(budget, status.Subject);
            if (subject is not null)
            {
                labels["subject"] = subject;
            }

            double share = BudgetCounterStatus.UsedShare(budget, status.SpentTokens, status.SpentCost);
            string of = subject is null ? $"Budget '{budget.Name}'" : $"Budget '{budget.Name}' of {subject}";
            signals.Add(new AlertSignal(
                rule,
                labels,
                severity,
                string.Create(CultureInfo.InvariantCulture, $"{of} is {BudgetCounterStatus.LevelName(status.Level)}: {share * 100:0.#}% spent"),
                string.Create(CultureInfo.InvariantCulture, $"{status.SpentTokens} tokens and {BudgetDefinition.FromNanos(status.SpentCost)} spent in the period {status.PeriodStart:O} to {status.PeriodEnd:O} (warning at {budget.Warning * 100:0.#}%, critical at {budget.Critical * 100:0.#}%)."),
                share));
        }

        return ValueTask.FromResult<IReadOnlyList<AlertSignal>>(signals);
    }

    private static string? Subject(BudgetDefinition budget, string? subject)
    {
        if (string.IsNullOrEmpty(subject) || budget.Per == BudgetScope.Global)
        {
            return null;
        }

        if (budget.Per != BudgetScope.User)
        {
            return subject;
        }

        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(subject), hash);
        return "user-" + Convert.ToHexStringLower(hash[..6]);
    }
}
