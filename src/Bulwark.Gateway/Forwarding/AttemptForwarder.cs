using Bulwark.Classification;
using Bulwark.Failover;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.ProviderAuth;
using Bulwark.Gateway.Requests;
using Bulwark.Gateway.Routing;
using Microsoft.AspNetCore.Http.Features;
using Polly;
using Yarp.ReverseProxy.Forwarder;

namespace Bulwark.Gateway.Forwarding;

/// <summary>
/// Sends one attempt of a client request to one provider with YARP's forwarder. A failure is returned as an outcome for
/// the chain to judge (retry, fail over, answer), never thrown: a provider's held-back 503 costs no exception throw.
/// </summary>
internal sealed class AttemptForwarder(IHttpForwarder forwarder, HttpMessageInvoker invoker, TimeProvider timeProvider)
{
    /// <summary>The longest wait a provider's Retry-After is taken to announce (longer ones are read as this).</summary>
    private static readonly TimeSpan MaxRetryAfterHint = TimeSpan.FromDays(1);

    private static readonly ForwarderRequestConfig RequestConfig = new() { ActivityTimeout = TimeSpan.FromSeconds(100) };

    private readonly IHttpForwarder _forwarder = forwarder;
    private readonly HttpMessageInvoker _invoker = invoker;
    private readonly TimeProvider _timeProvider = timeProvider;

    /// <summary>
    /// The chain's callback: one attempt of <paramref name="state"/>'s request at the attempt's provider. A provider with a
    /// token (<c>Auth</c>) gets it first; a 401 to it, when the body can be sent again, renews it and sends once more.
    /// </summary>
    public static ValueTask<Outcome<ForwardedResponse>> SendAsync(FailoverAttemptContext attempt, (AttemptForwarder Forwarder, ForwardingRequest Request) state)
        => state.Request.Route.Providers[attempt.ProviderIndex].Auth is { } auth
            ? SendAuthenticatedAsync(attempt, state, auth)
            // No token to get: the attempt is the one send, without an async frame of its own around it.
            : SendOnceAsync(attempt, state, token: null, holdUnauthorized: false);

    private static async ValueTask<Outcome<ForwardedResponse>> SendAuthenticatedAsync(FailoverAttemptContext attempt, (AttemptForwarder Forwarder, ForwardingRequest Request) state, ProviderAuthenticator auth)
    {
        var (token, failed) = await AcquireAsync(auth, attempt, state.Request).ConfigureAwait(false);
        if (failed is not null)
        {
            return Failed(failed);
        }

        bool renewable = token is not null && auth.RenewsOnUnauthorized && !state.Request.BodyStreamed;
        var outcome = await SendOnceAsync(attempt, state, token, renewable).ConfigureAwait(false);
        if (outcome.Exception is not TokenRejected)
        {
            return outcome;
        }

        auth.Rejected(token!);
        (token, failed) = await AcquireAsync(auth, attempt, state.Request).ConfigureAwait(false);
        return failed is not null ? Failed(failed) : await SendOnceAsync(attempt, state, token, holdUnauthorized: false).ConfigureAwait(false);
    }

    /// <summary>The provider's token for the attempt; a failure to get one is the attempt's outcome (nothing was sent).</summary>
    private static async ValueTask<(AccessToken? Token, Exception? Failure)> AcquireAsync(ProviderAuthenticator auth, FailoverAttemptContext attempt, ForwardingRequest request)
    {
        try
        {
            return (await auth.AcquireAsync(attempt.CancellationToken).ConfigureAwait(false), null);
        }
        catch (ProviderAuthException e)
        {
            return (null, e);
        }
        catch (OperationCanceledException e) when (attempt.CancellationToken.IsCancellationRequested)
        {
            return (null, request.Context.RequestAborted.IsCancellationRequested
                ? new OperationCanceledException("The client went away.", e, request.Context.RequestAborted)
                : new OperationCanceledException("The attempt was cancelled.", e, attempt.CancellationToken));
        }
    }

    /// <summary>A 401 to the attempt's token, held back: the token is renewed and the attempt sent once more. Never leaves <see cref="SendAsync"/>.</summary>
    private sealed class TokenRejected() : Exception("The provider answered 401 to the access token.");

