using System.Globalization;
using System.Text.Json;
using Bulwark.Failover;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Routing;
using Bulwark.Outcomes;

namespace Bulwark.Gateway.Problems;

/// <summary>
/// An RFC 9457 <c>application/problem+json</c> answer: a title and a detail a user understands, whether to retry and
/// when, the correlation id, and every attempt. Never a stack trace, never an upstream's internals.
/// </summary>
internal sealed record GatewayProblem
{
    private const string TypePrefix = "urn:bulwark:problem:";

    private GatewayProblem(int status, string type, string title, string detail, bool retryable, TimeSpan? retryAfter, string correlationId, IReadOnlyList<FailoverAttempt> attempts)
    {
        Status = status;
        Type = type;
        Title = title;
        Detail = detail;
        Retryable = retryable;
        RetryAfter = retryAfter;
        CorrelationId = correlationId;
        Attempts = attempts;
    }

    public int Status { get; }

    public string Type { get; }

    public string Title { get; }

    public string Detail { get; }

    public bool Retryable { get; }

    public TimeSpan? RetryAfter { get; }

    public string CorrelationId { get; }

    public IReadOnlyList<FailoverAttempt> Attempts { get; private init; }

    /// <summary>Gets the budget that refused the request, for a budget problem.</summary>
    public ProblemBudget? Budget { get; private init; }

    public static GatewayProblem NotFound(HttpContext context, string correlationId) => new(
        StatusCodes.Status404NotFound,
        "no-route",
        "No route",
        $"No route matches {context.Request.Method} {context.Request.Path}. The gateway forwards only the routes it is configured with.",
        retryable: false,
        retryAfter: null,
        correlationId,
        []);

    public static GatewayProblem BadRequestBody(int status, string correlationId) => new(
        status,
        "bad-request-body",
        status == StatusCodes.Status413PayloadTooLarge ? "Request body too large" : "Bad request body",
        status == StatusCodes.Status413PayloadTooLarge
            ? "The request body is larger than the gateway accepts."
            : "The request body could not be read (it was malformed, incomplete or too slow); nothing was sent to a provider.",
        retryable: false,
        retryAfter: null,
        correlationId,
        []);

    /// <summary>The problem type (and request log error type) of a body the spool had no room for.</summary>
    public const string SpoolFullType = "spool-full";

    /// <summary>
    /// 507 Insufficient Storage: the gateway's own storage, not a provider, failed the request — the spool that keeps a
    /// large body for retries is full (its cap or its disk). Not 503, which says a service is unavailable (and is what
    /// providers answer): 507 names the cause, so clients, logs and alerts do not take it for a provider outage. Nothing
    /// was acknowledged; the client may send the request again later.
    /// </summary>
    /// <param name="correlationId">The request's correlation id.</param>
    /// <param name="reason">What was full.</param>
    /// <param name="sent">Whether part of the body had gone to a provider before the spool filled up.</param>
    public static GatewayProblem SpoolFull(string correlationId, string reason, bool sent) => new(
        StatusCodes.Status507InsufficientStorage,
        SpoolFullType,
        "Gateway storage full",
        "The gateway could not keep the request body for retries: " + reason + "."
            + (sent
                ? " The attempt in progress was stopped before the body was complete, so the provider did not receive the whole request."
                : " Nothing was sent to a provider.")
            + " Nothing was acknowledged; send the request again later, or to another gateway instance.",
        retryable: true,
        retryAfter: null,
        correlationId,
        []);

    /// <summary>
    /// The gateway could not get the credential a provider needs (its token endpoint is down or refused the client), so
    /// the last attempt was not sent: said with the provider and the cause, never a secret.
    /// </summary>
    public static GatewayProblem ProviderAuthFailed(string provider, string reason, string correlationId, bool retryable, IReadOnlyList<FailoverAttempt> attempts) => new(
        StatusCodes.Status502BadGateway,
        "provider-auth-failed",
        "Provider authentication failed",
        $"The gateway could not authenticate to provider '{provider}': {reason} The request was not sent to it.",
        retryable,
        retryAfter: null,
        correlationId,
        attempts);

    public static GatewayProblem BadRequestFraming(string correlationId, string detail) => new(
        StatusCodes.Status400BadRequest,
        "bad-request-framing",
        "Bad request",
        detail,
        retryable: false,
        retryAfter: null,
        correlationId,
        []);

