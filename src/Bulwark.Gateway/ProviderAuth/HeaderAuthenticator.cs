namespace Bulwark.Gateway.ProviderAuth;

/// <summary><c>Header</c>: one header with the secret in its format, replacing the client's own on every attempt.</summary>
internal sealed class HeaderAuthenticator(string provider, string name, string value, string fingerprint, ILogger logger)
    : ProviderAuthenticator(provider, "Header", fingerprint, logger)
{
    public override ValueTask ApplyAsync(HttpRequestMessage request, AccessToken? token, AttemptBody body, CancellationToken cancellationToken)
    {
        SetHeader(request, name, value);
        return ValueTask.CompletedTask;
    }
}
