using System.Globalization;
using System.Text;
using Bulwark.AspNetCore.Requests;
using Bulwark.Configuration;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace Bulwark.Gateway.Fallback;

/// <summary>
/// A route's fallback at run time: answers a request every attempt of which failed (what would be a 502, 503 or 504
/// problem) with a static response or, for a GET, the last good response to the same path and query.
/// </summary>
internal sealed partial class RouteFallback
{
    /// <summary>Framing and hop-by-hop headers of a kept response: the fallback writes its own framing.</summary>
    private static readonly HashSet<string> NotKept = new(StringComparer.OrdinalIgnoreCase)
    {
        "Content-Length", "Transfer-Encoding", "TE", "Trailer", "Connection", "Keep-Alive", "Proxy-Connection", "Upgrade",
        FallbackConstants.Header, Bulwark.AspNetCore.Correlation.BulwarkCorrelation.DefaultHeaderName, "Age",
    };

    private readonly TimeProvider _timeProvider;
    private readonly int _staticStatus;
    private readonly string _staticContentType = FallbackConstants.DefaultContentType;
    private readonly byte[] _staticBody = [];
    private readonly KeyValuePair<string, string>[] _staticHeaders = [];
    private readonly TimeSpan _maxAge;
    private readonly int _maxBodyBytes;

    private RouteFallback(GatewayFallbackOptions options, TimeProvider timeProvider)
    {
        _timeProvider = timeProvider;
        if (options.Mode == FallbackMode.LastGood)
        {
            Cache = new LastGoodCache(options.MaxEntries ?? FallbackConstants.DefaultMaxEntries);
            _maxAge = options.MaxAge ?? FallbackConstants.MinMaxAge;
            _maxBodyBytes = options.MaxBodyBytes ?? FallbackConstants.DefaultMaxBodyBytes;
            return;
        }

        _staticStatus = options.StatusCode ?? FallbackConstants.DefaultStatusCode;
        _staticContentType = options.ContentType ?? FallbackConstants.DefaultContentType;
        _staticBody = Encoding.UTF8.GetBytes(options.Body ?? string.Empty);
        _staticHeaders = [.. options.Headers];
    }

    /// <summary>Gets the kept responses of a <see cref="FallbackMode.LastGood"/> fallback, or <see langword="null"/>.</summary>
    public LastGoodCache? Cache { get; }

    /// <summary>
    /// The fallback of a route: its own <c>Fallback</c> section when it has one, else the <c>Fallback</c> of the first of
    /// its providers (in failover order) whose pipeline has one, else none.
    /// </summary>
    public static RouteFallback? Create(GatewayFallbackOptions? route, IEnumerable<BulwarkFallbackOptions?> pipelines, TimeProvider timeProvider)
    {
        if (route is not null)
        {
            return new RouteFallback(route, timeProvider);
        }

        var pipeline = pipelines.FirstOrDefault(static p => p is not null);
        return pipeline is null ? null : new RouteFallback(
            new GatewayFallbackOptions { StatusCode = pipeline.StatusCode, ContentType = pipeline.ContentType, Body = pipeline.Body },
            timeProvider);
    }

    /// <summary>Starts keeping the response of a GET on a <see cref="FallbackMode.LastGood"/> route; <see langword="null"/> when nothing is kept.</summary>
    public LastGoodCapture? StartKeeping(HttpContext context)
    {
        if (Cache is null || !HttpMethods.IsGet(context.Request.Method))
        {
            return null;
        }

        var capture = new LastGoodCapture(context.Response.Body, _maxBodyBytes);
        context.Response.Body = capture;
        return capture;
    }

    /// <summary>Keeps the response a provider gave whole, if it may be served again: 2xx, not private, no cookie, body within the bound.</summary>
    public void Keep(HttpContext context, LastGoodCapture? capture)
    {
        if (Cache is null || capture?.Body is not { } body || !MayKeep(context))
        {
            return;
        }

        var headers = new List<KeyValuePair<string, string[]>>();
        foreach (var (name, values) in context.Response.Headers)
        {
            if (!NotKept.Contains(name))
            {
                headers.Add(new(name, values.ToArray()!));
            }
        }

        Cache.Set(KeyOf(context), new LastGoodEntry(context.Response.StatusCode, headers, body, _timeProvider.GetUtcNow()));
    }

