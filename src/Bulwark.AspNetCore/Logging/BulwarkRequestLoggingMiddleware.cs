using Bulwark.AspNetCore.Correlation;
using Bulwark.AspNetCore.Redaction;
using Bulwark.AspNetCore.Requests;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Features.Authentication;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bulwark.AspNetCore.Logging;

/// <summary>
/// Writes one structured event per request (<see cref="EventIds.RequestCompleted"/>) when it ends, and one
/// <c>Debug</c> event per failover attempt. Every string field goes through the <see cref="PiiRedactor"/>; no header is
/// logged but <c>User-Agent</c>. The exception object is not attached (its message and stack can hold PII): its type
/// and redacted message are fields.
/// </summary>
internal sealed partial class BulwarkRequestLoggingMiddleware
{
    private const int ClientClosedRequest = 499;

    // Route templates, provider names, breaker states, error types and model names mostly come from configuration or a
    // fixed set: each is scanned once, not on every request (a load profile showed redaction at ~4% of the gateway's CPU).
    // A model name can be the client's, so the caps keep values of unexpected number or length from growing the cache;
    // past them, values are scanned every time as before.
    private const int MaxCachedConstants = 1024;
    private const int MaxCachedConstantLength = 256;

    // A client's user agent repeats too (one per client library and version), and a browser's or an SDK's, with its
    // spaces, dots and parentheses, passes the prefilters of several expressions: about 2.6 us per request in
    // RequestLogRedactionBenchmarks, more under load (bench/README.md, "Ninth round"). Bounded tighter, since clients
    // choose it.
    private const int MaxCachedUserAgents = 256;
    private const int MaxCachedUserAgentLength = 512;

    private readonly RequestDelegate _next;
    private readonly BulwarkRequestLoggingOptions _options;
    private readonly PiiRedactor _redactor;
    private readonly TimeProvider _time;
    private readonly ClientIpResolver _clientIp;
    private readonly ILogger _logger;
    private readonly RedactedValueCache _redactedConstants;
    private readonly RedactedValueCache _redactedUserAgents;
    private readonly Func<string?, string?> _redactConstant;

    public BulwarkRequestLoggingMiddleware(
        RequestDelegate next,
        IOptions<BulwarkRequestLoggingOptions> options,
        PiiRedactor redactor,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory)
    {
        _next = next;
        _options = options.Value;
        _redactor = redactor;
        _redactedConstants = new RedactedValueCache(redactor, MaxCachedConstants, MaxCachedConstantLength);
        _redactedUserAgents = new RedactedValueCache(redactor, MaxCachedUserAgents, MaxCachedUserAgentLength);
        _time = _options.TimeProvider ?? timeProvider;
        _clientIp = new ClientIpResolver(_options.TrustedProxies);
        _logger = loggerFactory.CreateLogger(BulwarkRequestLoggingConstants.Category);
        _redactConstant = RedactConstant;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        if (Begin(context) is not { } start)
        {
            await _next(context);
            return;
        }

        Exception? escaped = null;
        try
        {
            await _next(context);
        }
        catch (Exception exception)
        {
            escaped = exception;
            throw;
        }
        finally
        {
            End(context, start, escaped);
        }
    }

    /// <summary>
    /// Starts the request's line: its start time, its endpoint, and the body counters when they are on;
    /// <see langword="null"/> when no request line can be written (the category's minimum level is above <c>Error</c>).
    /// </summary>
    internal RequestLogStart? Begin(HttpContext context)
    {
        if (!_logger.IsEnabled(LogLevel.Error))
        {
            return null;
        }

        long started = _time.GetTimestamp();
        var endpointAtStart = context.GetEndpoint();
        CountingResponseBodyFeature? responseCounter = null;
        CountingReadStream? requestCounter = null;
        if (_options.CountBodyBytes)
        {
            if (context.Features.Get<IHttpResponseBodyFeature>() is { } body)
            {
                responseCounter = new CountingResponseBodyFeature(body);
                context.Features.Set<IHttpResponseBodyFeature>(responseCounter);
            }

            if (context.Request.ContentLength is null && context.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: true })
            {
                requestCounter = new CountingReadStream(context.Request.Body);
                context.Request.Body = requestCounter;
            }
        }