    private static async ValueTask<Outcome<ForwardedResponse>> SendOnceAsync(FailoverAttemptContext attempt, (AttemptForwarder Forwarder, ForwardingRequest Request) state, AccessToken? token, bool holdUnauthorized)
    {
        var (self, request) = state;
        var context = request.Context;
        var provider = request.Route.Providers[attempt.ProviderIndex];

        if (request.BodyStreamed && request.BodyConsumed)
        {
            return Failed(new UpstreamRequestException(ForwarderError.RequestBodyDestination, HttpRequestError.Unknown, reachedProvider: true, inner: null));
        }

        if (request.BodyBuffered)
        {
            context.Request.Body.Position = 0;
        }

        if (request.Spool?.Failure is { } spoolFailure)
        {
            // The body can no longer be sent whole (the client's side failed, or the spool is full): nothing is sent.
            return Failed(SpoolOutcome(spoolFailure));
        }

        // An earlier attempt's translator (its answer failed before anything reached the client) is taken off first.
        request.DropTranslation();
        ResetResponse(context);
        request.Attempts++;

        // YARP gets a token of the attempt's own: the attempt and route timeouts cancel it until the response is
        // committed, and no longer after — they bound the wait for an answer, never how long a stream may run.
        using var forwarding = new CancellationTokenSource();
        var timeouts = attempt.CancellationToken.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), forwarding);
        var (clientBody, clientLength) = (context.Request.Body, context.Request.ContentLength);
        if (request.Spool is { } spool)
        {
            // Every attempt reads the spool from its start, the first one as the client's body arrives.
            context.Request.Body = spool.OpenReader();
        }
        else if (request.BodyFor(attempt.ProviderIndex) is { } mapped)
        {
            // This provider is sent its own name of the model asked for (the client's body with that one field changed),
            // or the request in its own API's terms.
            context.Request.Body = new MemoryStream(mapped, writable: false);
            context.Request.ContentLength = clientLength is null ? null : mapped.Length;
        }

        ForwarderError error;
        try
        {
            var transformer = new AttemptTransformer(request, attempt.ProviderIndex, self._timeProvider, timeouts, token, holdUnauthorized);
            error = await self._forwarder.SendAsync(context, provider.BaseUrl, self._invoker, RequestConfig, transformer, forwarding.Token).ConfigureAwait(false);
            if (transformer.HeldUnauthorized)
            {
                ResetResponse(context);
                return Failed(new TokenRejected());
            }

            if (transformer.HeldBackStatus is { } heldBack)
            {
                ResetResponse(context);
                request.BodyConsumed = true;
                if (transformer.RetryAfter is { } retryAfter)
                {
                    // A provider's Retry-After is its own input: a huge one must not overflow the clock's arithmetic.
                    var wait = retryAfter < MaxRetryAfterHint ? retryAfter : MaxRetryAfterHint;
                    request.NoteRetryAfter(attempt.ProviderIndex, self._timeProvider.GetUtcNow() + wait);
                }

                return Failed(new UpstreamResponseException(heldBack, transformer.RetryAfter, transformer.HeldBackProvesNotProcessed));
            }
        }
        finally
        {
            timeouts.Dispose();
            (context.Request.Body, context.Request.ContentLength) = (clientBody, clientLength);
        }

        var exception = context.Features.Get<IForwarderErrorFeature>()?.Exception;

        if (error == ForwarderError.None)
        {
            return request.Translation is null
                ? Outcome.FromResult(new ForwardedResponse(context.Response.StatusCode, Broken: false))
                : await CompleteTranslationAsync(request, exception).ConfigureAwait(false);
        }

        if (context.Response.HasStarted)
        {
            // Only the provider's side of the body breaking makes the response a lie the client must see as a failure.
            // The client leaving mid-stream is its own doing; an upload the provider stopped reading after it had
            // answered (a 401 or 413 before the whole body) still delivered a complete response.
            bool broken = error is ForwarderError.ResponseBodyDestination or ForwarderError.ResponseBodyCanceled
                or ForwarderError.UpgradeResponseDestination or ForwarderError.UpgradeResponseCanceled or ForwarderError.UpgradeActivityTimeout;
            if (error is ForwarderError.ResponseBodyClient or ForwarderError.UpgradeResponseClient)
            {
                return Failed(new OperationCanceledException("The client went away.", exception, context.RequestAborted));
            }

            return Outcome.FromResult(new ForwardedResponse(context.Response.StatusCode, broken));
        }

        ResetResponse(context);
        if (context.RequestAborted.IsCancellationRequested || error is ForwarderError.ResponseBodyClient)
        {
            return Failed(new OperationCanceledException("The client went away.", exception, context.RequestAborted));
        }

        if (error == ForwarderError.RequestBodyClient && request.Spool?.Failure is { } failure)
        {
            return Failed(SpoolOutcome(failure));
        }

        if (error == ForwarderError.RequestBodyClient)
        {
            // The client's streamed body broke mid-way (bad chunking, a limit, a stall): not the provider's fault.
            return Failed(new ClientBodyException(exception));
        }

        if (attempt.CancellationToken.IsCancellationRequested)
        {
            // A timeout (the attempt's, or the route's): Polly turns its own into a TimeoutRejectedException.
            return Failed(new OperationCanceledException("The attempt was cancelled.", exception, attempt.CancellationToken));
        }

        var (requestError, reached) = Classify(error, exception);
        if (reached)
        {
            request.BodyConsumed = true;
        }

        return Failed(new UpstreamRequestException(error, requestError, reached, exception));
    }

    private static Outcome<ForwardedResponse> Failed(Exception exception) => Outcome.FromException<ForwardedResponse>(exception);

    /// <summary>The outcome of a spool that failed: full (507), or the client's body failing (its own status).</summary>
    private static Exception SpoolOutcome(Exception failure) => failure as SpoolFullException ?? (Exception)new ClientBodyException(failure);

    /// <summary>
    /// Ends the translation of an Anthropic answer whose body has arrived: a whole message or error is translated and
    /// written now. One that cannot be translated, before anything reached the client, fails the attempt (the chain may
    /// try another provider); a stream that failed after it had started is a broken response.
    /// </summary>
    private static async ValueTask<Outcome<ForwardedResponse>> CompleteTranslationAsync(ForwardingRequest request, Exception? exception)
    {
        var context = request.Context;
        var translation = request.Translation!;
        bool translated;
        try
        {
            translated = await translation.CompleteAsync(context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception e) when ((e is IOException or OperationCanceledException) && context.RequestAborted.IsCancellationRequested)
        {
            return Failed(new OperationCanceledException("The client went away.", e, context.RequestAborted));
        }

        if (translated)
        {
            return Outcome.FromResult(new ForwardedResponse(context.Response.StatusCode, Broken: false));
        }

        if (translation.Started || context.Response.HasStarted)
        {
            // What was translated (the stream's error event, say) reaches the client before the connection is cut.
            try
            {
                await translation.FlushAsync(context.RequestAborted).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException)
            {
                // The client is gone already: the cut follows all the same.
            }

            return Outcome.FromResult(new ForwardedResponse(context.Response.StatusCode, Broken: true));
        }

        request.DropTranslation();
        ResetResponse(context);
        request.BodyConsumed = true;
        if (translation.ErrorStatus is { } status)
        {
            // The stream's error came first (Anthropic's overloaded_error): the attempt failed as that status would have.
            return Failed(new UpstreamResponseException(status, retryAfter: null, request.Route.ProvesNotProcessed(status, hasRetryAfter: false)));
        }

        return Failed(new UpstreamRequestException(ForwarderError.ResponseBodyDestination, HttpRequestError.InvalidResponse, reachedProvider: true, new InvalidDataException(translation.Failure, exception)));
    }

    private static (HttpRequestError Error, bool Reached) Classify(ForwarderError error, Exception? exception)
    {
        if (error is ForwarderError.RequestCreation or ForwarderError.NoAvailableDestinations)
        {
            return (HttpRequestError.Unknown, false);
        }

        if (error == ForwarderError.RequestBodyDestination && exception is not HttpRequestException { HttpRequestError: not HttpRequestError.Unknown })
        {
            // The provider stopped taking the body mid-way (it reset or closed the connection): a connection failure,
            // transient like any other, so a replayable body is retried at the same provider too.
            return (HttpRequestError.ConnectionError, true);
        }

        if (exception is HttpRequestException http)
        {
            bool notSent = http.HttpRequestError is HttpRequestError.SecureConnectionError or HttpRequestError.NameResolutionError;
            return (http.HttpRequestError, !notSent && RequestDelivery.MayHaveReachedDependency(http));
        }

        if (exception is OperationCanceledException { InnerException: TimeoutException })
        {
            // SocketsHttpHandler's ConnectTimeout: no connection, so nothing was sent.
            return (HttpRequestError.ConnectionError, false);
        }

        return (error == ForwarderError.Request ? HttpRequestError.ConnectionError : HttpRequestError.Unknown, true);
    }

    private static void ResetResponse(HttpContext context)
    {
        if (context.Response.HasStarted)
        {
            return;
        }

        var correlationId = context.Response.Headers[GatewayConstants.CorrelationHeader];
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.Headers.Clear();
        context.Response.Headers[GatewayConstants.CorrelationHeader] = correlationId;
        if (context.Features.Get<IHttpResponseFeature>() is { } response)
        {
            response.ReasonPhrase = null;
        }

        context.Features.Set<IForwarderErrorFeature>(null);
    }
}
