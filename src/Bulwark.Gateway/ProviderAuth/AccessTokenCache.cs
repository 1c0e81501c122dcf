namespace Bulwark.Gateway.ProviderAuth;

/// <summary>
/// One provider's access token: fetched when first needed, kept until <c>RefreshBeforeExpiry</c> before it expires, then
/// replaced. One fetch at a time whatever the concurrency: every attempt that needs a token while one is being fetched
/// waits for that one (single flight). A failed renewal leaves a token that has not expired yet in use.
/// </summary>
internal sealed partial class AccessTokenCache(
    string provider,
    Func<CancellationToken, Task<AccessToken>> fetch,
    TimeSpan refreshBeforeExpiry,
    TimeProvider timeProvider,
    ProviderAuthState state,
    ILogger logger)
{
    private readonly Lock _gate = new();
    private AccessToken? _current;
    private Task<AccessToken>? _fetching;

    /// <summary>Gets a token that is fresh (not within the refresh margin of its expiry), fetching one if needed.</summary>
    /// <exception cref="ProviderAuthException">No token could be fetched, and none that has not expired is held.</exception>
    public async ValueTask<AccessToken> GetAsync(CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var current = Volatile.Read(ref _current);
        if (current is not null && now < current.ExpiresAt - refreshBeforeExpiry)
        {
            return current;
        }

        Task<AccessToken> fetching;
        lock (_gate)
        {
            current = _current;
            if (current is not null && now < current.ExpiresAt - refreshBeforeExpiry)
            {
                return current;
            }

            fetching = _fetching ??= FetchAsync();
        }

        try
        {
            return await fetching.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ProviderAuthException) when (current is not null && timeProvider.GetUtcNow() < current.ExpiresAt)
        {
            // The renewal failed, but the token in hand is still good: used until it expires.
            return current;
        }
    }

    /// <summary>Drops <paramref name="token"/> if it is the one held (a 401 for it): the next attempt fetches another.</summary>
    public void Drop(AccessToken token)
    {
        lock (_gate)
        {
            if (ReferenceEquals(_current, token))
            {
                _current = null;
                state.Dropped();
                Log.TokenDropped(logger, provider);
            }
        }
    }

    /// <summary>The one fetch: detached from any caller's cancellation (others wait for it), bounded by its own timeout.</summary>
    private async Task<AccessToken> FetchAsync()
    {
        await Task.Yield();
        var started = timeProvider.GetUtcNow();
        try
        {
            using var timeout = new CancellationTokenSource(Configuration.ProviderAuthConstants.TokenRequestTimeout, timeProvider);
            AccessToken token;
            try
            {
                token = await fetch(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException e) when (timeout.IsCancellationRequested)
            {
                throw new ProviderAuthException(provider, $"the token endpoint did not answer within {Configuration.ProviderAuthConstants.TokenRequestTimeout.TotalSeconds:0} s.", e);
            }
            catch (HttpRequestException e)
            {
                throw new ProviderAuthException(provider, $"the token endpoint could not be reached ({e.HttpRequestError}).", e);
            }

            lock (_gate)
            {
                _current = token;
                _fetching = null;
            }

            state.Fetched(timeProvider.GetUtcNow(), token.ExpiresAt);
            Log.TokenFetched(logger, provider, token.ExpiresAt, (timeProvider.GetUtcNow() - started).TotalMilliseconds);
            return token;
        }
        catch (Exception e)
        {
            var failure = e as ProviderAuthException ?? new ProviderAuthException(provider, "the token request failed: " + e.GetType().Name + ".", e);
            lock (_gate)
            {
                _fetching = null;
            }

            state.Failed(timeProvider.GetUtcNow(), failure.Reason);
            Log.TokenFetchFailed(logger, provider, failure.Reason);
            throw failure;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.ProviderTokenFetched, Level = LogLevel.Information, Message = "Fetched an access token for provider {Provider}, valid until {ValidUntil:O}, in {ElapsedMs:0.#} ms")]
        public static partial void TokenFetched(ILogger logger, string provider, DateTimeOffset validUntil, double elapsedMs);

        [LoggerMessage(EventId = EventIds.ProviderTokenFetchFailed, Level = LogLevel.Warning, Message = "Could not fetch an access token for provider {Provider}: {Reason}")]
        public static partial void TokenFetchFailed(ILogger logger, string provider, string reason);

        [LoggerMessage(EventId = EventIds.ProviderTokenRejected, Level = LogLevel.Information, Message = "Provider {Provider} answered 401 to its access token: the token is dropped and a new one fetched")]
        public static partial void TokenDropped(ILogger logger, string provider);
    }
}
