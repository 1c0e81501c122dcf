using Bulwark.AspNetCore.Requests;
using Bulwark.Classification;
using Bulwark.Failover;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Deferral;
using Bulwark.Gateway.Problems;
using Bulwark.Gateway.Requests;
using Bulwark.Gateway.Routing;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Polly.CircuitBreaker;
using Yarp.ReverseProxy.Forwarder;

namespace Bulwark.Gateway.Forwarding;

/// <summary>
/// Forwards one client request along its route's provider chain: buffers a replayable body, runs each attempt through
/// the provider's pipeline with YARP's forwarder, streams the first acceptable response back, and answers
/// problem+json when every provider failed.
/// </summary>
internal sealed partial class ForwardingHandler
{
    /// <summary>The longest wait a provider's Retry-After is taken to announce (longer ones are read as this).</summary>
    private static readonly TimeSpan MaxRetryAfterHint = TimeSpan.FromDays(1);

    public const string StreamedBodyNotice = "off; the request body was too large to buffer, so it was sent once and never retried";

    private static readonly ForwarderRequestConfig RequestConfig = new() { ActivityTimeout = TimeSpan.FromSeconds(100) };

    private readonly IHttpForwarder _forwarder;
    private readonly HttpMessageInvoker _invoker;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<ForwardingHandler> _logger;
    private readonly Func<string> _bufferDirectory;
    private readonly GatewayDeferral _deferral;

