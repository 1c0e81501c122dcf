namespace Bulwark.Gateway.Configuration.RouteValidators;

/// <summary>A route's <c>RateLimit</c>: the per-client overrides stay within the gateway-wide bounds.</summary>
internal sealed class RouteRateLimitValidator : IRouteValidator
{
    public void Validate(GatewayRouteOptions route, int index, string path, GatewayOptions options, List<string> errors)
    {
        if (route.RateLimit is not { } rateLimit)
        {
            return;
        }

        if (rateLimit.RequestsPerMinutePerClient is { } perMinute)
        {
            RangeRule.Check(errors, $"{path}:RateLimit:RequestsPerMinutePerClient", perMinute, 0, LimitsConstants.MaxRequestsPerMinutePerClient);
        }

        if (rateLimit.ConcurrencyPerClient is { } concurrency)
        {
            RangeRule.Check(errors, $"{path}:RateLimit:ConcurrencyPerClient", concurrency, 0, LimitsConstants.MaxConcurrencyPerClient);
        }
    }
}
