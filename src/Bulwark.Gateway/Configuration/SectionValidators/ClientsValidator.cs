namespace Bulwark.Gateway.Configuration.SectionValidators;

/// <summary>
/// <c>Bulwark:Clients</c>: the key cache duration in range; the trusted user header a valid name, and set only when a
/// route reads it (<c>Clients: TrustedHeader</c>).
/// </summary>
internal sealed class ClientsValidator : ISectionValidator
{
    public void Validate(GatewayOptions options, List<string> errors)
    {
        if (options.Clients is not { } clients)
        {
            return;
        }

        string path = $"{GatewayConstants.ConfigurationRoot}:Clients";
        if (clients.KeyCacheDuration < TimeSpan.Zero || clients.KeyCacheDuration > ClientsConstants.MaxKeyCacheDuration)
        {
            errors.Add($"{path}:KeyCacheDuration: {clients.KeyCacheDuration:c} is out of range; allowed 00:00:00 (no cache) to {ClientsConstants.MaxKeyCacheDuration:c}.");
        }

        if (clients.UserHeader is not { } header)
        {
            return;
        }

        if (ProviderHeaderNames.Refusal(header, "the user header") is { } refusal)
        {
            errors.Add($"{path}:UserHeader: {refusal}");
        }
        else if (!options.Routes.Any(static r => r is { Clients: RouteClients.TrustedHeader }))
        {
            errors.Add($"{path}:UserHeader: set, but no route has Clients: TrustedHeader, the only one that reads it.");
        }
    }
}