    public ForwardingHandler(IHttpForwarder forwarder, GatewayHttpClient client, TimeProvider timeProvider, BodyBufferDirectory bufferDirectory, GatewayDeferral deferral, ILogger<ForwardingHandler> logger)
    {
        _deferral = deferral;
        _bufferDirectory = bufferDirectory.Accessor;
        _forwarder = forwarder;
        _invoker = client.Invoker;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>Forwards the request; counted in <paramref name="inFlight"/>, when given, from start to end.</summary>
    public async Task HandleAsync(HttpContext context, GatewayRoute route, InFlightRequests? inFlight = null)
    {
        // Counted here rather than by a wrapping async method: one async state machine less per request.
        using var tracked = inFlight is null ? default : inFlight.Enter(context);

        // Checked again once counted: a request that passed the refusal middleware just before the drain began may not
        // have been counted when the drain found nothing in flight; it is refused rather than cut off.
        if (inFlight is { IsRefusing: true })
        {
            context.Response.Headers.Connection = "close";
            await GatewayProblem.ShuttingDown(RequestCorrelation.IdOf(context.Request)).WriteAsync(context, 0).ConfigureAwait(false);
            return;
        }

        string correlationId = RequestCorrelation.IdOf(context.Request);
        context.Response.Headers[GatewayConstants.CorrelationHeader] = correlationId;

        var feature = new BulwarkRequestFeature { CorrelationId = correlationId, Route = route.Path };
        context.Features.Set(feature);

        // Headers the client names in Connection are for this hop only: gone before anything is decided from them.
        AttemptTransformer.RemoveConnectionHeaders(context.Request.Headers.Connection, context.Request.Headers);

        (bool buffered, bool streamed) body;
        try
        {
            body = await PrepareBodyAsync(context, route.MaxBufferedBodyBytes).ConfigureAwait(false);
        }
        catch (BadHttpRequestException e)
        {
            // The client's body broke a limit or the protocol (413, 400, 408): its fault, told in its terms, and logged
            // as the client's mistake it is — without a stack trace.
            feature.ErrorType = "bad-request-body";
            Log.BadRequestBody(_logger, e.StatusCode, e.Message, correlationId);
            await GatewayProblem.BadRequestBody(e.StatusCode, correlationId).WriteAsync(context, 0).ConfigureAwait(false);
            return;
        }
        catch (Exception e) when ((e is IOException or OperationCanceledException) && context.RequestAborted.IsCancellationRequested)
        {
            feature.ErrorType = "client-gone";
            return;
        }

        var (buffered, streamed) = body;
        string? deferralKey = null;
        string deferralFingerprint = string.Empty;
        if (route.Deferral is { } deferral)
        {
            // A deferred request is stored whole: a body the route could not store is refused before any provider sees it.
            if (streamed || (buffered && context.Request.Body.Length > deferral.MaxBodyBytes))
            {
                feature.ErrorType = "bad-request-body";
                await GatewayProblem.DeferralBodyTooLarge(correlationId, deferral.MaxBodyBytes).WriteAsync(context, 0).ConfigureAwait(false);
                return;
            }

            (deferralKey, bool fromClient) = GatewayDeferral.KeyOf(context.Request, route);
            string? tooLong = deferralKey?.Length > DeferralConstants.MaxKeyLength ? GatewayConstants.IdempotencyKeyHeader
                : deferral.OrderingHeader is { } ordering && context.Request.Headers[ordering].ToString().Length > DeferralConstants.MaxKeyLength ? ordering
                : null;
            if (tooLong is not null)
            {
                feature.ErrorType = "bad-idempotency-key";
                await GatewayProblem.BadIdempotencyKey(correlationId, tooLong).WriteAsync(context, 0).ConfigureAwait(false);
                return;
            }

            deferralFingerprint = await GatewayDeferral.FingerprintAsync(context.Request, buffered, context.RequestAborted).ConfigureAwait(false);
            if (fromClient && await _deferral.TryAnswerRepeatAsync(context, route, deferralKey!, deferralFingerprint, correlationId).ConfigureAwait(false))
            {
                // Accepted before: one entry, one delivery, whatever the client resends.
                return;
            }
        }

        bool replayable = !streamed && (route.Idempotent || IsIdempotent(context.Request.Method) || !string.IsNullOrWhiteSpace(context.Request.Headers[GatewayConstants.IdempotencyKeyHeader]));
        var request = new ForwardingRequest(context, route, correlationId, replayable, buffered, streamed);

        using var deadline = new CancellationTokenSource(route.Timeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, deadline.Token);
        var result = await route.Chain.ExecuteAsync(AttemptAsync, (Handler: this, Request: request), replayable, linked.Token).ConfigureAwait(false);
        feature.Attempts = result.Attempts;
        feature.Provider = result.Provider;
        var lastTried = result.Provider ?? (result.Attempts.Count > 0 ? result.Attempts[^1].Provider : null);
        if (lastTried is not null && route.FindProvider(lastTried) is { } tried)
        {
            feature.BreakerState = tried.Pipeline.CircuitBreaker is { } breaker ? StateName(breaker.State) : null;
        }

        if (result.Outcome.Result is { } forwarded)
        {
            if (forwarded.Broken)
            {
                feature.ErrorType = "stream-broken";
                // The body stream failed after the response started: the client must see a failure, never a clean end.
                Log.StreamBroken(_logger, result.Provider!, correlationId);
                context.Abort();
            }

            return;
        }

        if (context.RequestAborted.IsCancellationRequested)
        {
            feature.ErrorType = "client-gone";
            Log.ClientGone(_logger, correlationId);
            return;
        }

        if (context.Response.HasStarted)
        {
            context.Abort();
            return;
        }

        var problem = GatewayProblem.ForFailure(request, result, deadline.IsCancellationRequested, _timeProvider);
        if (route.Deferral is not null && result.Outcome.Exception is not ClientBodyException)
        {
            if (deferralKey is not null && _deferral.Enabled)
            {
                feature.ErrorType = "deferred";
                await _deferral.DeferAsync(context, request, deferralKey, deferralFingerprint).ConfigureAwait(false);
                return;
            }

            problem = problem.WithNote(_deferral.Enabled
                ? " This route stores failed requests for later delivery when they carry an Idempotency-Key header: send one to have the request accepted and delivered later."
                : " This route would store the request for later delivery, but the gateway runs without its store.");
        }

        feature.ErrorType = problem.Type;
        if (result.Outcome.Exception is ClientBodyException clientBody)
        {
            Log.BadRequestBody(_logger, problem.Status, clientBody.InnerException?.Message ?? clientBody.Message, correlationId);
        }
        else
        {
            Log.RequestFailed(_logger, context.Request.Method, route.Path, problem.Status, result.Attempts.Count, correlationId);
        }
        if (request.BodyStreamed)
        {
            // A failure is when the client most needs to know why the gateway did not retry.
            context.Response.Headers[GatewayConstants.RetryHeader] = StreamedBodyNotice;
        }

        await problem.WriteAsync(context, request.Attempts).ConfigureAwait(false);
    }

    private static async ValueTask<ForwardedResponse> AttemptAsync(FailoverAttemptContext attempt, (ForwardingHandler Handler, ForwardingRequest Request) state)
    {
        var (handler, request) = state;
        var context = request.Context;
        var provider = request.Route.Providers[attempt.ProviderIndex];

        if (request.BodyStreamed && request.BodyConsumed)
        {
            throw new UpstreamRequestException(ForwarderError.RequestBodyDestination, HttpRequestError.Unknown, reachedProvider: true, inner: null);
        }

        if (request.BodyBuffered)
        {
            context.Request.Body.Position = 0;
        }

        ResetResponse(context);
        request.Attempts++;

        // YARP gets a token of the attempt's own: the attempt and route timeouts cancel it until the response is
        // committed, and no longer after — they bound the wait for an answer, never how long a stream may run.
        using var forwarding = new CancellationTokenSource();
        var timeouts = attempt.CancellationToken.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), forwarding);
        ForwarderError error;
        try
        {
            var transformer = new AttemptTransformer(request, provider, handler._timeProvider, timeouts);
            error = await handler._forwarder.SendAsync(context, provider.BaseUrl, handler._invoker, RequestConfig, transformer, forwarding.Token).ConfigureAwait(false);
            if (transformer.HeldBackStatus is { } heldBack)
            {
                ResetResponse(context);
                request.BodyConsumed = true;
                if (transformer.RetryAfter is { } retryAfter)
                {
                    // A provider's Retry-After is its own input: a huge one must not overflow the clock's arithmetic.
                    var wait = retryAfter < MaxRetryAfterHint ? retryAfter : MaxRetryAfterHint;
                    request.NoteRetryAfter(attempt.ProviderIndex, handler._timeProvider.GetUtcNow() + wait);
                }

                throw new UpstreamResponseException(heldBack, transformer.RetryAfter);
            }
        }
        finally
        {
            timeouts.Dispose();
        }