    public static GatewayProblem BadRequestTarget(string correlationId) => new(
        StatusCodes.Status400BadRequest,
        "bad-request-target",
        "Bad request target",
        "The request path has a '.' or '..' segment next to an encoded separator (%2F, %5C) or a backslash, which a provider could resolve to a path outside the route; it was refused and nothing was sent to a provider.",
        retryable: false,
        retryAfter: null,
        correlationId,
        []);

    public static GatewayProblem DeferralBodyTooLarge(string correlationId, long limit) => new(
        StatusCodes.Status413PayloadTooLarge,
        "bad-request-body",
        "Request body too large",
        $"This route stores requests it cannot deliver at once, so it accepts bodies of at most {limit.ToString(CultureInfo.InvariantCulture)} bytes; nothing was sent to a provider.",
        retryable: false,
        retryAfter: null,
        correlationId,
        []);

    public static GatewayProblem DeferralUnavailable(string correlationId) => new(
        StatusCodes.Status503ServiceUnavailable,
        "deferral-unavailable",
        "Not accepted",
        "Every provider failed and the gateway could not store the request for later delivery (its store is full, read-only or unavailable), so the request was NOT accepted. Retry it with the same Idempotency-Key.",
        retryable: true,
        TimeSpan.FromSeconds(5),
        correlationId,
        []);

    public static GatewayProblem DeliveryGivenUp(string correlationId, string deliveryId) => new(
        StatusCodes.Status502BadGateway,
        "delivery-given-up",
        "Delivery given up",
        $"A request with this Idempotency-Key was accepted earlier as delivery {deliveryId}, and its delivery was given up (attempts or time to live exhausted). An operator can replay it; sending it again with the same key does not deliver it twice.",
        retryable: false,
        retryAfter: null,
        correlationId,
        []);

    public static GatewayProblem IdempotencyKeyReused(string correlationId) => new(
        StatusCodes.Status422UnprocessableEntity,
        "idempotency-key-reused",
        "Idempotency-Key reused",
        "This Idempotency-Key was already used for a different request (another method, path or body) on this route. Use a new key for a new request; nothing was sent.",
        retryable: false,
        retryAfter: null,
        correlationId,
        []);

    public static GatewayProblem BadIdempotencyKey(string correlationId, string header) => new(
        StatusCodes.Status400BadRequest,
        "bad-idempotency-key",
        "Bad key",
        $"The {header} header is longer than {DeferralConstants.MaxKeyLength} characters; nothing was sent.",
        retryable: false,
        retryAfter: null,
        correlationId,
        []);

    public static GatewayProblem DeliveryNotFound(string correlationId) => new(
        StatusCodes.Status404NotFound,
        "delivery-not-found",
        "No such delivery",
        "No deferred delivery has this id. Ids are the 32 hexadecimal characters from the Location header of the 202 answer.",
        retryable: false,
        retryAfter: null,
        correlationId,
        []);

    public static GatewayProblem AdminBadRequest(string correlationId, string detail) => new(
        StatusCodes.Status400BadRequest,
        "bad-request",
        "Bad request",
        detail,
        retryable: false,
        retryAfter: null,
        correlationId,
        []);

    /// <summary>A request on a route that identifies its clients, without an acceptable identity; nothing was sent to a provider.</summary>
    public static GatewayProblem Unauthorized(string correlationId, string detail) => new(
        StatusCodes.Status401Unauthorized,
        "unauthorized",
        "Unauthorized",
        detail,
        retryable: false,
        retryAfter: null,
        correlationId,
        []);

    /// <summary>An admin request naming a client key that does not exist.</summary>
    public static GatewayProblem ClientKeyNotFound(string correlationId) => new(
        StatusCodes.Status404NotFound,
        "client-key-not-found",
        "No such client key",
        "No client key has this id. GET /admin/keys lists them.",
        retryable: false,
        retryAfter: null,
        correlationId,
        []);

    /// <summary>An admin query that needs the store, which the gateway runs without or cannot read now.</summary>
    public static GatewayProblem StoreUnavailable(string correlationId, string detail) => new(
        StatusCodes.Status503ServiceUnavailable,
        "store-unavailable",
        "Store unavailable",
        detail,
        retryable: false,
        retryAfter: null,
        correlationId,
        []);

    /// <summary>An admin request naming an alert that does not exist (or was forgotten after <c>ResolvedRetention</c>).</summary>
    public static GatewayProblem AlertNotFound(string correlationId) => new(
        StatusCodes.Status404NotFound,
        "alert-not-found",
        "No such alert",
        "No alert has this id. GET /admin/alerts lists them; resolved alerts are kept for Bulwark:Alerts:ResolvedRetention.",
        retryable: false,
        retryAfter: null,
        correlationId,
        []);

