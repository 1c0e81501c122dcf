using System.Globalization;
using Bulwark.Failover;

namespace Bulwark.Gateway.Configuration.RouteValidators;

/// <summary>
/// A route's <c>BalanceWeights</c> (each 0 to 100, not both 0) and <c>BalanceLatencyGoal</c> (1 ms to 1 day), both only
/// with <c>Balance: Bandit</c>, which alone reads them.
/// </summary>
internal sealed class RouteBalanceValidator : IRouteValidator
{
    private const double MaxWeight = 100;

    public void Validate(GatewayRouteOptions route, int index, string path, GatewayOptions options, List<string> errors)
    {
        bool bandit = route.Balance == FailoverBalance.Bandit;
        if (route.BalanceWeights is { } weights)
        {
            if (!bandit)
            {
                errors.Add($"{path}:BalanceWeights: only a route with Balance Bandit reads them; remove them or set Balance to Bandit.");
            }

            Weight(weights.Success, $"{path}:BalanceWeights:Success", errors);
            Weight(weights.Latency, $"{path}:BalanceWeights:Latency", errors);
            Weight(weights.Cost, $"{path}:BalanceWeights:Cost", errors);
            if ((weights.Success ?? 1) == 0 && (weights.Latency ?? 0.5) == 0 && (weights.Cost ?? 0) == 0)
            {
                errors.Add($"{path}:BalanceWeights: Success, Latency and Cost cannot all be 0.");
            }

            if (weights.Cost is > 0 && route.Api == RouteApi.Http)
            {
                errors.Add($"{path}:BalanceWeights:Cost: only a route with an Api kind (OpenAI, Anthropic) prices its requests; remove it or set the route's Api.");
            }
        }

        if (route.BalanceLatencyGoal is { } goal)
        {
            if (!bandit)
            {
                errors.Add($"{path}:BalanceLatencyGoal: only a route with Balance Bandit reads it; remove it or set Balance to Bandit.");
            }

            if (goal < TimeSpan.FromMilliseconds(1) || goal > TimeSpan.FromDays(1))
            {
                errors.Add($"{path}:BalanceLatencyGoal: {goal:c} is out of range; allowed 00:00:00.001 to 1.00:00:00.");
            }
        }
    }

    private static void Weight(double? weight, string key, List<string> errors)
    {
        if (weight is { } value && !(value >= 0 && value <= MaxWeight))
        {
            errors.Add($"{key}: {value.ToString(CultureInfo.InvariantCulture)} is out of range; allowed 0 to 100.");
        }
    }
}