        var exception = context.Features.Get<IForwarderErrorFeature>()?.Exception;

        if (error == ForwarderError.None)
        {
            return new ForwardedResponse(context.Response.StatusCode, Broken: false);
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
                throw new OperationCanceledException("The client went away.", exception, context.RequestAborted);
            }

            return new ForwardedResponse(context.Response.StatusCode, broken);
        }

        ResetResponse(context);
        if (context.RequestAborted.IsCancellationRequested || error is ForwarderError.ResponseBodyClient)
        {
            throw new OperationCanceledException("The client went away.", exception, context.RequestAborted);
        }

        if (error == ForwarderError.RequestBodyClient)
        {
            // The client's streamed body broke mid-way (bad chunking, a limit, a stall): not the provider's fault.
            throw new ClientBodyException(exception);
        }

        if (attempt.CancellationToken.IsCancellationRequested)
        {
            // A timeout (the attempt's, or the route's): Polly turns its own into a TimeoutRejectedException.
            throw new OperationCanceledException("The attempt was cancelled.", exception, attempt.CancellationToken);
        }

        var (requestError, reached) = Classify(error, exception);
        if (reached)
        {
            request.BodyConsumed = true;
        }

        throw new UpstreamRequestException(error, requestError, reached, exception);
    }

    private static (HttpRequestError Error, bool Reached) Classify(ForwarderError error, Exception? exception)
    {
        if (error is ForwarderError.RequestCreation or ForwarderError.NoAvailableDestinations)
        {
            return (HttpRequestError.Unknown, false);
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

    private async ValueTask<(bool Buffered, bool Streamed)> PrepareBodyAsync(HttpContext context, long limit)
    {
        if (context.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: false })
        {
            return (false, false);
        }

        if (context.Request.ContentLength is { } length)
        {
            // Said too large up front: refused before a provider is called (Kestrel would fail only the first read).
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize is { } max && length > max)
            {
                throw new BadHttpRequestException("The request body is larger than the gateway accepts.", StatusCodes.Status413PayloadTooLarge);
            }

            if (length > limit)
            {
                return (false, true);
            }

            // In memory up to 64 KiB, then a delete-on-close temporary file, disposed (so deleted) when the request
            // ends, however it ends. As EnableBuffering does, but in the directory the host chose.
            var buffering = new FileBufferingReadStream(context.Request.Body, (int)Math.Min(length, 64 * 1024), limit, _bufferDirectory);
            context.Response.RegisterForDisposeAsync(buffering);
            context.Request.Body = buffering;
            await context.Request.Body.DrainAsync(context.RequestAborted).ConfigureAwait(false);
            context.Request.Body.Position = 0;
            return (true, false);
        }

        // Unknown length (chunked, or HTTP/2 without content-length): read up to the limit. If it all fits, it is
        // replayable like any other small body; if not, what was read goes first and the rest streams after it, once.
        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await ReadClientBodyAsync(context, chunk.AsMemory(0, (int)Math.Min(chunk.Length, limit + 1 - buffer.Length))).ConfigureAwait(false)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > limit)
            {
                context.Request.Body = new PrefixedStream(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), context.Request.Body);
                return (false, true);
            }
        }

        buffer.Position = 0;
        context.Request.Body = buffer;
        return (true, false);
    }

    /// <summary>
    /// Reads the client's body; a read that fails while the client is still connected is its malformed body — Kestrel
    /// reports a chunk size that overflows as a bare <see cref="IOException"/>, not a <see cref="BadHttpRequestException"/>.
    /// </summary>
    private static async ValueTask<int> ReadClientBodyAsync(HttpContext context, Memory<byte> buffer)
    {
        try
        {
            return await context.Request.Body.ReadAsync(buffer, context.RequestAborted).ConfigureAwait(false);
        }
        catch (IOException e) when (e is not BadHttpRequestException && !context.RequestAborted.IsCancellationRequested)
        {
            throw new BadHttpRequestException("The request body is malformed: " + e.Message, StatusCodes.Status400BadRequest, e);
        }
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

    /// <summary>The state's <see cref="Enum.ToString()"/>, without boxing it on every request.</summary>
    private static string StateName(CircuitState state) => state switch
    {
        CircuitState.Closed => nameof(CircuitState.Closed),
        CircuitState.Open => nameof(CircuitState.Open),
        CircuitState.HalfOpen => nameof(CircuitState.HalfOpen),
        CircuitState.Isolated => nameof(CircuitState.Isolated),
        _ => state.ToString(),
    };

    private static bool IsIdempotent(string method) =>
        HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) ||
        HttpMethods.IsPut(method) || HttpMethods.IsDelete(method);

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.RequestFailed, Level = LogLevel.Warning, Message = "{Method} {Route} failed with {Status} after {Attempts} attempt(s); correlation id {CorrelationId}")]
        public static partial void RequestFailed(ILogger logger, string method, string route, int status, int attempts, string correlationId);

        [LoggerMessage(EventId = EventIds.ResponseStreamBroke, Level = LogLevel.Warning, Message = "The response stream from {Provider} broke after it had started; the client connection was aborted; correlation id {CorrelationId}")]
        public static partial void StreamBroken(ILogger logger, string provider, string correlationId);

        [LoggerMessage(EventId = EventIds.ClientWentAway, Level = LogLevel.Debug, Message = "The client went away; correlation id {CorrelationId}")]
        public static partial void ClientGone(ILogger logger, string correlationId);

        [LoggerMessage(EventId = EventIds.ClientBodyRefused, Level = LogLevel.Debug, Message = "The client's request body was refused with {Status}: {Reason}; correlation id {CorrelationId}")]
        public static partial void BadRequestBody(ILogger logger, int status, string reason, string correlationId);
    }
}
