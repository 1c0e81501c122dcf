using System.Net.Http.Headers;
using Bulwark.Classification;
using Bulwark.Deliveries;
using Bulwark.Failover;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Requests;
using Bulwark.Gateway.Routing;
using Bulwark.Outcomes;
using Microsoft.Extensions.Options;
using Polly;

namespace Bulwark.Gateway.Forwarding;

/// <summary>
/// Delivers the gateway's deferred requests: each attempt runs the stored request along its route's provider chain, with
/// each provider's pipeline (retries, breaker, timeouts), the provider's credentials added from configuration, and the
/// same <c>Idempotency-Key</c> every time.
/// </summary>
internal sealed class GatewayDeliveryHandler : IDeliveryHandler
{
    private readonly LiveGatewayConfiguration _live;
    private readonly HttpMessageInvoker _invoker;
    private readonly TimeProvider _timeProvider;
    private readonly int _maxKeptResponseBytes;

    private readonly Ledger.UsageLedger _ledger;

    public GatewayDeliveryHandler(LiveGatewayConfiguration live, GatewayHttpClient client, TimeProvider timeProvider, IOptions<GatewayOptions> options, Ledger.UsageLedger ledger)
    {
        _ledger = ledger;
        _live = live;
        _invoker = client.Invoker;
        _timeProvider = timeProvider;
        _maxKeptResponseBytes = options.Value.Deliveries.MaxKeptResponseBytes;
    }

