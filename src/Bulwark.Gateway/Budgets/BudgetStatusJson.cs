using System.Globalization;
using System.Text.Json;
using Bulwark.Gateway.Configuration;

namespace Bulwark.Gateway.Budgets;

/// <summary>
/// One budget counter as JSON, the same wherever it is shown (<c>GET /budget/status</c>, <c>GET /admin/budgets</c>, the
/// operator page), and the choice of which counters to show when there are too many.
/// </summary>
internal static class BudgetStatusJson
{
    /// <summary>
    /// The <paramref name="limit"/> counters that have used the largest share of their limit, most used first (ties by budget
    /// name, then subject), without sorting them all: a gateway with a per-user budget may hold 100,000 counters.
    /// </summary>
    public static List<BudgetCounterStatus> MostUsed(IReadOnlyList<BudgetCounterStatus> statuses, int limit)
    {
        if (limit <= 0)
        {
            return [];
        }

        // A min-heap of the best so far: its root is the least used of them, the first to give way.
        var best = new PriorityQueue<BudgetCounterStatus, (double Share, BudgetCounterStatus Status)>(Math.Min(limit, statuses.Count) + 1, LeastUsedFirst.Instance);
        foreach (var status in statuses)
        {
            var key = (BudgetCounterStatus.UsedShare(status.Budget, status.SpentTokens, status.SpentCost), status);
            if (best.Count < limit)
            {
                best.Enqueue(status, key);
            }
            else if (best.TryPeek(out _, out var least) && LeastUsedFirst.Instance.Compare(key, least) > 0)
            {
                best.DequeueEnqueue(status, key);
            }
        }

        var chosen = new List<BudgetCounterStatus>(best.Count);
        while (best.TryDequeue(out var status, out _))
        {
            chosen.Add(status);
        }

        chosen.Reverse();
        return chosen;
    }

    /// <summary>Writes one counter as an object: the budget, its subject, level, limit, spent, reserved, remaining, in flight, period and forecast.</summary>
    /// <param name="json">The writer.</param>
    /// <param name="status">This gateway's counter.</param>
    /// <param name="forecast">Its forecast, or <see langword="null"/>.</param>
    /// <param name="inFleet">Whether gateways share budgets (then a <c>fleet</c> member is written: the figures, or null when unknown).</param>
    /// <param name="fleet">The fleet's figures of the counter, or <see langword="null"/>.</param>
    public static void WriteCounter(Utf8JsonWriter json, BudgetCounterStatus status, BudgetForecastView? forecast, bool inFleet = false, BudgetFleetFigures? fleet = null)
    {
        var budget = status.Budget;
        json.WriteStartObject();
        json.WriteString("name", budget.Name);
        json.WriteString("source", budget.FromAdmin ? "admin" : "configuration");
        json.WriteString("per", budget.Per.ToString());
        json.WriteString("subject", status.Subject);
        json.WriteString("mode", budget.Mode.ToString());
        json.WriteString("period", budget.Period.ToString());
        if (budget.Period == BudgetPeriod.Rolling)
        {
            json.WriteString("window", budget.Window.ToString("c", CultureInfo.InvariantCulture));
        }

        json.WriteString("periodStart", status.PeriodStart);
        json.WriteString("periodEnd", status.PeriodEnd);
        json.WriteString("level", BudgetCounterStatus.LevelName(status.Level));
        json.WriteBoolean("counting", status.Loading);
        WriteAmounts(json, "limit", budget.TokenLimit, budget.CostLimit);
        WriteAmounts(json, "spent", status.SpentTokens, budget.CostLimit is null ? null : status.SpentCost);
        WriteAmounts(json, "reserved", status.ReservedTokens, budget.CostLimit is null ? null : status.ReservedCost);
        WriteAmounts(
            json,
            "remaining",
            budget.TokenLimit is { } tokens ? Math.Max(0, tokens - status.SpentTokens - status.ReservedTokens) : null,
            budget.CostLimit is { } cost ? Math.Max(0, cost - status.SpentCost - status.ReservedCost) : null);
        json.WriteNumber("inFlight", status.InFlight);
        if (inFleet && fleet is not null)
        {
            json.WriteStartObject("fleet");
            WriteAmounts(json, "spent", fleet.SpentTokens, budget.CostLimit is null ? null : fleet.SpentCost);
            WriteAmounts(json, "reserved", fleet.ReservedTokens, budget.CostLimit is null ? null : fleet.ReservedCost);
            WriteAmounts(
                json,
                "remaining",
                budget.TokenLimit is { } fleetTokens ? Math.Max(0, fleetTokens - fleet.SpentTokens - fleet.ReservedTokens) : null,
                budget.CostLimit is { } fleetCost ? Math.Max(0, fleetCost - fleet.SpentCost - fleet.ReservedCost) : null);
            json.WriteEndObject();
        }
        else if (inFleet)
        {
            json.WriteNull("fleet");
        }

        if (forecast is not null)
        {
            forecast.Write(json);
        }
        else
        {
            json.WriteNull("forecast");
        }

        json.WriteEndObject();
    }

    private static void WriteAmounts(Utf8JsonWriter json, string name, long? tokens, long? costNanos)
    {
        json.WriteStartObject(name);
        if (tokens is { } t)
        {
            json.WriteNumber("tokens", t);
        }
        else
        {
            json.WriteNull("tokens");
        }

        if (costNanos is { } c)
        {
            json.WriteNumber("cost", BudgetDefinition.FromNanos(c));
        }
        else
        {
            json.WriteNull("cost");
        }

        json.WriteEndObject();
    }

    /// <summary>Orders by used share, then (so that the choice is the same on every call) by budget name and subject, reversed.</summary>
    private sealed class LeastUsedFirst : IComparer<(double Share, BudgetCounterStatus Status)>
    {
        public static readonly LeastUsedFirst Instance = new();

        public int Compare((double Share, BudgetCounterStatus Status) x, (double Share, BudgetCounterStatus Status) y)
        {
            int byShare = x.Share.CompareTo(y.Share);
            if (byShare != 0)
            {
                return byShare;
            }

            // Among equals, the name that sorts first counts as the more used, so it is kept and listed first.
            int byName = string.CompareOrdinal(y.Status.Budget.Name, x.Status.Budget.Name);
            return byName != 0 ? byName : string.CompareOrdinal(y.Status.Subject, x.Status.Subject);
        }
    }
}
