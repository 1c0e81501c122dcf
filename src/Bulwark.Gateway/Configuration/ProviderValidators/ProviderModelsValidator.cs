namespace Bulwark.Gateway.Configuration.ProviderValidators;

/// <summary>A provider's <c>Models</c>: each name asked for maps to a model name the provider can be sent.</summary>
internal sealed class ProviderModelsValidator : IProviderValidator
{
    public void Validate(GatewayProviderOptions provider, string path, GatewayOptions options, List<string> errors)
    {
        foreach (var (requested, mapped) in provider.Models)
        {
            string modelPath = $"{path}:Models:{requested}";
            if (string.IsNullOrWhiteSpace(requested))
            {
                errors.Add($"{path}:Models: a model name must not be empty; use \"*\" to map every name without an entry.");
            }

            if (string.IsNullOrWhiteSpace(mapped))
            {
                errors.Add($"{modelPath}: the model name to send must not be empty.");
            }
            else if (mapped.Length > GatewayConstants.MaxModelNameLength || mapped.Any(char.IsControl))
            {
                errors.Add($"{modelPath}: the model name to send must be 1 to {GatewayConstants.MaxModelNameLength} characters without control characters.");
            }
        }
    }
}
