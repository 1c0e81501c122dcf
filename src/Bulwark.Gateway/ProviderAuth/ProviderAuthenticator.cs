namespace Bulwark.Gateway.ProviderAuth;

/// <summary>
/// How the gateway authenticates itself to one provider, for each attempt: first <see cref="AcquireAsync"/> (the
/// token, which may be fetched; a failure is a <see cref="ProviderAuthException"/>), then <see cref="ApplyAsync"/> on
/// the request as it will be sent (after the gateway rewrote its host, path and headers for the provider).
/// </summary>
internal abstract partial class ProviderAuthenticator(string provider, string type, string fingerprint, ILogger logger)
{
    /// <summary>Gets the provider's name.</summary>
    public string Provider { get; } = provider;

    /// <summary>Gets what the auth was built from (a hash: it holds secrets): a reload that leaves it unchanged keeps the instance, and its token.</summary>
    public string Fingerprint { get; } = fingerprint;

    public ProviderAuthState State { get; } = new(type);

    /// <summary>Gets whether a 401 from the provider may mean a stale token, worth one renewal and one more try.</summary>
    public virtual bool RenewsOnUnauthorized => false;

    /// <summary>Gets the token of one attempt, or <see langword="null"/> for an auth without one.</summary>
    /// <exception cref="ProviderAuthException">No token could be had.</exception>
    public virtual ValueTask<AccessToken?> AcquireAsync(CancellationToken cancellationToken) => ValueTask.FromResult<AccessToken?>(null);

    /// <summary>Authenticates the request of one attempt.</summary>
    public abstract ValueTask ApplyAsync(HttpRequestMessage request, AccessToken? token, AttemptBody body, CancellationToken cancellationToken);

    /// <summary>The provider answered 401 to a request sent with <paramref name="token"/>: it is not used again.</summary>
    public virtual void Rejected(AccessToken token)
    {
    }

    /// <summary>
    /// The provider refused the gateway's credentials (401 or 403) on an answer the client gets: said in the log with the
    /// provider, so that a wrong key or clock reads as what it is.
    /// </summary>
    public void Refused(int status) => Log.CredentialsRefused(logger, Provider, status, State.Type);

    /// <summary>Sets a header on the request, replacing the client's own, wherever HttpClient keeps it.</summary>
    protected static void SetHeader(HttpRequestMessage request, string name, string value)
    {
        request.Headers.Remove(name);
        request.Content?.Headers.Remove(name);
        if (!request.Headers.TryAddWithoutValidation(name, value))
        {
            request.Content?.Headers.TryAddWithoutValidation(name, value);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.ProviderCredentialsRejected, Level = LogLevel.Warning, Message = "Provider {Provider} answered {Status} to the gateway's {AuthType} credentials; check the provider's Auth (its keys, region and the clock)")]
        public static partial void CredentialsRefused(ILogger logger, string provider, int status, string authType);
    }
}