    /// <summary>An admin request naming a silence that does not exist.</summary>
    public static GatewayProblem SilenceNotFound(string correlationId) => new(
        StatusCodes.Status404NotFound,
        "silence-not-found",
        "No such silence",
        "No silence has this id. GET /admin/silences lists them.",
        retryable: false,
        retryAfter: null,
        correlationId,
        []);

    /// <summary>The same problem with a sentence added to its detail.</summary>
    public GatewayProblem WithNote(string note) =>
        new(Status, Type, Title, Detail + note, Retryable, RetryAfter, CorrelationId, Attempts);

    public static GatewayProblem TooManyRequests(string correlationId, TimeSpan retryAfter) => new(
        StatusCodes.Status429TooManyRequests,
        "rate-limited",
        "Too many requests",
        "This client has reached its limit of requests on this route (per minute, or at once); nothing was sent to a provider. Retry after the indicated delay.",
        retryable: true,
        retryAfter,
        correlationId,
        []);

    /// <summary>A strict budget refused the request: 429 (403 when no retry can fit), which budget, what is left, when it resets.</summary>
    public static GatewayProblem BudgetExceeded(string correlationId, ProblemBudget budget, TimeSpan? retryAfter) => new(
        budget.Type == "budget-unknown-model" ? StatusCodes.Status400BadRequest : retryAfter is null ? StatusCodes.Status403Forbidden : StatusCodes.Status429TooManyRequests,
        budget.Type,
        budget.Type == "budget-exceeded" ? "Budget exceeded" : "Request cost unbounded",
        budget.Detail,
        retryable: retryAfter is not null,
        retryAfter,
        correlationId,
        [])
    {
        Budget = budget,
    };

    /// <summary>A caller sent more error reports than <c>Bulwark:Errors:IntakeRequestsPerMinute</c> allows.</summary>
    public static GatewayProblem ErrorReportsLimited(string correlationId, TimeSpan retryAfter, int perMinute) => new(
        StatusCodes.Status429TooManyRequests,
        "rate-limited",
        "Too many error reports",
        $"This caller has sent its {perMinute.ToString(CultureInfo.InvariantCulture)} error reports for this minute; the report was not recorded. Retry after the indicated delay.",
        retryable: true,
        retryAfter,
        correlationId,
        []);

    /// <summary>A strict budget counts the request, but its body could not be read to bound its cost: 413 when too large, else 400.</summary>
    public static GatewayProblem BudgetUnbounded(string correlationId, bool tooLarge) => new(
        tooLarge ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status400BadRequest,
        "budget-unbounded",
        "Request cost unbounded",
        tooLarge
            ? "A budget counts this request, but its body is larger than the gateway reads (1 MiB) to bound its cost. Nothing was sent to a provider."
            : "A budget counts this request, but its body is not a JSON object, so its cost has no bound. Nothing was sent to a provider.",
        retryable: false,
        retryAfter: null,
        correlationId,
        []);

    /// <summary>A budgeted request's output cap or answer count is not a whole number in range.</summary>
    public static GatewayProblem BudgetBadLimit(string correlationId, string field) => new(
        StatusCodes.Status400BadRequest,
        "budget-bad-limit",
        "Request cost unbounded",
        $"'{field}' must be a whole number (output caps 1 to 1,000,000; n and best_of 1 to 128) on a request a budget counts, or its cost has no bound. Nothing was sent to a provider.",
        retryable: false,
        retryAfter: null,
        correlationId,
        []);

    public static GatewayProblem BudgetNotFound(string correlationId, string name) => new(
        StatusCodes.Status404NotFound,
        "budget-not-found",
        "No such budget",
        $"No budget named '{name}' was made through the admin API.",
        retryable: false,
        retryAfter: null,
        correlationId,
        []);

    public static GatewayProblem MethodNotAllowed(HttpContext context, string correlationId) => new(
        StatusCodes.Status405MethodNotAllowed,
        "method-not-allowed",
        "Method not allowed",
        $"The gateway does not forward {context.Request.Method} requests.",
        retryable: false,
        retryAfter: null,
        correlationId,
        []);

    public static GatewayProblem ShuttingDown(string correlationId) => new(
        StatusCodes.Status503ServiceUnavailable,
        "shutting-down",
        "Shutting down",
        "This gateway instance is shutting down and takes no new requests; nothing was sent to a provider. Retry, and another instance will answer.",
        retryable: true,
        TimeSpan.FromSeconds(1),
        correlationId,
        []);

