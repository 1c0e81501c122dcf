namespace Bulwark.Gateway.Configuration.ProviderValidators;

/// <summary>A provider's <c>Pipeline</c>: names a pipeline configured under <c>Bulwark:Pipelines</c>.</summary>
internal sealed class ProviderPipelineValidator : IProviderValidator
{
    public void Validate(GatewayProviderOptions provider, string path, GatewayOptions options, List<string> errors)
    {
        if (!options.Pipelines.ContainsKey(provider.Pipeline ?? string.Empty))
        {
            string known = options.Pipelines.Count == 0 ? "none is configured" : "configured: " + string.Join(", ", options.Pipelines.Keys.Order(StringComparer.Ordinal));
            errors.Add($"{path}:Pipeline: no pipeline named '{provider.Pipeline}' ({known}).");
        }
    }
}
