using Bulwark.AspNetCore.Requests;
using Bulwark.Classification;
using Bulwark.Failover;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Deferral;
using Bulwark.Gateway.Fallback;
using Bulwark.Gateway.Problems;
using Bulwark.Gateway.Requests;
using Bulwark.Gateway.Routing;
using Bulwark.Gateway.Ledger;
using Bulwark.Gateway.Usage;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Yarp.ReverseProxy.Forwarder;

namespace Bulwark.Gateway.Forwarding;

/// <summary>
/// Forwards one client request along its route's provider chain: buffers a replayable body, runs each attempt through
/// the provider's pipeline with YARP's forwarder, streams the first acceptable response back, and answers
/// problem+json (or defers the request) when every provider failed.
/// </summary>
internal sealed partial class ForwardingHandler
{
    /// <summary>The request log's error type of a request stored for later delivery.</summary>
    private const string DeferredErrorType = "deferred";

    public const string StreamedBodyNotice = "off; the request body was too large to buffer, so it was sent once and never retried";

    private readonly AttemptForwarder _attempts;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<ForwardingHandler> _logger;
    private readonly Func<string> _bufferDirectory;
    private readonly SpoolQuota _spoolQuota;
    private readonly HttpMessageInvoker _invoker;
    private readonly GatewayDeferral _deferral;
    private readonly UsageLedger _ledger;
    private readonly string? _userHeader;
    private readonly ForwardingBudgets _budgets;
    private readonly Errors.GatewayRequestCounts _requestCounts;