    public static GatewayProblem Internal(HttpContext context) => new(
        StatusCodes.Status500InternalServerError,
        "internal",
        "Internal error",
        "The gateway failed to handle the request. The error was logged; retry later.",
        retryable: true,
        retryAfter: null,
        context.Features.Get<Bulwark.AspNetCore.Requests.BulwarkRequestFeature>()?.CorrelationId ?? Guid.NewGuid().ToString("N"),
        []);

    public static GatewayProblem ForFailure(ForwardingFailure failure, TimeProvider timeProvider)
    {
        var attempts = failure.Attempts;
        if (failure.ClientBodyStatus is { } bodyStatus)
        {
            return BadRequestBody(bodyStatus, failure.CorrelationId) with { Attempts = attempts };
        }

        if (attempts.Count > 0 && attempts.All(static a => a.SkipReason is not null))
        {
            // Every provider was passed over for what the request asks (a model none of them maps): no wait will change that.
            return new(
                StatusCodes.Status400BadRequest,
                "not-served",
                "Not served",
                "No provider of this route serves this request; each attempt says why (such as a model it has no mapping for). Nothing was sent.",
                retryable: false,
                null,
                failure.CorrelationId,
                attempts);
        }

        bool noneSent = attempts.All(static a => a.Outcome.IsRejection());
        FailoverAttempt? last = LastTried(attempts);
        // A provider's refusal (429; a listed status with Retry-After) proves it did not process the request: the client may
        // send it again, whatever its method.
        bool mayHaveBeenProcessed = !noneSent && last is { MayHaveBeenProcessed: true };
        bool retryable = failure.Replayable || !mayHaveBeenProcessed;
        string unsafeNote = !failure.Replayable && mayHaveBeenProcessed
            ? failure.BodyStreamed
                ? " The request body was too large for the gateway to keep (over MaxBufferedBodyBytes), so it was sent once and could not be sent again, with or without an Idempotency-Key; the request may have been processed."
                : " The request may have been processed, so it was not repeated; send it with an Idempotency-Key header to let the gateway retry it safely."
            : string.Empty;

        if (failure.DeadlineExpired)
        {
            return new(
                StatusCodes.Status504GatewayTimeout,
                "timeout",
                "Gateway timeout",
                $"No provider answered within the route's timeout of {failure.Route.Timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s." + unsafeNote,
                retryable,
                null,
                failure.CorrelationId,
                attempts);
        }

        if (noneSent)
        {
            return new(
                StatusCodes.Status503ServiceUnavailable,
                "providers-unavailable",
                "Providers unavailable",
                "Every provider of this route is refusing calls for now (its circuit breaker is open or it is at capacity), so the request was not sent. Retry after the indicated delay.",
                retryable: true,
                EarliestRecovery(failure.Route, timeProvider),
                failure.CorrelationId,
                attempts);
        }

        if (last is { Outcome: AttemptOutcome.Timeout })
        {
            return new(
                StatusCodes.Status504GatewayTimeout,
                "timeout",
                "Gateway timeout",
                "The providers did not answer in time." + unsafeNote,
                retryable,
                null,
                failure.CorrelationId,
                attempts);
        }

        int sent = attempts.Count(static a => !a.Outcome.IsRejection());
        return new(
            StatusCodes.Status502BadGateway,
            "providers-failed",
            "Providers failed",
            $"The request failed at every provider of this route ({sent} attempt{(sent == 1 ? string.Empty : "s")}); see attempts." + unsafeNote,
            retryable,
            retryable ? EarliestRetry(failure, timeProvider) : failure.LastHint,
            failure.CorrelationId,
            attempts);
    }

    /// <summary>The last attempt that ran (a skipped provider made none): the one whose outcome the request failed with.</summary>
    private static FailoverAttempt? LastTried(IReadOnlyList<FailoverAttempt> attempts)
    {
        for (int i = attempts.Count - 1; i >= 0; i--)
        {
            if (attempts[i].Outcome != AttemptOutcome.Skipped)
            {
                return attempts[i];
            }
        }

        return null;
    }

