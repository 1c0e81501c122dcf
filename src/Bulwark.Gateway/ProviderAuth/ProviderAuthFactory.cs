using System.Security.Cryptography;
using System.Text;
using Bulwark.Gateway.Configuration;

namespace Bulwark.Gateway.ProviderAuth;

/// <summary>
/// Builds each provider's authenticator from its validated <c>Auth</c>, reading its secrets (environment, files) now:
/// at start and at each configuration reload. Token requests go through one client of their own, not the forwarding one.
/// </summary>
internal sealed class ProviderAuthFactory : IDisposable
{
    private readonly HttpMessageInvoker _tokenHttp;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly TokenEndpointClient _tokens;

    public ProviderAuthFactory(TimeProvider timeProvider, ILoggerFactory loggerFactory)
        : this(timeProvider, loggerFactory.CreateLogger("Bulwark.Gateway.ProviderAuth"))
    {
    }

    public ProviderAuthFactory(TimeProvider timeProvider, ILogger logger)
    {
        _timeProvider = timeProvider;
        _logger = logger;
        _tokenHttp = new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        });
        _tokens = new TokenEndpointClient(_tokenHttp, timeProvider);
    }

    /// <summary>The authenticator of <paramref name="provider"/>, or <see langword="null"/> without <c>Auth</c>; <paramref name="previous"/> is kept (with its token) when nothing changed.</summary>
    public ProviderAuthenticator? Create(string provider, GatewayProviderAuthOptions? auth, Func<string, string?> environment, ProviderAuthenticator? previous = null)
    {
        if (auth?.Type is not { } type)
        {
            return null;
        }

        var secrets = new List<string>();
        string Secret(ProviderSecret secret)
        {
            // Validated already: a secret that cannot be read now (a file removed since) fails the start or the reload.
            if (!secret.TryRead(environment, out string value, out string? error, out string setting))
            {
                throw new InvalidOperationException($"Provider '{provider}': Auth:{setting}: {error}");
            }

            secrets.Add(value);
            return value;
        }

        string Fingerprint(params string?[] settings) =>
            Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', settings.Concat(secrets).Select(static s => s ?? "\0")))));

        var refresh = auth.RefreshBeforeExpiry ?? ProviderAuthConstants.DefaultRefreshBeforeExpiry;
        var scopes = auth.Scopes.ToArray();
        switch (type)
        {
            case ProviderAuthType.Header:
            {
                string name = auth.HeaderName ?? ProviderAuthConstants.DefaultHeaderName;
                string value = string.Format(System.Globalization.CultureInfo.InvariantCulture, auth.Format ?? ProviderAuthConstants.DefaultHeaderFormat, Secret(new("Value", auth.Value, auth.ValueFromEnvironment, auth.ValueFromFile)));
                string fingerprint = Fingerprint("Header", name, value);
                return previous?.Fingerprint == fingerprint ? previous : new HeaderAuthenticator(provider, name, value, fingerprint, _logger);
            }

            case ProviderAuthType.AwsSigV4:
            {
                var session = new ProviderSecret("SessionToken", auth.SessionToken, auth.SessionTokenFromEnvironment, auth.SessionTokenFromFile);
                var credentials = new AwsCredentials(
                    Secret(new("AccessKeyId", auth.AccessKeyId, auth.AccessKeyIdFromEnvironment, auth.AccessKeyIdFromFile)),
                    Secret(new("SecretAccessKey", auth.SecretAccessKey, auth.SecretAccessKeyFromEnvironment, auth.SecretAccessKeyFromFile)),
                    session.IsSet ? Secret(session) : null);
                string service = auth.Service ?? ProviderAuthConstants.DefaultAwsService;
                string fingerprint = Fingerprint("AwsSigV4", auth.Region, service);
                return previous?.Fingerprint == fingerprint ? previous : new AwsSigV4Authenticator(provider, credentials, auth.Region!, service, _timeProvider, fingerprint, _logger);
            }

            case ProviderAuthType.OAuth2ClientCredentials:
            {
                string secret = Secret(new("ClientSecret", auth.ClientSecret, auth.ClientSecretFromEnvironment, auth.ClientSecretFromFile));
                string fingerprint = Fingerprint("OAuth2ClientCredentials", auth.TokenEndpoint, auth.ClientId, auth.Audience, string.Join(' ', scopes), refresh.Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture));
                if (previous?.Fingerprint == fingerprint)
                {
                    return previous;
                }

                var grant = new OAuth2ClientCredentialsGrant(provider, new Uri(auth.TokenEndpoint!), auth.ClientId!, secret, scopes, auth.Audience, _tokens);
                return new BearerTokenAuthenticator(provider, "OAuth2ClientCredentials", fingerprint, grant.FetchAsync, refresh, _timeProvider, _logger);
            }

            case ProviderAuthType.GoogleServiceAccount:
            {
                string json = Secret(new("Key", null, auth.KeyFromEnvironment, auth.KeyFromFile));
                var key = GoogleServiceAccountKey.Parse(json, out string? error)
                    ?? throw new InvalidOperationException($"Provider '{provider}': Auth: the service account key {error}");
                string fingerprint = Fingerprint("GoogleServiceAccount", string.Join(' ', scopes), refresh.Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture));
                if (previous?.Fingerprint == fingerprint)
                {
                    return previous;
                }

                var grant = new GoogleServiceAccountGrant(provider, key, scopes, _tokens, _timeProvider);
                return new BearerTokenAuthenticator(provider, "GoogleServiceAccount", fingerprint, grant.FetchAsync, refresh, _timeProvider, _logger);
            }

            default:
                throw new InvalidOperationException($"Provider '{provider}': Auth:Type {type} is not known.");
        }
    }

    public void Dispose() => _tokenHttp.Dispose();
}
