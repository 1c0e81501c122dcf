using Bulwark.Gateway.Configuration.ProviderValidators;

namespace Bulwark.Gateway.Configuration.SectionValidators;

/// <summary><c>Bulwark:Providers</c>: every named provider through each provider rule, in order.</summary>
internal sealed class ProvidersValidator(IReadOnlyList<IProviderValidator> validators) : ISectionValidator
{
    public void Validate(GatewayOptions options, List<string> errors)
    {
        foreach (var (providerName, provider) in options.Providers)
        {
            if (providerName.Length == 0)
            {
                // ':' separates configuration keys: a name starting with it reads as an empty one holding the rest.
                errors.Add($"{GatewayConstants.ConfigurationRoot}:Providers: a provider name must not be empty (a name starting with ':' reads as an empty one).");
                continue;
            }

            if (provider is null)
            {
                continue;
            }

            string path = $"{GatewayConstants.ConfigurationRoot}:Providers:{providerName}";
            foreach (var validator in validators)
            {
                validator.Validate(provider, path, options, errors);
            }
        }
    }
}