    /// <summary>
    /// When a retry of a failed request can first succeed, if anything says: per provider, the later of its breaker's
    /// remaining break and the Retry-After it answered during this request; over the route, the earliest provider. A
    /// provider that said nothing (its breaker closed, no Retry-After) may serve a retry at once, so no route-wide time is
    /// known then: only the last outcome's own hint is given, if it has one.
    /// </summary>
    private static TimeSpan? EarliestRetry(ForwardingFailure failure, TimeProvider timeProvider)
    {
        var now = timeProvider.GetUtcNow();
        var providers = failure.Route.Providers;
        TimeSpan? earliest = null;
        for (int i = 0; i < providers.Count; i++)
        {
            TimeSpan? wait = null;
            if (providers[i].Pipeline.CircuitBreaker?.GetHealth().OpenUntil is { } open && open > now)
            {
                wait = open - now;
            }

            if (failure.RetryAfterUntil?[i] is { } asked && asked > now && (wait is null || asked - now > wait))
            {
                wait = asked - now;
            }

            if (wait is not { } w)
            {
                return failure.LastHint;
            }

            if (earliest is null || w < earliest)
            {
                earliest = w;
            }
        }

        return earliest ?? failure.LastHint;
    }

    public async Task WriteAsync(HttpContext context, int attemptsSent)
    {
        var response = context.Response;
        response.StatusCode = Status;
        response.ContentType = "application/problem+json";
        response.Headers[GatewayConstants.CorrelationHeader] = CorrelationId;
        response.Headers[GatewayConstants.AttemptsHeader] = attemptsSent.ToString(CultureInfo.InvariantCulture);
        response.Headers.CacheControl = "no-store";
        if (RetryAfter is { } retryAfter)
        {
            response.Headers.RetryAfter = RetryAfterSeconds(retryAfter, Budget is not null).ToString(CultureInfo.InvariantCulture);
        }

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("type", TypePrefix + Type);
            json.WriteString("title", Title);
            json.WriteNumber("status", Status);
            json.WriteString("detail", Detail);
            json.WriteBoolean("retryable", Retryable);
            if (RetryAfter is { } hint)
            {
                json.WriteNumber("retryAfterSeconds", RetryAfterSeconds(hint, Budget is not null));
            }
            else
            {
                json.WriteNull("retryAfterSeconds");
            }

            json.WriteString("correlationId", CorrelationId);
            if (Budget is { } budget)
            {
                budget.Write(json);
            }

            json.WriteStartArray("attempts");
            foreach (var attempt in Attempts)
            {
                json.WriteStartObject();
                json.WriteString("provider", attempt.Provider);
                json.WriteNumber("attempt", attempt.AttemptNumber);
                json.WriteString("outcome", Describe(attempt));
                if (attempt.StatusCode is { } status)
                {
                    json.WriteNumber("status", status);
                }

                json.WriteNumber("durationMs", Math.Round(attempt.Duration.TotalMilliseconds, 1));
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        response.ContentLength = buffer.Length;
        await response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), context.RequestAborted).ConfigureAwait(false);
    }

    // Clamped: a provider's far-future HTTP-date must not overflow into a negative header.
    // A budget's reset may be a rolling window (up to 90 days) away; anything else, at most a day.
    private static int RetryAfterSeconds(TimeSpan delay, bool budget = false) =>
        (int)Math.Clamp(Math.Ceiling(delay.TotalSeconds), 1, TimeSpan.FromDays(budget ? 91 : 1).TotalSeconds);

    /// <summary>A short, safe description: what happened, never an exception message from upstream.</summary>
    internal static string Describe(FailoverAttempt attempt) => attempt.Outcome switch
    {
        AttemptOutcome.Success => "success",
        AttemptOutcome.Skipped when attempt.SkipReason is { } reason => "skipped: " + reason,
        AttemptOutcome.Skipped => "skipped: circuit open",
        AttemptOutcome.Cancelled => "cancelled",
        AttemptOutcome.BulkheadFull => "rejected: at capacity",
        AttemptOutcome.Isolated => "rejected: isolated",
        AttemptOutcome.CircuitOpen or AttemptOutcome.RateLimited or AttemptOutcome.Rejected => "rejected: circuit open",
        AttemptOutcome.Timeout => "timeout",
        AttemptOutcome.TransientStatus => "failed: transient status",
        AttemptOutcome.ConnectionFailed => "failed: connection error",
        _ => "failed",
    };

    private static TimeSpan? EarliestRecovery(GatewayRoute route, TimeProvider timeProvider)
    {
        var now = timeProvider.GetUtcNow();
        TimeSpan? earliest = null;
        foreach (var provider in route.Providers)
        {
            var until = provider.Pipeline.CircuitBreaker?.GetHealth().OpenUntil;
            var wait = until is { } u && u > now ? u - now : TimeSpan.FromSeconds(1);
            earliest = earliest is { } e && e < wait ? e : wait;
        }

        return earliest ?? TimeSpan.FromSeconds(1);
    }
}
