using System.Diagnostics;
using Bulwark.AspNetCore.Redaction;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bulwark.AspNetCore.Correlation;

/// <summary>
/// Chooses the request's correlation id (valid header, else trace id, else new), publishes it as
/// <see cref="IBulwarkCorrelationFeature"/>, returns it on the response, and opens a <c>correlation_id</c> logging
/// scope around the rest of the pipeline. A client's id that holds what the redactor finds in an identifier (a card
/// number, an API key of a known form, a configured pattern) is not valid: the id it chose goes on every log line of the
/// request and to the providers, where such data must not go.
/// </summary>
internal sealed partial class BulwarkCorrelationMiddleware
{
    private readonly RequestDelegate _next;
    private readonly BulwarkCorrelationOptions _options;
    private readonly ILogger _logger;
    private readonly Func<object, Task> _restoreHeader;
    private readonly PiiRedactor _redactor;

    public BulwarkCorrelationMiddleware(RequestDelegate next, IOptions<BulwarkCorrelationOptions> options, ILoggerFactory loggerFactory, PiiRedactor? redactor = null)
    {
        _next = next;
        _redactor = redactor ?? PiiRedactor.Default;
        _options = options.Value;
        _logger = loggerFactory.CreateLogger("Bulwark.AspNetCore.Correlation");

        // One delegate for the middleware's life, holding the header name, so that each request passes only its context
        // as the callback's state (not a tuple boxed per request).
        string header = _options.HeaderName;
        _restoreHeader = state =>
        {
            var ctx = (HttpContext)state;
            if (!ctx.Response.Headers.ContainsKey(header) && BulwarkCorrelation.Get(ctx) is { } id)
            {
                ctx.Response.Headers[header] = id;
            }

            return Task.CompletedTask;
        };
    }

    public async Task InvokeAsync(HttpContext context)
    {
        using (Begin(context))
        {
            await _next(context);
        }
    }

    /// <summary>
    /// Gives the request its correlation id (feature, response header) and opens the log scope that carries it, which
    /// the caller disposes when the request ends.
    /// </summary>
    internal IDisposable? Begin(HttpContext context)
    {
        // The request's activity, when something made one (a tracer provider, or the listener that asks for one for
        // its trace context); else the context the request carries, which the logs then get from the scope below.
        var activity = Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? current : null;
        var trace = activity is not null ? BulwarkTraceContext.Of(activity) : BulwarkTraceContext.Of(context.Request);
        var (id, knownClean) = Choose(context, trace);
        context.Features.Set<IBulwarkCorrelationFeature>(new BulwarkCorrelationFeature(id, trace, knownClean));
        if (_options.WriteResponseHeader)
        {
            context.Response.Headers[_options.HeaderName] = id;

            // An exception handler clears the headers before writing its response; put the id back.
            context.Response.OnStarting(_restoreHeader, context);
        }

        return _logger.BeginScope(new CorrelationLogScope(id, activity is null ? trace : null));
    }

    /// <summary>
    /// The client's id when valid and free of what the redactor finds in an identifier; else the trace's id; else a new
    /// GUID. <c>KnownClean</c>: scanned here (the client's id) or made by this process (a new GUID, or the id of a trace
    /// started here); the id of a trace the client continues is not.
    /// </summary>
    private (string Id, bool KnownClean) Choose(HttpContext context, BulwarkTraceContext trace)
    {
        string? given = context.Request.Headers[_options.HeaderName];
        if (!BulwarkCorrelation.IsValid(given))
        {
            return Fallback(trace);
        }

        // The redactor returns the same instance when it finds nothing.
        if (ReferenceEquals(_redactor.RedactIdentifier(given!), given))
        {
            return (given!, true);
        }

        var fallback = Fallback(trace);

        // Never the refused value itself; a configured pattern that matches ordinary ids shows up here.
        Log.Refused(_logger, _options.HeaderName, fallback.Id);
        return fallback;
    }

    private (string Id, bool KnownClean) Fallback(BulwarkTraceContext trace) =>
        _options.UseTraceId ? (trace.TraceId.ToHexString(), !trace.HasParent) : (Guid.NewGuid().ToString("N"), true);

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.CorrelationIdRefused, Level = LogLevel.Debug, Message = "The client's {Header} was refused: a redaction rule found something in it; the request's correlation id is {CorrelationId}")]
        public static partial void Refused(ILogger logger, string header, string correlationId);
    }
}
