namespace Bulwark.Gateway.ProviderAuth;

/// <summary>
/// The gateway could not get the credential an attempt needs (the token endpoint is down, or refused the client): the
/// attempt is not sent. Its message names the provider and the cause, never a secret.
/// </summary>
internal sealed class ProviderAuthException(string provider, string message, Exception? inner = null)
    : Exception($"The gateway could not authenticate to provider '{provider}': {message}", inner)
{
    public string Provider { get; } = provider;

    /// <summary>Gets the cause, without the provider's name.</summary>
    public string Reason { get; } = message;
}
