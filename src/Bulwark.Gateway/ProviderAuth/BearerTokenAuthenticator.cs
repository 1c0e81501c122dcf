namespace Bulwark.Gateway.ProviderAuth;

/// <summary>
/// <c>OAuth2ClientCredentials</c> and <c>GoogleServiceAccount</c>: the access token of the cache, sent as
/// <c>Authorization: Bearer</c>; a 401 drops the token it was sent with, so the next attempt fetches a new one.
/// </summary>
internal sealed class BearerTokenAuthenticator : ProviderAuthenticator
{
    private readonly AccessTokenCache _tokens;

    public BearerTokenAuthenticator(string provider, string type, string fingerprint, Func<CancellationToken, Task<AccessToken>> fetch, TimeSpan refreshBeforeExpiry, TimeProvider timeProvider, ILogger logger)
        : base(provider, type, fingerprint, logger)
    {
        _tokens = new AccessTokenCache(provider, fetch, refreshBeforeExpiry, timeProvider, State, logger);
    }

    public override bool RenewsOnUnauthorized => true;

    public override async ValueTask<AccessToken?> AcquireAsync(CancellationToken cancellationToken) =>
        await _tokens.GetAsync(cancellationToken).ConfigureAwait(false);

    public override ValueTask ApplyAsync(HttpRequestMessage request, AccessToken? token, AttemptBody body, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token!.Value);
        return ValueTask.CompletedTask;
    }

    public override void Rejected(AccessToken token) => _tokens.Drop(token);
}
