namespace Bulwark.Gateway.Configuration.SectionValidators;

/// <summary>
/// <c>Bulwark:Budgets</c>: a known time zone, caps in range, and each budget valid (<see cref="BudgetRules"/>); budgets
/// need the SQLite or PostgreSQL store (their leases and the ledger they are rebuilt from) and an AI route to count.
/// </summary>
internal sealed class BudgetsValidator : ISectionValidator
{
    public void Validate(GatewayOptions options, List<string> errors)
    {
        if (options.Budgets is not { } budgets)
        {
            return;
        }

        string path = $"{GatewayConstants.ConfigurationRoot}:Budgets";
        if (BudgetRules.FindTimeZone(budgets.TimeZone) is null)
        {
            errors.Add($"{path}:TimeZone: '{budgets.TimeZone}' is not a time zone this machine knows (an IANA name such as Europe/Berlin, or UTC).");
        }

        if (budgets.DefaultMaxOutputTokens is < 1 or > BudgetsConstants.MaxOutputTokensLimit)
        {
            errors.Add($"{path}:DefaultMaxOutputTokens: {budgets.DefaultMaxOutputTokens} is out of range; allowed 1 to {BudgetsConstants.MaxOutputTokensLimit:N0}.");
        }

        if (budgets.ImageTokenBound is < 1 or > BudgetsConstants.MaxOutputTokensLimit)
        {
            errors.Add($"{path}:ImageTokenBound: {budgets.ImageTokenBound} is out of range; allowed 1 to {BudgetsConstants.MaxOutputTokensLimit:N0}.");
        }

        if (budgets.Items.Count == 0)
        {
            return;
        }

        if (options.Storage.Provider == GatewayStoreProvider.InMemory)
        {
            errors.Add($"{path}:Items: budgets need the SQLite or PostgreSQL store (their reservations and the usage ledger they are counted from); {GatewayConstants.ConfigurationRoot}:Storage:Provider is {options.Storage.Provider}.");
        }

        foreach (var (name, budget) in budgets.Items)
        {
            BudgetRules.Validate(name, budget, $"{path}:Items:{name}", options, errors);
        }
    }
}
