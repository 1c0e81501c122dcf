using System.Diagnostics;
using Bulwark.AspNetCore.Redaction;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bulwark.AspNetCore.Correlation;

/// <summary>
/// Chooses the request's correlation id (valid header, else trace id, else new), publishes it as
/// <see cref="IBulwarkCorrelationFeature"/>, returns it on the response, and opens a <c>correlation_id</c> logging
/// scope around the rest of the pipeline.
/// </summary>
/// <remarks>
/// When a <see cref="PiiRedactor"/> is registered, an id taken from the request (its header, or the trace it continues)
/// that the redactor would change is not used: every log line carries the id through the scope, so a client's card
/// number or e-mail address sent as its correlation id would otherwise reach them all. A new id is chosen instead.
/// </remarks>
internal sealed class BulwarkCorrelationMiddleware
{
    private readonly RequestDelegate _next;
    private readonly BulwarkCorrelationOptions _options;
    private readonly ILogger _logger;
    private readonly Func<object, Task> _restoreHeader;
    private readonly PiiRedactor? _redactor;

    public BulwarkCorrelationMiddleware(RequestDelegate next, IOptions<BulwarkCorrelationOptions> options, ILoggerFactory loggerFactory, PiiRedactor? redactor = null)
    {
        _next = next;
        _redactor = redactor;
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
        var (id, clean) = Choose(context, trace);
        context.Features.Set<IBulwarkCorrelationFeature>(new BulwarkCorrelationFeature(id, trace, clean));
        if (_options.WriteResponseHeader)
        {
            context.Response.Headers[_options.HeaderName] = id;

            // An exception handler clears the headers before writing its response; put the id back.
            context.Response.OnStarting(_restoreHeader, context);
        }

        return _logger.BeginScope(new CorrelationLogScope(id, activity is null ? trace : null));
    }

    /// <summary>
    /// The client's id when valid and clean; else the trace's id (a trace started here, or the client's when clean); else
    /// a new GUID. <c>Clean</c>: the id is known to hold no PII (made here, or scanned by the redactor).
    /// </summary>
    private (string Id, bool Clean) Choose(HttpContext context, BulwarkTraceContext trace)
    {
        string? given = context.Request.Headers[_options.HeaderName];
        if (BulwarkCorrelation.IsValid(given) && IsClean(given!) is { } givenClean)
        {
            return (given!, givenClean);
        }

        if (_options.UseTraceId)
        {
            string traceId = trace.TraceId.ToHexString();
            if (!trace.HasParent)
            {
                return (traceId, true);
            }

            if (IsClean(traceId) is { } traceClean)
            {
                return (traceId, traceClean);
            }
        }

        return (Guid.NewGuid().ToString("N"), true);
    }

    /// <summary>
    /// Whether a request's id may be used: <see langword="true"/> when the redactor leaves it unchanged,
    /// <see langword="false"/> when no redactor is registered (used, but not known clean), <see langword="null"/> when the
    /// redactor would change it (not used).
    /// </summary>
    private bool? IsClean(string id) =>
        _redactor is null ? false
        // The redactor returns the same instance when it finds nothing.
        : ReferenceEquals(_redactor.Redact(id), id) ? true
        : null;
}