    /// <summary>
    /// Answers with the fallback when the problem the request would get is a 502, 503 or 504 (every attempt failed);
    /// returns <see langword="false"/>, writing nothing, when none applies.
    /// </summary>
    public async ValueTask<bool> TryAnswerAsync(HttpContext context, int problemStatus, BulwarkRequestFeature feature, ILogger logger)
    {
        if (problemStatus is not (StatusCodes.Status502BadGateway or StatusCodes.Status503ServiceUnavailable or StatusCodes.Status504GatewayTimeout)
            || context.Response.HasStarted)
        {
            return false;
        }

        var response = context.Response;
        var correlation = response.Headers[Bulwark.AspNetCore.Correlation.BulwarkCorrelation.DefaultHeaderName];
        if (Cache is null)
        {
            Reset(response, correlation);
            response.StatusCode = _staticStatus;
            foreach (var (name, value) in _staticHeaders)
            {
                response.Headers[name] = value;
            }

            response.ContentType = _staticContentType;
            response.Headers[FallbackConstants.Header] = FallbackConstants.Static;
            feature.ErrorType = FallbackConstants.StaticErrorType;
            Log.Served(logger, context.Request.Method, feature.Route ?? string.Empty, problemStatus, FallbackConstants.Static, _staticStatus, feature.CorrelationId ?? string.Empty);
            await WriteBodyAsync(context, _staticBody).ConfigureAwait(false);
            return true;
        }

        var now = _timeProvider.GetUtcNow();
        if (!HttpMethods.IsGet(context.Request.Method) || Cache.Get(KeyOf(context), now - _maxAge) is not { } entry)
        {
            return false;
        }

        Reset(response, correlation);
        response.StatusCode = entry.StatusCode;
        foreach (var (name, values) in entry.Headers)
        {
            response.Headers[name] = values;
        }

        long age = Math.Max(0, (long)(now - entry.KeptAt).TotalSeconds);
        response.Headers.Age = age.ToString(CultureInfo.InvariantCulture);
        response.Headers[FallbackConstants.Header] = FallbackConstants.LastGood;
        feature.ErrorType = FallbackConstants.LastGoodErrorType;
        Log.Served(logger, context.Request.Method, feature.Route ?? string.Empty, problemStatus, FallbackConstants.LastGood, entry.StatusCode, feature.CorrelationId ?? string.Empty);
        await WriteBodyAsync(context, entry.Body).ConfigureAwait(false);
        return true;
    }

    private static async ValueTask WriteBodyAsync(HttpContext context, byte[] body)
    {
        context.Response.ContentLength = body.Length;
        if (body.Length > 0)
        {
            await context.Response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
        }
    }

    private static void Reset(HttpResponse response, Microsoft.Extensions.Primitives.StringValues correlation)
    {
        response.Headers.Clear();
        if (!Microsoft.Extensions.Primitives.StringValues.IsNullOrEmpty(correlation))
        {
            response.Headers[Bulwark.AspNetCore.Correlation.BulwarkCorrelation.DefaultHeaderName] = correlation;
        }
    }

    /// <summary>What a shared cache may store (RFC 9111): a 2xx whole response, not private or no-store, setting no cookie; one to a request with credentials only when marked public.</summary>
    private static bool MayKeep(HttpContext context)
    {
        var response = context.Response;
        if (response.StatusCode is < 200 or > 299 || response.StatusCode == StatusCodes.Status206PartialContent
            || response.Headers.ContainsKey(HeaderNames.SetCookie) || response.Headers.Vary.Any(static v => v?.Contains('*', StringComparison.Ordinal) == true))
        {
            return false;
        }

        string cacheControl = response.Headers.CacheControl.ToString();
        if (Has(cacheControl, "no-store") || Has(cacheControl, "private"))
        {
            return false;
        }

        return !context.Request.Headers.ContainsKey(HeaderNames.Authorization)
            || Has(cacheControl, "public") || Has(cacheControl, "s-maxage") || Has(cacheControl, "must-revalidate");
    }

    private static bool Has(string cacheControl, string directive) => cacheControl.Contains(directive, StringComparison.OrdinalIgnoreCase);

    /// <summary>The raw path and query as the client sent them (the cache is the route's own).</summary>
    private static string KeyOf(HttpContext context) =>
        context.Features.Get<IHttpRequestFeature>()?.RawTarget is { Length: > 0 } raw ? raw : context.Request.Path + context.Request.QueryString;

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.FallbackServed, Level = LogLevel.Warning, Message = "{Method} {Route} failed ({Status}); answered with the {Fallback} fallback ({FallbackStatus}); correlation id {CorrelationId}")]
        public static partial void Served(ILogger logger, string method, string route, int status, string fallback, int fallbackStatus, string correlationId);
    }
}
