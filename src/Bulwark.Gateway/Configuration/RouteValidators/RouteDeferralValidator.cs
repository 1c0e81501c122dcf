namespace Bulwark.Gateway.Configuration.RouteValidators;

/// <summary>
/// A route's <c>OnFailure</c> and, with Defer, its <c>Defer</c> section: attempts and time to live in range, a body no
/// larger than the gateway buffers, replay headers that are names and neither carry credentials nor frame the message,
/// and an ordering header that is a name.
/// </summary>
internal sealed class RouteDeferralValidator : IRouteValidator
{
    public void Validate(GatewayRouteOptions route, int index, string path, GatewayOptions options, List<string> errors)
    {
        if (!Enum.IsDefined(route.OnFailure))
        {
            errors.Add($"{path}:OnFailure: '{route.OnFailure}' is not a mode; use Fail or Defer.");
        }

        if (route.OnFailure != RouteFailureMode.Defer || route.Defer is not { } defer)
        {
            return;
        }

        // A delivery sends the stored request as it came: a provider that must be sent a body of its own (its model
        // names, or Anthropic's API) would get the client's.
        foreach (string name in route.Providers)
        {
            if (name is not null && options.Providers.TryGetValue(name, out var provider) && (provider.Models.Count > 0 || (provider.Api == RouteApi.Anthropic && route.Api == RouteApi.OpenAI)))
            {
                errors.Add($"{path}:OnFailure: a deferred request is delivered as it was sent, but provider '{name}' is sent a body of its own ({(provider.Models.Count > 0 ? "Models" : "Api: Anthropic")}); deferral is not supported on such a route yet: use OnFailure Fail, or a route without it.");
            }
        }

        if (defer.MaxAttempts is { } attempts && attempts is < 2 or > 1000)
        {
            errors.Add($"{path}:Defer:MaxAttempts: {attempts} is out of range; allowed 2 to 1000 (the failed direct attempt counts as the first).");
        }

        if (defer.TimeToLive is { } ttl && (ttl < TimeSpan.FromSeconds(1) || ttl > TimeSpan.FromDays(30)))
        {
            errors.Add($"{path}:Defer:TimeToLive: {ttl:c} is out of range; allowed 00:00:01 to 30.00:00:00.");
        }

        if (defer.MaxBodyBytes < 0 || defer.MaxBodyBytes > options.MaxBufferedBodyBytes)
        {
            errors.Add($"{path}:Defer:MaxBodyBytes: {defer.MaxBodyBytes} is out of range; allowed 0 to {GatewayConstants.ConfigurationRoot}:MaxBufferedBodyBytes ({options.MaxBufferedBodyBytes}), since a deferred request must be buffered whole.");
        }

        for (int h = 0; h < defer.ReplayHeaders.Count; h++)
        {
            string? header = defer.ReplayHeaders[h];
            if (string.IsNullOrWhiteSpace(header) || header.AsSpan().ContainsAny(" :\r\n\t"))
            {
                errors.Add($"{path}:Defer:ReplayHeaders:{h}: '{header}' is not a header name.");
            }
            else if (DeferralConstants.CredentialHeaders.Contains(header, StringComparer.OrdinalIgnoreCase))
            {
                errors.Add($"{path}:Defer:ReplayHeaders:{h}: {header} carries credentials, which are never stored; provider credentials are added at delivery from Bulwark:Providers:<name>:Headers.");
            }
            else if (DeferralConstants.NeverReplayed.Contains(header, StringComparer.OrdinalIgnoreCase))
            {
                errors.Add($"{path}:Defer:ReplayHeaders:{h}: {header} frames the message, addresses the hop or steers routing or the method, so it is never replayed.");
            }
        }

        if (defer.OrderingHeader is { } ordering && (string.IsNullOrWhiteSpace(ordering) || ordering.AsSpan().ContainsAny(" :\r\n\t")))
        {
            errors.Add($"{path}:Defer:OrderingHeader: '{ordering}' is not a header name.");
        }
    }
}
