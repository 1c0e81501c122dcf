using System.Security.Cryptography;
using System.Text.Json;
using System.Text;
using Bulwark.AspNetCore.Requests;
using Bulwark.Deliveries;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Problems;
using Bulwark.Gateway.Requests;
using Bulwark.Gateway.Routing;
using Bulwark.Gateway.Storage;
using Bulwark.Storage;

namespace Bulwark.Gateway.Deferral;

/// <summary>
/// The request side of deferred delivery: answers a repeated idempotency key from the store, and stores a replayable
/// request that every provider failed, answering <c>202 Accepted</c> only once it is durable.
/// </summary>
internal sealed partial class GatewayDeferral
{
    private readonly IDeferredDeliveryQueue? _queue;
    private readonly GatewayStore _store;
    private readonly ILogger<GatewayDeferral> _logger;

    public GatewayDeferral(GatewayStore store, IServiceProvider services, ILogger<GatewayDeferral> logger)
    {
        _store = store;
        _queue = services.GetService<IDeferredDeliveryQueue>();
        _logger = logger;
    }

    /// <summary>Gets a value indicating whether requests can be deferred (a store is there).</summary>
    public bool Enabled => _queue is not null && _store.IsAvailable;

    /// <summary>The key a deferral would be stored under: the client's <c>Idempotency-Key</c>, else a fresh one on an idempotent route, else none.</summary>
    public static (string? Key, bool FromClient) KeyOf(HttpRequest request, GatewayRoute route)
    {
        string? given = request.Headers[GatewayConstants.IdempotencyKeyHeader];
        if (!string.IsNullOrWhiteSpace(given))
        {
            return (given.Trim(), true);
        }

        return route.Idempotent ? (DeliveryIds.Create(), false) : (null, false);
    }

    /// <summary>The path and query as sent on delivery: encoded as on the wire, so a decoded <c>%3F</c> or <c>%23</c> cannot become a query or a fragment.</summary>
    public static string TargetOf(HttpRequest request) =>
        RawTarget.PathAndQuery(request.HttpContext) ?? request.Path.ToUriComponent() + request.QueryString.ToUriComponent();