        return new RequestLogStart(started, endpointAtStart, responseCounter, requestCounter);
    }

    /// <summary>Puts the body streams back and writes the request's line (a failure to write it is swallowed: never the request's outcome).</summary>
    internal void End(HttpContext context, RequestLogStart start, Exception? escaped)
    {
        if (start.ResponseCounter is { } responseCounter)
        {
            context.Features.Set(responseCounter.Inner);
        }

        if (start.RequestCounter is { } requestCounter && ReferenceEquals(context.Request.Body, requestCounter))
        {
            context.Request.Body = requestCounter.Inner;
        }

        try
        {
            Write(context, _time.GetElapsedTime(start.Timestamp), start.Endpoint, start.ResponseCounter, start.RequestCounter, escaped);
        }
#pragma warning disable CA1031 // A logging failure must never replace the request's own outcome.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    /// <summary>What the request line needs from the request's start.</summary>
    internal readonly record struct RequestLogStart(long Timestamp, Endpoint? Endpoint, CountingResponseBodyFeature? ResponseCounter, CountingReadStream? RequestCounter);

    private void Write(
        HttpContext context,
        TimeSpan duration,
        Endpoint? endpointAtStart,
        CountingResponseBodyFeature? responseCounter,
        CountingReadStream? requestCounter,
        Exception? escaped)
    {
        var request = context.Request;
        var bulwark = context.Features.Get<BulwarkRequestFeature>();
        var handled = context.Features.Get<IExceptionHandlerFeature>();
        var exception = escaped ?? handled?.Error;

        bool aborted = escaped is OperationCanceledException && context.RequestAborted.IsCancellationRequested;
        int status = context.Response.StatusCode;
        if (escaped is not null && !context.Response.HasStarted)
        {
            // The server answers 500 to an exception that escapes before the response starts (499: the client left).
            status = aborted ? ClientClosedRequest : StatusCodes.Status500InternalServerError;
        }

        var level = status >= 500 || (exception is not null && !aborted) ? LogLevel.Error
            : status >= 400 || duration > _options.SlowRequestThreshold ? LogLevel.Warning
            : LogLevel.Information;
        bool logRequest = _logger.IsEnabled(level);
        bool logAttempts = _options.LogAttempts && bulwark is { Attempts.Count: > 0 } && _logger.IsEnabled(LogLevel.Debug);
        if (!logRequest && !logAttempts)
        {
            return;
        }

        var correlation = context.Features.Get<IBulwarkCorrelationFeature>();
        string? correlationId = correlation?.CorrelationId ?? bulwark?.CorrelationId;
        if (logAttempts)
        {
            foreach (var attempt in bulwark!.Attempts)
            {
                Log.AttemptCompleted(
                    _logger,
                    attempt.AttemptNumber,
                    _redactor.Redact(attempt.Provider),
                    AttemptsJson.Outcome(attempt.Kind),
                    attempt.StatusCode,
                    AttemptsJson.Milliseconds(attempt.Duration),
                    attempt.ExceptionType,
                    correlationId);
            }
        }

        if (!logRequest)
        {
            return;
        }

        string path = request.PathBase.Add(request.Path).Value is { Length: > 0 } p ? p : "/";
        if (_options.LogQueryString && request.QueryString.HasValue)
        {
            path += request.QueryString.Value;
        }

        path = _redactor.Redact(path);
        string route = bulwark?.Route is { } r ? RedactConstant(r)! : RouteOf(context.GetEndpoint() ?? handled?.Endpoint ?? endpointAtStart) ?? path;

        string? errorType = bulwark?.ErrorType ?? (aborted ? "client_aborted" : exception?.GetType().FullName);
        string? errorMessage = exception is null ? null : _redactor.Redact(exception.Message);

        var state = new RequestCompletedState
        {
            Method = request.Method,
            Route = route,
            Status = status,
            DurationMs = Math.Round(duration.TotalMilliseconds, 3),
            Path = path,
            // An id the correlation middleware made, or chose from the client's header after scanning it, is written as it
            // is; any other is scanned as an identifier (a random-looking token is what a correlation id is, not a leaked
            // secret).
            CorrelationId = correlationId is null || correlation is BulwarkCorrelationFeature { KnownClean: true }
                ? correlationId
                : _redactor.RedactIdentifier(correlationId),
            RequestId = context.TraceIdentifier,
            TenantId = IdentifierHeader(request, _options.TenantIdHeader),
            UserId = UserOf(context),
            ClientIp = _clientIp.Resolve(context),
            UserAgent = request.Headers.UserAgent is { Count: 1 } userAgent && userAgent[0] is { Length: > 0 } oneAgent
                ? _redactedUserAgents.Redact(oneAgent)
                : Redact(request.Headers.UserAgent),
            Provider = RedactConstant(bulwark?.Provider),
            Attempts = bulwark is null ? null : new AttemptsJson(bulwark.Attempts, _redactConstant),
            BreakerState = RedactConstant(bulwark?.BreakerState),
            BytesIn = request.ContentLength ?? requestCounter?.Count ?? 0,
            BytesOut = responseCounter?.Count ?? context.Response.ContentLength,
            ErrorType = RedactConstant(errorType),
            ErrorMessage = errorMessage,
            Model = RedactConstant(bulwark?.ResponseModel),
            InputTokens = bulwark?.InputTokens,
            CachedInputTokens = bulwark?.CachedInputTokens,
            OutputTokens = bulwark?.OutputTokens,
            Cost = bulwark?.Cost,
        };
        _logger.Log(level, EventIds.RequestCompletedId, state, null, RequestCompletedState.Format);
    }

    private string? RouteOf(Endpoint? endpoint) =>
        endpoint is RouteEndpoint { RoutePattern.RawText: { } template } ? RedactConstant(template) : null;

    /// <summary>A client's identifier from a header (tenant, user), scanned as an identifier like the correlation id.</summary>
    private string? IdentifierHeader(HttpRequest request, string? header) =>
        header is not null && request.Headers.TryGetValue(header, out var values) && values.Count > 0
            ? values[0] is { Length: > 0 } value ? _redactor.RedactIdentifier(value) : values[0]
            : null;

    private string? UserOf(HttpContext context) =>
        IdentifierHeader(context.Request, _options.UserIdHeader) ??
        // The authentication feature's user, not HttpContext.User: for a request nobody authenticated, that getter
        // creates an empty principal and identity (unauthenticated, so no user either way) on every request.
        (context.Features.Get<IHttpAuthenticationFeature>()?.User?.Identity is { IsAuthenticated: true, Name: { } name } ? _redactor.Redact(name) : null);

    private string? Redact(string? value) => string.IsNullOrEmpty(value) ? value : _redactor.Redact(value);

    /// <summary>Redacts a value of low cardinality (from configuration or a fixed set), remembering the result.</summary>
    private string? RedactConstant(string? value) => string.IsNullOrEmpty(value) ? value : _redactedConstants.Redact(value);
}