    public async ValueTask<DeliveryAttemptResult> DeliverAsync(DeliveryEntry entry, CancellationToken cancellationToken)
    {
        // The routes in force now: a reload may have changed the route's providers since the request was stored.
        var route = _live.Table.Routes.FirstOrDefault(r => string.Equals(r.Path, entry.Queue, StringComparison.Ordinal));
        if (route is null)
        {
            return DeliveryAttemptResult.Failed($"The route '{entry.Queue}' is no longer configured.");
        }

        var capture = new Capture();
        using var deadline = new CancellationTokenSource(route.Timeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var result = await route.Chain.ExecuteOutcomeAsync(AttemptAsync, (Handler: this, Route: route, Entry: entry, Capture: capture), ReplayCondition.Always, linked.Token).ConfigureAwait(false);
        if (result.Outcome.Result is { } answered && capture.Response is { } response)
        {
            if (route.Api != RouteApi.Http)
            {
                RecordUsage(route, result.Provider, entry, response);
            }

            return answered.StatusCode is >= 200 and < 300
                ? DeliveryAttemptResult.Delivered(response)
                : DeliveryAttemptResult.Refused(response, $"{result.Provider} refused the request with {answered.StatusCode}.");
        }

        cancellationToken.ThrowIfCancellationRequested();
        return DeliveryAttemptResult.Failed(Describe(result), result.Outcome.Exception is IRetryAfterProvider { RetryAfter: { } hint } ? hint : null);
    }

    /// <summary>
    /// The usage ledger's row of a deferred request on an AI route, from the response its delivery kept (a JSON body or an
    /// event stream, read as a request's is) at the serving provider's prices.
    /// </summary>
    private void RecordUsage(GatewayRoute route, string? served, DeliveryEntry entry, DeliveryResponse response)
    {
        var provider = served is null ? null : route.FindProvider(served);
        var format = response.ContentType is { } type && System.Net.Http.Headers.MediaTypeHeaderValue.TryParse(type, out var media)
            ? Usage.UsageReport.FormatOf(media.MediaType)
            : Usage.UsageFormat.None;
        var usage = default(Usage.TokenUsage);
        if (format != Usage.UsageFormat.None)
        {
            using var reader = new Usage.UsageCapture(Stream.Null, format, UsageConstants.MaxParsedBytes);
            reader.Write(response.Body.Span);
            usage = reader.Complete();
        }

        var fields = entry.Envelope.Body.Length <= UsageConstants.MaxParsedBytes ? RequestBodyFields.Find(entry.Envelope.Body.Span) : new RequestBodyFields(null, null);
        string? model = usage.Model ?? fields.Model?.Name;
        decimal? cost = provider is not null && (provider.Prices.Find(model) ?? provider.Prices.Find(fields.Model?.Name)) is { } price ? price.CostOf(usage) : null;
        _ledger.RecordDelivery(route.Path, served, fields.User, model, usage, cost, response.Status);
    }

    private static string Describe(FailoverResult<ForwardedResponse> result)
    {
        if (result.Attempts.Count == 0)
        {
            return "No provider was tried.";
        }

        var last = result.Attempts[^1];
        string what = last.Outcome switch
        {
            AttemptOutcome.TransientStatus when result.Outcome.Exception is HttpRequestException { StatusCode: { } status } => $"answered {status}",
            AttemptOutcome.ConnectionFailed when result.Outcome.Exception is HttpRequestException http => $"failed ({http.HttpRequestError})",
            AttemptOutcome.Timeout => "timed out",
            AttemptOutcome.Cancelled => "timed out (the route's timeout)",
            AttemptOutcome.CircuitOpen or AttemptOutcome.Isolated or AttemptOutcome.Skipped => "circuit open",
            AttemptOutcome.BulkheadFull => "rejected (at capacity)",
            AttemptOutcome.RateLimited => "rejected (rate limited)",
            AttemptOutcome.Rejected => "rejected",
            _ => "failed",
        };
        return $"{result.Attempts.Count} attempt(s) along the chain; the last, at {last.Provider}, {what}.";
    }

    private static async ValueTask<Outcome<ForwardedResponse>> AttemptAsync(FailoverAttemptContext attempt, (GatewayDeliveryHandler Handler, GatewayRoute Route, DeliveryEntry Entry, Capture Capture) state)
    {
        var (handler, route, entry, capture) = state;
        var provider = route.Providers[attempt.ProviderIndex];
        var envelope = entry.Envelope;
        using var request = new HttpRequestMessage(new HttpMethod(envelope.Method ?? "POST"), RawTarget.Destination(provider.BaseUrl, envelope.Target ?? "/"));
        if (!envelope.Body.IsEmpty || envelope.ContentType is not null)
        {
            request.Content = new ReadOnlyMemoryContent(envelope.Body);
            if (envelope.ContentType is { } contentType && MediaTypeHeaderValue.TryParse(contentType, out var media))
            {
                request.Content.Headers.ContentType = media;
            }
        }

        foreach (var (name, value) in envelope.Headers)
        {
            if (DeferralConstants.NeverReplayed.Contains(name, StringComparer.OrdinalIgnoreCase) || DeferralConstants.CredentialHeaders.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                continue;
            }

            if (!request.Headers.TryAddWithoutValidation(name, value))
            {
                request.Content?.Headers.TryAddWithoutValidation(name, value);
            }
        }

        request.Headers.Remove(GatewayConstants.IdempotencyKeyHeader);
        request.Headers.TryAddWithoutValidation(GatewayConstants.IdempotencyKeyHeader, entry.IdempotencyKey);
        foreach (var (name, value) in provider.Headers)
        {
            request.Headers.Remove(name);
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await handler._invoker.SendAsync(request, attempt.CancellationToken).ConfigureAwait(false);
        int status = (int)response.StatusCode;
        if (provider.Pipeline.Classifier.IsTransientStatusCode(status))
        {
            // Held back for the chain to judge (retry, next provider): returned, not thrown.
            // Deliveries are keyed, so replayable anyway: the proof only describes the attempt.
            TimeSpan? retryAfter = RetryAfterParser.TryGetRetryAfter(response, handler._timeProvider.GetUtcNow(), out var delay) ? delay : null;
            return Outcome.FromException<ForwardedResponse>(new UpstreamResponseException(status, retryAfter, route.ProvesNotProcessed(status, retryAfter is not null)));
        }

        // The provider has answered for good: from here on nothing may send the request again (not a retry, not another
        // provider), so a body that fails to arrive is kept as far as it came, marked incomplete.
        var (body, complete) = await ReadKeptAsync(response.Content, handler._maxKeptResponseBytes, attempt.CancellationToken).ConfigureAwait(false);
        capture.Response = new DeliveryResponse(status, response.Content.Headers.ContentType?.ToString(), body, BodyTruncated: !complete);
        return Outcome.FromResult(new ForwardedResponse(status, Broken: false));
    }

    private static async Task<(ReadOnlyMemory<byte> Body, bool Complete)> ReadKeptAsync(HttpContent content, int max, CancellationToken cancellationToken)
    {
        var buffer = new MemoryStream();
        try
        {
            await using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            var chunk = new byte[16 * 1024];
            while (true)
            {
                int read = await stream.ReadAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, max + 1 - buffer.Length)), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return (buffer.GetBuffer().AsMemory(0, (int)buffer.Length), true);
                }

                buffer.Write(chunk, 0, read);
                if (buffer.Length > max)
                {
                    return (buffer.GetBuffer().AsMemory(0, max), false);
                }
            }
        }
        catch (Exception e) when (e is IOException or HttpRequestException or OperationCanceledException)
        {
            return (buffer.GetBuffer().AsMemory(0, (int)Math.Min(buffer.Length, max)), false);
        }
    }

    private sealed class Capture
    {
        public DeliveryResponse? Response { get; set; }
    }
}