    /// <summary>A digest of the method, target and buffered body: a key sent again with another fingerprint is a reuse of the key for another request.</summary>
    public static async Task<string> FingerprintAsync(HttpRequest request, bool bodyBuffered, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes($"{request.Method}\n{TargetOf(request)}\n"));
        if (bodyBuffered)
        {
            request.Body.Position = 0;
            var buffer = new byte[16 * 1024];
            int read;
            while ((read = await request.Body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                hash.AppendData(buffer, 0, read);
            }

            request.Body.Position = 0;
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>
    /// Admits a request on a deferring route before any provider sees it: a body the route could not store and an
    /// over-long key are refused, and a key the route already accepted is answered with what is known of it.
    /// </summary>
    public async Task<DeferralAdmission> AdmitAsync(HttpContext context, GatewayRoute route, RequestBody body, BulwarkRequestFeature feature, string correlationId)
    {
        if (route.Deferral is not { } deferral)
        {
            return DeferralAdmission.None;
        }

        // A deferred request is stored whole: a body the route could not store is refused before any provider sees it.
        if (body.Streamed || body.Spool is not null || (body.Buffered && context.Request.Body.Length > deferral.MaxBodyBytes))
        {
            feature.ErrorType = "bad-request-body";
            await GatewayProblem.DeferralBodyTooLarge(correlationId, deferral.MaxBodyBytes).WriteAsync(context, 0).ConfigureAwait(false);
            return DeferralAdmission.AnsweredHere;
        }

        var (key, fromClient) = KeyOf(context.Request, route);
        string? tooLong = key?.Length > DeferralConstants.MaxKeyLength ? GatewayConstants.IdempotencyKeyHeader
            : deferral.OrderingHeader is { } ordering && context.Request.Headers[ordering].ToString().Length > DeferralConstants.MaxKeyLength ? ordering
            : null;
        if (tooLong is not null)
        {
            feature.ErrorType = "bad-idempotency-key";
            await GatewayProblem.BadIdempotencyKey(correlationId, tooLong).WriteAsync(context, 0).ConfigureAwait(false);
            return DeferralAdmission.AnsweredHere;
        }

        string fingerprint = await FingerprintAsync(context.Request, body.Buffered, context.RequestAborted).ConfigureAwait(false);
        if (fromClient && await TryAnswerRepeatAsync(context, route, key!, fingerprint, correlationId).ConfigureAwait(false))
        {
            // Accepted before: one entry, one delivery, whatever the client resends.
            return DeferralAdmission.AnsweredHere;
        }

        return new(false, key, fingerprint);
    }

    /// <summary>When the route already accepted this key, answers with what is known of it (202, or the stored response) and returns <see langword="true"/>.</summary>
    public async Task<bool> TryAnswerRepeatAsync(HttpContext context, GatewayRoute route, string key, string fingerprint, string correlationId)
    {
        if (!Enabled)
        {
            return false;
        }

        DeliveryEntry? entry;
        try
        {
            entry = await _queue!.FindAsync(route.Path, key, context.RequestAborted).ConfigureAwait(false);
        }
        catch (StoreUnavailableException e)
        {
            // Forward anyway: the provider still gets the key and can drop a duplicate itself.
            Log.LookupFailed(_logger, correlationId, e.Message);
            return false;
        }

        if (entry is null)
        {
            return false;
        }

        await WriteRepeatAsync(context, entry, fingerprint, correlationId).ConfigureAwait(false);
        return true;
    }

    /// <summary>Stores the failed request (its run along the chain counts as the first delivery attempt) and answers 202; or, when the store cannot take it, 503 — never an acknowledgement of a write that is not durable.</summary>
    /// <param name="context">The request's context.</param>
    /// <param name="route">Its route, which defers.</param>
    /// <param name="key">The key it is stored under.</param>
    /// <param name="fingerprint">The digest of its method, target and body.</param>
    /// <param name="correlationId">Its correlation id.</param>
    /// <param name="body">How its body was held (a buffered one is stored).</param>
    /// <param name="attemptsSent">The attempts already sent, told in the answer.</param>
    public async Task DeferAsync(HttpContext context, GatewayRoute route, string key, string fingerprint, string correlationId, RequestBody body, int attemptsSent)
    {
        var deferral = route.Deferral!;
        var httpRequest = context.Request;
        ReadOnlyMemory<byte> stored = ReadOnlyMemory<byte>.Empty;
        if (body.Buffered)
        {
            httpRequest.Body.Position = 0;
            var copy = new MemoryStream();
            await httpRequest.Body.CopyToAsync(copy, context.RequestAborted).ConfigureAwait(false);
            stored = copy.GetBuffer().AsMemory(0, (int)copy.Length);
        }

        var headers = new List<KeyValuePair<string, string>> { new(GatewayConstants.CorrelationHeader, correlationId) };
        foreach (var name in DeferralConstants.DefaultReplayHeaders.Concat(deferral.ReplayHeaders).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            if (httpRequest.Headers.TryGetValue(name, out var values))
            {
                headers.AddRange(values.Where(v => v is not null).Select(v => new KeyValuePair<string, string>(name, v!)));
            }
        }

        string target = TargetOf(httpRequest);
        string? orderingKey = deferral.OrderingHeader is { } header && httpRequest.Headers[header] is { Count: > 0 } ordering ? ordering.ToString() : null;
        var envelope = new DeliveryEnvelope(httpRequest.Method, target, headers, httpRequest.ContentType, stored);
        DeliveryTicket ticket;
        try
        {
            ticket = await _queue!.EnqueueAsync(
                route.Path,
                key,
                envelope,
                new DeliveryEnqueueOptions { MaxAttempts = deferral.MaxAttempts, TimeToLive = deferral.TimeToLive, OrderingKey = orderingKey, Fingerprint = fingerprint, AttemptsMade = 1 },
                CancellationToken.None).ConfigureAwait(false);
        }
        catch (StoreUnavailableException e)
        {
            Log.StoreRefused(_logger, route.Path, correlationId, e.Message);
            await GatewayProblem.DeferralUnavailable(correlationId).WriteAsync(context, attemptsSent).ConfigureAwait(false);
            return;
        }

        if (!ticket.Created)
        {
            // Another request with the same key was deferred (or delivered) meanwhile: one entry, one delivery.
            await WriteRepeatAsync(context, ticket.Entry, fingerprint, correlationId).ConfigureAwait(false);
            return;
        }

        Log.Deferred(_logger, ticket.Id, route.Path, correlationId);
        await WriteAcceptedAsync(context, ticket.Entry, correlationId).ConfigureAwait(false);
    }

    /// <summary>The body a client reads at <c>/bulwark/deliveries/{id}</c> (and with a 202): state, attempts, times, the provider's status once delivered.</summary>
    public static void WriteStatus(Utf8JsonWriter json, DeliveryEntry entry, bool forOperator)
    {
        json.WriteStartObject();
        json.WriteString("id", entry.Id);
        json.WriteString("state", DeliveryStateNames.Of(entry.State));
        json.WriteString("route", entry.Queue);
        json.WriteString("idempotencyKey", entry.IdempotencyKey);
        json.WriteString("location", DeferralConstants.StatusPathPrefix + entry.Id);
        json.WriteNumber("attempts", entry.Attempts);
        json.WriteNumber("maxAttempts", entry.MaxAttempts);
        json.WriteString("acceptedAt", entry.CreatedAt);
        json.WriteString("expiresAt", entry.ExpiresAt);
        if (entry.State == DeliveryState.Pending)
        {
            json.WriteString("nextAttemptAt", entry.NextAttemptAt);
        }

        if (entry.CompletedAt is { } completed)
        {
            json.WriteString("completedAt", completed);
        }

        if (entry.Response is { } response)
        {
            json.WriteNumber("upstreamStatus", response.Status);
        }

        if (forOperator)
        {
            json.WriteString("method", entry.Envelope.Method);
            // The path only: a query string may carry a client's token.
            string target = entry.Envelope.Target ?? string.Empty;
            json.WriteString("target", target.IndexOf('?', StringComparison.Ordinal) is var q and >= 0 ? target[..q] + "?…" : target);
            json.WriteNumber("bodyBytes", entry.Envelope.Body.Length);
            if (entry.LeaseOwner is { } owner)
            {
                json.WriteString("leaseOwner", owner);
                json.WriteString("leaseExpiresAt", entry.LeaseExpiresAt!.Value);
            }

            if (entry.LastError is { } error)
            {
                json.WriteString("lastError", error);
            }
        }
        else if (entry.State == DeliveryState.Dead)
        {
            json.WriteString("detail", "Delivery was given up; an operator can replay it.");
        }

        json.WriteEndObject();
    }

    private static async Task WriteRepeatAsync(HttpContext context, DeliveryEntry entry, string fingerprint, string correlationId)
    {
        var response = context.Response;
        if (entry.Fingerprint is { } stored && !string.Equals(stored, fingerprint, StringComparison.Ordinal))
        {
            // Another request under a key already taken: neither accepted again nor answered with the other's outcome.
            await GatewayProblem.IdempotencyKeyReused(correlationId).WriteAsync(context, 0).ConfigureAwait(false);
            return;
        }

        response.Headers[DeferralConstants.DeliveryIdHeader] = entry.Id;
        response.Headers[DeferralConstants.ReplayedHeader] = "true";
        switch (entry.State)
        {
            case DeliveryState.Delivered or DeliveryState.Dead when entry.Response is { } outcome:
                // The stored outcome: what the provider answered to the one delivery.
                response.StatusCode = outcome.Status;
                response.Headers[GatewayConstants.CorrelationHeader] = correlationId;
                if (outcome.Status is < 200 or 204 or 304)
                {
                    return;
                }

                if (outcome.BodyTruncated)
                {
                    // Only the start of a long body was kept: better none than a truncated one that looks whole.
                    response.Headers[DeferralConstants.BodyHeader] = "not-kept";
                    response.ContentLength = 0;
                    return;
                }

                if (outcome.ContentType is { } type)
                {
                    response.ContentType = type;
                }

                response.ContentLength = outcome.Body.Length;
                await response.Body.WriteAsync(outcome.Body, context.RequestAborted).ConfigureAwait(false);
                return;
            case DeliveryState.Dead:
                await GatewayProblem.DeliveryGivenUp(correlationId, entry.Id).WriteAsync(context, 0).ConfigureAwait(false);
                return;
            default:
                await WriteAcceptedAsync(context, entry, correlationId).ConfigureAwait(false);
                return;
        }
    }

    private static async Task WriteAcceptedAsync(HttpContext context, DeliveryEntry entry, string correlationId)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status202Accepted;
        response.ContentType = "application/json";
        response.Headers.Location = DeferralConstants.StatusPathPrefix + entry.Id;
        response.Headers[GatewayConstants.IdempotencyKeyHeader] = entry.IdempotencyKey;
        response.Headers[DeferralConstants.DeliveryIdHeader] = entry.Id;
        response.Headers[GatewayConstants.CorrelationHeader] = correlationId;
        response.Headers.CacheControl = "no-store";
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            WriteStatus(json, entry, forOperator: false);
        }

        response.ContentLength = buffer.Length;
        await response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), context.RequestAborted).ConfigureAwait(false);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.RequestDeferred, Level = LogLevel.Warning, Message = "Every provider of {Route} failed; the request was stored as delivery {DeliveryId} for later delivery; correlation id {CorrelationId}")]
        public static partial void Deferred(ILogger logger, string deliveryId, string route, string correlationId);

        [LoggerMessage(EventId = EventIds.DeferralRefused, Level = LogLevel.Error, Message = "Every provider of {Route} failed and the store refused the deferral, so the request was NOT accepted (503); correlation id {CorrelationId}: {Reason}")]
        public static partial void StoreRefused(ILogger logger, string route, string correlationId, string reason);

        [LoggerMessage(EventId = EventIds.IdempotencyLookupFailed, Level = LogLevel.Warning, Message = "Looking up an idempotency key failed; the request is forwarded; correlation id {CorrelationId}: {Reason}")]
        public static partial void LookupFailed(ILogger logger, string correlationId, string reason);
    }
}
