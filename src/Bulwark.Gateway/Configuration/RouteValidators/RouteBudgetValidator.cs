namespace Bulwark.Gateway.Configuration.RouteValidators;

/// <summary>
/// A route's <c>OnBudgetExceeded</c> and <c>BudgetFallbackProviders</c>: a fallback chain of known providers, set only
/// with <c>Fallback</c>, on an AI route; and no deferral of AI requests where budgets are configured (a request delivered
/// later is counted, but could not be refused).
/// </summary>
internal sealed class RouteBudgetValidator : IRouteValidator
{
    public void Validate(GatewayRouteOptions route, int index, string path, GatewayOptions options, List<string> errors)
    {
        if (!Enum.IsDefined(route.OnBudgetExceeded))
        {
            errors.Add($"{path}:OnBudgetExceeded: {route.OnBudgetExceeded} is not one of Refuse, Fallback.");
        }

        if (route.OnBudgetExceeded == RouteBudgetAction.Fallback)
        {
            if (route.Api == RouteApi.Http)
            {
                errors.Add($"{path}:OnBudgetExceeded: Fallback is for AI routes (with an Api), the only ones budgets count.");
            }

            if (route.BudgetFallbackProviders.Count == 0)
            {
                errors.Add($"{path}:BudgetFallbackProviders: required with OnBudgetExceeded: Fallback (the cheaper providers to send a refused request to).");
            }

            if (options.Budgets.Items.Count == 0)
            {
                errors.Add($"{path}:OnBudgetExceeded: Fallback is set, but {GatewayConstants.ConfigurationRoot}:Budgets:Items has no budget that could refuse a request.");
            }
        }
        else if (route.BudgetFallbackProviders.Count > 0)
        {
            errors.Add($"{path}:BudgetFallbackProviders: set, but OnBudgetExceeded is {route.OnBudgetExceeded}; only Fallback uses them.");
        }

        for (int i = 0; i < route.BudgetFallbackProviders.Count; i++)
        {
            string name = route.BudgetFallbackProviders[i];
            if (string.IsNullOrWhiteSpace(name) || !options.Providers.ContainsKey(name))
            {
                errors.Add($"{path}:BudgetFallbackProviders:{i}: '{name}' is not a provider in {GatewayConstants.ConfigurationRoot}:Providers.");
            }
        }

        if (route.Api != RouteApi.Http && route.OnFailure == RouteFailureMode.Defer && options.Budgets.Items.Count > 0)
        {
            errors.Add($"{path}:OnFailure: Defer cannot be combined with budgets: a request delivered later could not be refused by them.");
        }
    }
}
