namespace Bulwark.Gateway.Configuration.ProviderValidators;

/// <summary>
/// A provider's <c>Api</c> and <c>DefaultMaxTokens</c>: a known API, spoken toward routes that can reach it (an
/// <c>Anthropic</c> provider serves <c>OpenAI</c> routes by translation, and <c>Anthropic</c> routes as they are); the
/// default output cap only where chat completions are translated for Anthropic.
/// </summary>
internal sealed class ProviderApiValidator : IProviderValidator
{
    public void Validate(GatewayProviderOptions provider, string path, GatewayOptions options, List<string> errors)
    {
        if (provider.DefaultMaxTokens is { } cap)
        {
            if (provider.Api != RouteApi.Anthropic)
            {
                errors.Add($"{path}:DefaultMaxTokens: only a provider whose Api is Anthropic is sent a default max_tokens; set \"Api\": \"Anthropic\" or remove it.");
            }
            else if (cap is < 1 or > GatewayConstants.MaxDefaultMaxTokens)
            {
                errors.Add($"{path}:DefaultMaxTokens: {cap} is out of range; allowed 1 to {GatewayConstants.MaxDefaultMaxTokens:N0}.");
            }
        }

        if (provider.Api is not { } api)
        {
            return;
        }

        if (!Enum.IsDefined(api) || api == RouteApi.Http)
        {
            errors.Add($"{path}:Api: '{api}' is not an API a provider can speak apart from its routes; use OpenAI or Anthropic, or remove it to speak its routes' API.");
            return;
        }

        string name = path[(path.LastIndexOf(':') + 1)..];
        for (int r = 0; r < options.Routes.Count; r++)
        {
            var route = options.Routes[r];
            if (route?.Providers.Contains(name, StringComparer.OrdinalIgnoreCase) != true || route.Api == api)
            {
                continue;
            }

            if (!(api == RouteApi.Anthropic && route.Api == RouteApi.OpenAI))
            {
                errors.Add($"{path}:Api: the provider speaks {api}, but route Bulwark:Routes:{r} ('{route.Path}') speaks {route.Api}; "
                    + "only an OpenAI route's chat completions are translated (to an Anthropic provider). Give the route \"Api\": \"OpenAI\", or use another provider.");
            }
        }
    }
}