    public ForwardingHandler(IHttpForwarder forwarder, GatewayHttpClient client, TimeProvider timeProvider, BodyBufferDirectory bufferDirectory, GatewayDeferral deferral, UsageLedger ledger, ForwardingBudgets budgets, Errors.GatewayRequestCounts requestCounts, IOptions<Bulwark.AspNetCore.Logging.BulwarkRequestLoggingOptions> logging, ILogger<ForwardingHandler> logger)
    {
        _requestCounts = requestCounts;
        _budgets = budgets;
        _deferral = deferral;
        _ledger = ledger;
        _userHeader = logging.Value.UserIdHeader;
        _bufferDirectory = bufferDirectory.Accessor;
        _spoolQuota = bufferDirectory.Quota;
        _attempts = new AttemptForwarder(forwarder, client.Invoker, timeProvider);
        _invoker = client.Invoker;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>Forwards the request; counted in <paramref name="inFlight"/>, when given, from start to end.</summary>
    public async Task HandleAsync(HttpContext context, GatewayRoute route, InFlightRequests? inFlight = null)
    {
        // Counted here rather than by a wrapping async method: one async state machine less per request.
        using var tracked = inFlight is null ? default : inFlight.Enter(context);
        if (inFlight is { IsRefusing: true })
        {
            await RefuseDrainingAsync(context).ConfigureAwait(false);
            return;
        }

        var (feature, correlationId) = Start(context, route);
        if (await ReadBodyAsync(context, route, feature, correlationId).ConfigureAwait(false) is not { } body)
        {
            return;
        }

        try
        {
            var deferral = await _deferral.AdmitAsync(context, route, body, feature, correlationId).ConfigureAwait(false);
            if (deferral.Answered)
            {
                return;
            }

            var request = new ForwardingRequest(context, route, correlationId, ReplayOf(context.Request, route, body), body.Buffered, body.Streamed) { Spool = body.Spool };
            await request.ReadBodyFieldsAsync(_budgets.BoundFor(route, context.Request), context.RequestAborted).ConfigureAwait(false);
            if (await _budgets.ReserveAsync(request, feature, context.RequestAborted).ConfigureAwait(false) is not { } admitted)
            {
                RecordUsage(request, feature, request.BodyUser);
                return;
            }

            request = admitted;
            try
            {
                // One source ends the attempts: the route's deadline, or the client going away (no linked source).
                using var ends = new CancellationTokenSource(route.Timeout, _timeProvider);
                using var clientGone = context.RequestAborted.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), ends);
                var lastGood = route.Fallback?.StartKeeping(context);
                var result = await RunChainAsync(request, ends.Token).ConfigureAwait(false);
                // The deadline bounds the wait for an answer, never how long a stream may run: one that passes while a
                // served response is still streaming (or its held body is being written) did not end the request.
                bool deadlineExpired = result.Outcome.Result is null && ends.IsCancellationRequested && !context.RequestAborted.IsCancellationRequested;
                NoteAttempts(request, result, feature);
                string? user = route.Api == RouteApi.Http ? null : await NoteUsageAsync(request, result, feature).ConfigureAwait(false);
                if (!Ended(request, result, feature, lastGood))
                {
                    await AnswerFailureAsync(request, result, deadlineExpired, deferral, feature).ConfigureAwait(false);
                }

                _requestCounts.Record();
                _requestCounts.RecordAttempts(result.Attempts);
                Errors.GatewayErrorFeed.Record(context, request.Route.Path, result.Attempts, served: result.Outcome.Result is not null, feature);
                _budgets.End(request, feature, served: result.Outcome.Result is not null, deferred: feature.ErrorType == DeferredErrorType, deadlineExpired);
                RecordUsage(request, feature, user);
            }
            catch when (request.Reservation is { Done: false })
            {
                _budgets.Abandon(request);
                throw;
            }
        }
        finally
        {
            // The pump stops reading the client before the request ends, and the spool file goes.
            if (body.Spool is { } spool)
            {
                await spool.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Queues the usage ledger's row of a request on an AI route (its user: the configured header's, else the body's
    /// <c>user</c>); a request stored for later delivery becomes a row when it is delivered, not now.
    /// </summary>
    private void RecordUsage(ForwardingRequest request, BulwarkRequestFeature feature, string? bodyUser)
    {
        var context = request.Context;
        if (request.Route.Api != RouteApi.Http && feature.ErrorType != DeferredErrorType)
        {
            var charge = request.Reservation is { LeaseId: { } lease, ChargedTokens: { } tokens, ChargedCost: { } cost } ? new UsageCharge(lease, tokens, Budgets.BudgetDefinition.FromNanos(cost)) : null;
            _ledger.Record(context, feature, _userHeader is not null && context.Request.Headers[_userHeader] is [{ Length: > 0 } named, ..] ? named : bodyUser, charge, request.Model?.Name);
        }
    }

    /// <summary>
    /// Refuses a request that passed the refusal middleware just before the drain began: it may not have been counted
    /// when the drain found nothing in flight, so it is refused rather than cut off.
    /// </summary>
    private static Task RefuseDrainingAsync(HttpContext context)
    {
        context.Response.Headers.Connection = "close";
        return GatewayProblem.ShuttingDown(RequestCorrelation.IdOf(context.Request)).WriteAsync(context, 0);
    }

    /// <summary>Names the request (correlation id, route) for the answer and the request log, and drops its hop-by-hop headers.</summary>
    private static (BulwarkRequestFeature Feature, string CorrelationId) Start(HttpContext context, GatewayRoute route)
    {
        string correlationId = RequestCorrelation.IdOf(context.Request);
        context.Response.Headers[GatewayConstants.CorrelationHeader] = correlationId;

        var feature = new BulwarkRequestFeature { CorrelationId = correlationId, Route = route.Path };
        context.Features.Set(feature);

        // Headers the client names in Connection are for this hop only: gone before anything is decided from them.
        AttemptTransformer.RemoveConnectionHeaders(context.Request.Headers.Connection, context.Request.Headers);
        return (feature, correlationId);
    }

    /// <summary>Holds the client's body for the attempts; <see langword="null"/> when the request ended here (a bad body answered, or the client gone).</summary>
    private async ValueTask<RequestBody?> ReadBodyAsync(HttpContext context, GatewayRoute route, BulwarkRequestFeature feature, string correlationId)
    {
        try
        {
            return await RequestBody.PrepareAsync(context, route.MaxBufferedBodyBytes, _bufferDirectory, route.MaxReplayableBodyBytes, _spoolQuota).ConfigureAwait(false);
        }
        catch (SpoolFullException e)
        {
            // Nothing was sent: the client may send it again once the spool has room.
            feature.ErrorType = GatewayProblem.SpoolFullType;
            Log.SpoolRefused(_logger, e.Message, correlationId);
            await GatewayProblem.SpoolFull(correlationId, e.Message, sent: false).WriteAsync(context, 0).ConfigureAwait(false);
            return null;
        }
        catch (BadHttpRequestException e)
        {
            // The client's body broke a limit or the protocol (413, 400, 408): its fault, told in its terms, and logged
            // as the client's mistake it is — without a stack trace.
            feature.ErrorType = "bad-request-body";
            Log.BadRequestBody(_logger, e.StatusCode, e.Message, correlationId);
            await GatewayProblem.BadRequestBody(e.StatusCode, correlationId).WriteAsync(context, 0).ConfigureAwait(false);
            return null;
        }
        catch (Exception e) when ((e is IOException or OperationCanceledException) && context.RequestAborted.IsCancellationRequested)
        {
            feature.ErrorType = "client-gone";
            return null;
        }
    }

    /// <summary>
    /// After which failures the request may be sent again: a body streamed once, only before any of it was sent; an
    /// idempotent request (by method, key, route or API endpoint), after any; any other write, only after a failure that
    /// proves no provider processed it.
    /// </summary>
    private static ReplayCondition ReplayOf(HttpRequest request, GatewayRoute route, RequestBody body)
    {
        if (body.Streamed)
        {
            return ReplayCondition.NotSent;
        }

        bool idempotent = route.Idempotent || IsIdempotent(request.Method)
            || !string.IsNullOrWhiteSpace(request.Headers[GatewayConstants.IdempotencyKeyHeader])
            || ReplayableEndpoints.Matches(request.Path.Value, route.ReplayableEndpoints);
        return idempotent ? ReplayCondition.Always : ReplayCondition.NotProcessed;
    }

    /// <summary>Runs the attempts along the route's chain until <paramref name="ends"/> (the route's deadline, or the client gone).</summary>
    /// <remarks>Not an async method: the chain's own task is awaited by the caller, one async frame less per request.</remarks>
    private ValueTask<FailoverResult<ForwardedResponse>> RunChainAsync(ForwardingRequest request, CancellationToken ends)
        => !request.Route.RewritesBodies
            ? request.Route.Chain.ExecuteOutcomeAsync(AttemptForwarder.SendAsync, (_attempts, request), request.Replay, ends)
            : request.Route.Chain.ExecuteOutcomeAsync(AttemptForwarder.SendAsync, (_attempts, request), request.Replay, static (index, state) => state.Item2.SkipReason(index), ends);

    /// <summary>Notes for the request log how the attempts went: each attempt, the provider that served, its breaker's state.</summary>
    private static void NoteAttempts(ForwardingRequest request, FailoverResult<ForwardedResponse> result, BulwarkRequestFeature feature)
    {
        feature.Attempts = result.Attempts;
        feature.Provider = result.Provider;
        var lastTried = result.Provider ?? (result.Attempts.Count > 0 ? result.Attempts[^1].Provider : null);
        if (lastTried is not null && request.Route.FindProvider(lastTried) is { } tried)
        {
            feature.BreakerState = tried.Pipeline.CircuitBreaker is { } breaker ? StateName(breaker.State) : null;
        }
    }

    /// <summary>
    /// On a route with an <c>Api</c> kind: the AI system, operation and requested model of the request, and the usage
    /// the serving provider reported with its cost at that provider's prices. A held-back JSON body is sent now, after
    /// the usage headers; a stream has passed already, and gets them as trailers where the client takes trailers.
    /// </summary>
    /// <returns>The end user the request body named (OpenAI's <c>user</c>), if any.</returns>
    private static async ValueTask<string?> NoteUsageAsync(ForwardingRequest request, FailoverResult<ForwardedResponse> result, BulwarkRequestFeature feature)
    {
        var context = request.Context;
        UsageReport.Start(feature, request.Route.Api, context.Request.Path.Value);
        feature.RequestModel = request.Model?.Name;
        string? user = request.BodyUser;

        // A translated answer reports the usage of the Anthropic stream it came from (an OpenAI stream carries none
        // unless the client asked for it).
        var translation = request.DropTranslation();
        if (request.Usage is not { } capture)
        {
            return user;
        }

        context.Response.Body = capture.Inner;
        request.Usage = null;
        using (capture)
        {
            if (result.Outcome.Result is not { } forwarded || result.Provider is not { } served || request.Route.FindProvider(served) is not { } provider)
            {
                // No answer: a held body was never sent, and is not now (the failure is answered instead).
                return user;
            }

            // A stream cut mid-way reports what it had said (Anthropic's input, say); the client gets nothing more.
            if (translation is not null)
            {
                feature.GenAiSystem = GenAiNames.SystemOf(RouteApi.Anthropic);
            }

            UsageReport.Complete(feature, translation?.Usage ?? capture.Complete(), provider.Prices);
            if (feature.Cost is { } cost && request.Route.Chain.Balance == FailoverBalance.Bandit)
            {
                // What this provider costs per request, for a Bandit route's cost term.
                request.Route.Chain.RecordCost(request.Route.IndexOf(provider), (double)cost);
            }
            if (forwarded.Broken)
            {
                return user;
            }

            if (capture.Holding && !context.Response.HasStarted)
            {
                UsageReport.WriteHeaders(context.Response.Headers, feature);
            }
            else if (context.Response.SupportsTrailers() && AcceptsTrailers(context.Request))
            {
                UsageReport.WriteTrailers(context.Response, feature);
            }

            try
            {
                await capture.SendHeldAsync(context.RequestAborted).ConfigureAwait(false);
            }
            catch (Exception e) when ((e is IOException or OperationCanceledException) && context.RequestAborted.IsCancellationRequested)
            {
                feature.ErrorType = "client-gone";
            }
        }

        return user;
    }

    private static bool AcceptsTrailers(HttpRequest request)
    {
        foreach (var value in request.Headers.TE)
        {
            if (value is not null && value.Contains("trailers", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Ends a request that was answered by a provider, or that can no longer be answered; <see langword="false"/> when a failure is to be answered.</summary>
    /// <remarks>A whole response to a GET on a route whose fallback serves the last good one is kept for it (<paramref name="lastGood"/>).</remarks>
    private bool Ended(ForwardingRequest request, FailoverResult<ForwardedResponse> result, BulwarkRequestFeature feature, LastGoodCapture? lastGood)
    {
        var (context, correlationId) = (request.Context, request.CorrelationId);
        if (result.Outcome.Result is { } forwarded)
        {
            if (forwarded.Broken)
            {
                feature.ErrorType = "stream-broken";
                // The body stream failed after the response started: the client must see a failure, never a clean end.
                Log.StreamBroken(_logger, result.Provider!, correlationId);
                context.Abort();
            }
            else if (lastGood is not null)
            {
                request.Route.Fallback?.Keep(context, lastGood);
            }

            return true;
        }

        if (context.RequestAborted.IsCancellationRequested)
        {
            feature.ErrorType = "client-gone";
            Log.ClientGone(_logger, correlationId);
            return true;
        }

        if (context.Response.HasStarted)
        {
            context.Abort();
            return true;
        }

        return false;
    }

    /// <summary>Answers a request no provider served: deferred when its route stores such requests and it can be, else a problem.</summary>
    private async Task AnswerFailureAsync(ForwardingRequest request, FailoverResult<ForwardedResponse> result, bool deadlineExpired, DeferralAdmission deferral, BulwarkRequestFeature feature)
    {
        var context = request.Context;
        if (result.Outcome.Exception is SpoolFullException full)
        {
            feature.ErrorType = GatewayProblem.SpoolFullType;
            Log.SpoolRefused(_logger, full.Message, request.CorrelationId);
            await GatewayProblem.SpoolFull(request.CorrelationId, full.Message, sent: request.Attempts > 0).WriteAsync(context, request.Attempts).ConfigureAwait(false);
            return;
        }

        var clientBody = result.Outcome.Exception as ClientBodyException;
        var failure = new ForwardingFailure(request.Route, request.CorrelationId, request.Replay == ReplayCondition.Always, result.Attempts, deadlineExpired, clientBody?.StatusCode, HintOf(result.Outcome.Exception), request.RetryAfterUntil, request.BodyStreamed);
        var problem = result.Outcome.Exception is ProviderAuth.ProviderAuthException auth
            ? GatewayProblem.ProviderAuthFailed(auth.Provider, auth.Reason, request.CorrelationId, failure.Replayable || !result.Attempts.Any(static a => a.MayHaveBeenProcessed), result.Attempts)
            : GatewayProblem.ForFailure(failure, _timeProvider);
        // A request a budget holds a reservation for is not deferred: a later delivery could not be refused by it.
        if (request.Route.Deferral is not null && clientBody is null && request.Reservation is null)
        {
            if (deferral.Key is { } key && _deferral.Enabled)
            {
                feature.ErrorType = DeferredErrorType;
                var body = new RequestBody(request.BodyBuffered, request.BodyStreamed);
                await _deferral.DeferAsync(context, request.Route, key, deferral.Fingerprint, request.CorrelationId, body, request.Attempts).ConfigureAwait(false);
                return;
            }

            problem = problem.WithNote(_deferral.Enabled
                ? " This route stores failed requests for later delivery when they carry an Idempotency-Key header: send one to have the request accepted and delivered later."
                : " This route would store the request for later delivery, but the gateway runs without its store.");
        }

        if (request.Route.AbortsMultipart && clientBody is null && Uploads.MultipartAbort.UploadIdOf(context.Request) is { } uploadId)
        {
            // A failed step of a multipart upload: the parts stored so far are deleted, not left billed.
            context.Response.Headers[GatewayConstants.MultipartAbortHeader] = await Uploads.MultipartAbort.RunAsync(
                context, request.Route, uploadId, result.Attempts, _invoker, _timeProvider, _logger, request.CorrelationId).ConfigureAwait(false);
        }

        if (request.Route.Fallback is { } fallback && clientBody is null
            && await fallback.TryAnswerAsync(context, problem.Status, feature, _logger).ConfigureAwait(false))
        {
            return;
        }

        feature.ErrorType = problem.Type;
        if (clientBody is not null)
        {
            Log.BadRequestBody(_logger, problem.Status, clientBody.InnerException?.Message ?? clientBody.Message, request.CorrelationId);
        }
        else
        {
            Log.RequestFailed(_logger, context.Request.Method, request.Route.Path, problem.Status, result.Attempts.Count, request.CorrelationId);
        }

        if (request.BodyStreamed)
        {
            // A failure is when the client most needs to know why the gateway did not retry.
            context.Response.Headers[GatewayConstants.RetryHeader] = StreamedBodyNotice;
        }

        await problem.WriteAsync(context, request.Attempts).ConfigureAwait(false);
    }

    /// <summary>The wait the last failure announced itself (a provider's Retry-After, a breaker's remaining break), if any.</summary>
    private static TimeSpan? HintOf(Exception? last) => last switch
    {
        IRetryAfterProvider { RetryAfter: { } hint } => hint,
        BrokenCircuitException { RetryAfter: { } hint } => hint,
        _ => null,
    };

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

        [LoggerMessage(EventId = EventIds.SpoolRefused, Level = LogLevel.Warning, Message = "A request body could not be spooled for retries, answered 507: {Reason}; correlation id {CorrelationId}")]
        public static partial void SpoolRefused(ILogger logger, string reason, string correlationId);

        [LoggerMessage(EventId = EventIds.ClientBodyRefused, Level = LogLevel.Debug, Message = "The client's request body was refused with {Status}: {Reason}; correlation id {CorrelationId}")]
        public static partial void BadRequestBody(ILogger logger, int status, string reason, string correlationId);
    }
}
