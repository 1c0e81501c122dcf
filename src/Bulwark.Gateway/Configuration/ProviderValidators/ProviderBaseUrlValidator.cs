namespace Bulwark.Gateway.Configuration.ProviderValidators;

/// <summary>A provider's <c>BaseUrl</c>: an absolute http or https URL without query, fragment or credentials.</summary>
internal sealed class ProviderBaseUrlValidator : IProviderValidator
{
    public void Validate(GatewayProviderOptions provider, string path, GatewayOptions options, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(provider.BaseUrl))
        {
            errors.Add($"{path}:BaseUrl: is required, for example http://127.0.0.1:9001.");
        }
        else if (!Uri.TryCreate(provider.BaseUrl, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            errors.Add($"{path}:BaseUrl: '{provider.BaseUrl}' is not an absolute http or https URL.");
        }
        else if (!string.IsNullOrEmpty(url.Query) || !string.IsNullOrEmpty(url.Fragment) || !string.IsNullOrEmpty(url.UserInfo))
        {
            errors.Add($"{path}:BaseUrl: '{provider.BaseUrl}' must not carry a query, fragment or credentials; put secrets in Headers with FromEnvironment.");
        }
    }
}
