namespace Bulwark.Gateway.Configuration.ProviderValidators;

/// <summary>One rule group for a provider; adds a message with its configuration path for each problem found.</summary>
internal interface IProviderValidator
{
    /// <param name="provider">The provider, never null, with a name that is not empty.</param>
    /// <param name="path">The provider's configuration path, <c>Bulwark:Providers:{name}</c>.</param>
    /// <param name="options">All the options, for rules that reach across sections.</param>
    /// <param name="errors">Where messages are added.</param>
    void Validate(GatewayProviderOptions provider, string path, GatewayOptions options, List<string> errors);
}
