namespace Bulwark.Gateway.Configuration;

/// <summary>The rules of one budget, for configuration and for budgets made through the admin API alike.</summary>
internal static class BudgetRules
{
    /// <summary>The time zone of <paramref name="id"/> (IANA or Windows), or <see langword="null"/> when this machine knows none.</summary>
    public static TimeZoneInfo? FindTimeZone(string? id)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            return null;
        }

        return TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : null;
    }

    /// <summary>Whether <paramref name="name"/> may name a budget: 1 to 100 letters, digits, <c>-</c>, <c>_</c> or <c>.</c>.</summary>
    public static bool IsName(string? name) =>
        name is { Length: > 0 and <= BudgetsConstants.MaxNameLength } && name.All(static c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    /// <summary>Adds to <paramref name="errors"/> what is wrong with the budget <paramref name="name"/>, each with <paramref name="path"/>.</summary>
    public static void Validate(string name, GatewayBudgetOptions budget, string path, GatewayOptions options, List<string> errors)
    {
        if (!IsName(name))
        {
            errors.Add($"{path}: '{name}' is not a budget name; use 1 to {BudgetsConstants.MaxNameLength} letters, digits, '-', '_' or '.'.");
        }

        if (!Enum.IsDefined(budget.Per))
        {
            errors.Add($"{path}:Per: {budget.Per} is not one of Global, Key, User, Team, Tier.");
        }

        if (!Enum.IsDefined(budget.Period))
        {
            errors.Add($"{path}:Period: {budget.Period} is not one of Month, Day, Rolling.");
        }

        if (!Enum.IsDefined(budget.Mode))
        {
            errors.Add($"{path}:Mode: {budget.Mode} is not one of Strict, Advisory, Disabled.");
        }

        if (budget.Period == BudgetPeriod.Rolling)
        {
            if (budget.Window is not { } window)
            {
                errors.Add($"{path}:Window: required with Period: Rolling (for example 01:00:00 for the last hour).");
            }
            else if (window < BudgetsConstants.MinWindow || window > BudgetsConstants.MaxWindow)
            {
                errors.Add($"{path}:Window: {window:c} is out of range; allowed {BudgetsConstants.MinWindow:c} to {BudgetsConstants.MaxWindow:c}.");
            }
            else if (window > options.Storage.UsageRetention)
            {
                errors.Add($"{path}:Window: {window:c} is longer than {GatewayConstants.ConfigurationRoot}:Storage:UsageRetention ({options.Storage.UsageRetention:c}), so the ledger it is counted from would not hold it.");
            }
        }
        else if (budget.Window is not null)
        {
            errors.Add($"{path}:Window: only Period: Rolling has a window; {budget.Period} is a calendar period.");
        }
        else if (budget.Period == BudgetPeriod.Month && options.Storage.UsageRetention < TimeSpan.FromDays(32))
        {
            errors.Add($"{path}:Period: Month needs {GatewayConstants.ConfigurationRoot}:Storage:UsageRetention of 32 days or more to be counted from the ledger; it is {options.Storage.UsageRetention:c}.");
        }
        else if (budget.Period == BudgetPeriod.Day && options.Storage.UsageRetention < TimeSpan.FromDays(2))
        {
            errors.Add($"{path}:Period: Day needs {GatewayConstants.ConfigurationRoot}:Storage:UsageRetention of 2 days or more to be counted from the ledger; it is {options.Storage.UsageRetention:c}.");
        }

        if (budget.Cost is null && budget.Tokens is null)
        {
            errors.Add($"{path}: neither Cost nor Tokens is set; a budget limits at least one.");
        }

        if (budget.Cost is <= 0m)
        {
            errors.Add($"{path}:Cost: {budget.Cost} must be greater than 0.");
        }

        if (budget.Tokens is <= 0)
        {
            errors.Add($"{path}:Tokens: {budget.Tokens} must be greater than 0.");
        }

        if (!(budget.Warning > 0 && budget.Warning < budget.Critical && budget.Critical < 1))
        {
            errors.Add($"{path}: Warning {budget.Warning} and Critical {budget.Critical} must satisfy 0 < Warning < Critical < 1 (shares of the limit).");
        }

        foreach (var (field, value) in new[] { ("Key", budget.Key), ("User", budget.User), ("Team", budget.Team), ("Tier", budget.Tier), ("Model", budget.Model) })
        {
            if (value is not null && (value.Length is 0 or > ClientsConstants.MaxLabelLength || value.Any(char.IsControl)))
            {
                errors.Add($"{path}:{field}: must be 1 to {ClientsConstants.MaxLabelLength} characters without control characters.");
            }
        }

        var aiRoutes = options.Routes.Where(static r => r.Api != RouteApi.Http).ToList();
        if (aiRoutes.Count == 0)
        {
            errors.Add($"{path}: budgets count AI requests, but no route has an Api (OpenAI or Anthropic), so this one would count nothing.");
            return;
        }

        bool needsKeys = budget.Per is BudgetScope.Key or BudgetScope.Team or BudgetScope.Tier || budget.Key is not null || budget.Team is not null || budget.Tier is not null;
        bool needsIdentity = needsKeys || budget.Per == BudgetScope.User || budget.User is not null;
        if (needsKeys && !aiRoutes.Any(static r => r.Clients == RouteClients.Keys))
        {
            errors.Add($"{path}: counts by client key, team or tier, which only routes with Clients: Keys know; no AI route has it, so this budget would count nothing.");
        }
        else if (needsIdentity && !aiRoutes.Any(static r => r.Clients != RouteClients.Anonymous))
        {
            errors.Add($"{path}: counts by user, which only routes with Clients: Keys or TrustedHeader know; no AI route has either, so this budget would count nothing.");
        }

        if (budget.Cost is > 0m && !aiRoutes.SelectMany(static r => r.Providers).Any(p => options.Providers.TryGetValue(p, out var provider) && provider.Prices.Count > 0))
        {
            errors.Add($"{path}:Cost: no provider of an AI route has Prices, so no request has a cost to count; set Prices or limit Tokens.");
        }
    }
}
