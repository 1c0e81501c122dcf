using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using Bulwark.AspNetCore.Correlation;
using Bulwark.Classification;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.ProviderAuth;
using Bulwark.Gateway.Requests;
using Bulwark.Gateway.Routing;
using Bulwark.Gateway.Translation;
using Bulwark.Gateway.Usage;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;
using Yarp.ReverseProxy.Forwarder;

namespace Bulwark.Gateway.Forwarding;

/// <summary>
/// Shapes one attempt: the request toward the provider (its headers, correlation, no client-supplied routing headers),
/// and the response back — holding back a transient status so that the attempt can be retried or failed over.
/// </summary>
internal sealed class AttemptTransformer : HttpTransformer
{
    /// <summary>Client headers that could steer, re-route or re-type a request upstream: dropped, whatever their prefix variant.</summary>
    private static readonly string[] ClientRoutingHeaders =
    [
        "Forwarded", "X-Real-IP", "X-Rewrite-URL", "X-Host",
        "X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override",
    ];

    private static readonly string[] ClientRoutingPrefixes = ["X-Forwarded-", "X-Original-"];

    private const string TraceParentHeader = "traceparent";

    private static readonly HashSet<string> PerHopHandledByForwarder = new(StringComparer.OrdinalIgnoreCase)
    {
        HeaderNames.ContentLength, HeaderNames.TransferEncoding, HeaderNames.Host, HeaderNames.Upgrade,
    };

    private readonly ForwardingRequest _request;
    private readonly GatewayProvider _provider;
    private readonly int _providerIndex;
    private readonly bool _translates;
    private readonly TimeProvider _timeProvider;
    private readonly CancellationTokenRegistration _timeouts;
    private readonly AccessToken? _token;
    private readonly bool _holdUnauthorized;

    /// <param name="request">The client request.</param>
    /// <param name="providerIndex">The index in the route of the provider of this attempt.</param>
    /// <param name="timeProvider">The clock for Retry-After.</param>
    /// <param name="timeouts">
    /// The registration through which the attempt's timeouts cancel the forwarding; unregistered when the response is
    /// committed (a registration of its own rather than a closure that unregisters it: nothing allocated per attempt).
    /// </param>
    /// <param name="token">The provider's access token for this attempt, when its <c>Auth</c> has one.</param>
    /// <param name="holdUnauthorized">Whether a 401 is held back for one renewal of the token and one more try (the body can be sent again).</param>
    public AttemptTransformer(ForwardingRequest request, int providerIndex, TimeProvider timeProvider, CancellationTokenRegistration timeouts = default, AccessToken? token = null, bool holdUnauthorized = false)
    {
        _token = token;
        _holdUnauthorized = holdUnauthorized;
        _request = request;
        _providerIndex = providerIndex;
        _provider = request.Route.Providers[providerIndex];
        _translates = request.Route.TranslatesToAnthropic[providerIndex];
        _timeProvider = timeProvider;
        _timeouts = timeouts;
    }

    /// <summary>Gets whether the provider answered 401 to the attempt's access token and the answer was held back for a renewal.</summary>
    public bool HeldUnauthorized { get; private set; }

    /// <summary>Gets the transient status held back, if any.</summary>
    public int? HeldBackStatus { get; private set; }

    /// <summary>Gets the provider's Retry-After for a held-back status.</summary>
    public TimeSpan? RetryAfter { get; private set; }

    /// <summary>Gets whether the held-back status proves the provider did not process the request (<see cref="GatewayRoute.ProvesNotProcessed"/>).</summary>
    public bool HeldBackProvesNotProcessed { get; private set; }

    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken).ConfigureAwait(false);

        // The forwarder rebuilt the target from the decoded path, re-encoding it ("%2F" became "%252F"): the client's
        // own bytes go instead, after the provider's base URL.
        if (_request.PathAndQueryFor(_providerIndex) is { } pathAndQuery)
        {
            proxyRequest.RequestUri = RawTarget.Destination(destinationPrefix, pathAndQuery);
        }

        if (_translates)
        {
            ToAnthropic(proxyRequest);
        }
        else if (_request.Route.Api != RouteApi.Http)
        {
            // An AI answer is read for its usage as it passes: asked for unencoded, whatever encodings the client takes
            // (the SDKs of most languages ask for gzip, which would leave every answer's tokens and cost unknown).
            proxyRequest.Headers.AcceptEncoding.Clear();
            proxyRequest.Headers.AcceptEncoding.Add(Identity);
        }

        // The destination is the provider's BaseUrl, always; the provider gets its own Host, and nothing the client
        // sent about forwarding is trusted.
        proxyRequest.Headers.Host = null;
        foreach (var header in ClientRoutingHeaders)
        {
            proxyRequest.Headers.Remove(header);
        }

        List<string>? prefixed = null;
        foreach (var header in proxyRequest.Headers)
        {
            foreach (var prefix in ClientRoutingPrefixes)
            {
                if (header.Key.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                {
                    (prefixed ??= []).Add(header.Key);
                }
            }
        }

        prefixed?.ForEach(name => proxyRequest.Headers.Remove(name));

        if (httpContext.Connection.RemoteIpAddress is { } client)
        {
            proxyRequest.Headers.TryAddWithoutValidation("X-Forwarded-For", client.ToString());
        }

        proxyRequest.Headers.TryAddWithoutValidation("X-Forwarded-Proto", httpContext.Request.Scheme);
        proxyRequest.Headers.Remove(GatewayConstants.CorrelationHeader);
        proxyRequest.Headers.TryAddWithoutValidation(GatewayConstants.CorrelationHeader, _request.CorrelationId);
        InjectTraceContext(httpContext, proxyRequest.Headers);
        foreach (var (name, value) in _provider.Headers)
        {
            proxyRequest.Headers.Remove(name);
            if (!proxyRequest.Headers.TryAddWithoutValidation(name, value))
            {
                proxyRequest.Content?.Headers.Remove(name);
                proxyRequest.Content?.Headers.TryAddWithoutValidation(name, value);
            }
        }

        // Last: the request is as it will be sent (host, path, headers), and a signature covers exactly that.
        if (_provider.Auth is { } auth)
        {
            var body = httpContext.Request.Body;
            var held = !_request.BodyStreamed && body.CanSeek ? body : null;
            await auth.ApplyAsync(proxyRequest, _token, new AttemptBody(proxyRequest.Content is not null, held), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Makes a translated chat completion an Anthropic request: the client's OpenAI credentials and OpenAI-only headers stay
    /// behind (the provider's own key comes from its configured headers), the body is JSON, the API version is said
    /// unless the provider's headers say one, and the answer comes unencoded so that it can be translated.
    /// </summary>
    private static void ToAnthropic(HttpRequestMessage proxyRequest)
    {
        proxyRequest.Headers.Authorization = null;
        List<string>? openAi = null;
        foreach (var header in proxyRequest.Headers)
        {
            if (header.Key.StartsWith("OpenAI-", StringComparison.OrdinalIgnoreCase))
            {
                (openAi ??= []).Add(header.Key);
            }
        }

        openAi?.ForEach(name => proxyRequest.Headers.Remove(name));
        proxyRequest.Headers.AcceptEncoding.Clear();
        proxyRequest.Headers.AcceptEncoding.Add(Identity);
        proxyRequest.Headers.Remove(AnthropicVersionHeader);
        proxyRequest.Headers.TryAddWithoutValidation(AnthropicVersionHeader, GatewayConstants.AnthropicVersion);
        if (proxyRequest.Content is { } content)
        {
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        }
    }

    private const string AnthropicVersionHeader = "anthropic-version";

    private static readonly System.Net.Http.Headers.StringWithQualityHeaderValue Identity = new("identity");

    /// <summary>
    /// Sends the request's trace context on with the gateway as the parent, as YARP's <c>ReverseProxyPropagator</c> does:
    /// the client's trace continues (its <c>tracestate</c> passes through). Without an activity (no exporter: none is
    /// made), from the correlation middleware's context; with one (traces exported), from it, through the configured
    /// propagator. Never by HttpClient's diagnostics handler, which would start an activity per attempt only for this.
    /// </summary>
    private static void InjectTraceContext(HttpContext httpContext, HttpRequestHeaders headers)
    {
        if (Activity.Current is { } activity)
        {
            var propagator = DistributedContextPropagator.Current;
            foreach (string field in propagator.Fields)
            {
                headers.Remove(field);
            }

            propagator.Inject(activity, headers, static (carrier, name, value) => ((HttpRequestHeaders)carrier!).TryAddWithoutValidation(name, value));
        }
        else if (httpContext.Features.Get<IBulwarkCorrelationFeature>() is { } correlation)
        {
            headers.Remove(TraceParentHeader);
            headers.TryAddWithoutValidation(TraceParentHeader, correlation.TraceContext.ToTraceParent());
        }
    }

    public override async ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        if (proxyResponse is not null && _provider.Auth is { } auth && (int)proxyResponse.StatusCode is StatusCodes.Status401Unauthorized or StatusCodes.Status403Forbidden)
        {
            if (_holdUnauthorized && proxyResponse.StatusCode == System.Net.HttpStatusCode.Unauthorized)
            {
                // The token may have been revoked or expired early: renewed once and the attempt sent again.
                HeldUnauthorized = true;
                return false;
            }

            auth.Refused((int)proxyResponse.StatusCode);
            if (_token is not null && proxyResponse.StatusCode == System.Net.HttpStatusCode.Unauthorized)
            {
                // Not sent again (its body streamed, or it was the renewed try): the next request fetches a new token.
                auth.Rejected(_token);
            }
        }

        if (proxyResponse is not null && _provider.Pipeline.Classifier.IsTransientStatusCode((int)proxyResponse.StatusCode))
        {
            HeldBackStatus = (int)proxyResponse.StatusCode;
            RetryAfter = RetryAfterParser.TryGetRetryAfter(proxyResponse, _timeProvider.GetUtcNow(), out var delay) ? delay : null;
            HeldBackProvesNotProcessed = _request.Route.ProvesNotProcessed(HeldBackStatus.Value, hasRetryAfter: RetryAfter is not null);
            return false;
        }

        // Committed: from here the body streams to the client, and the attempt's timeouts no longer apply to it.
        _timeouts.Unregister();
        bool proxy = await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken).ConfigureAwait(false);
        var headers = httpContext.Response.Headers;
        if (proxyResponse is not null && proxyResponse.Headers.TryGetValues(HeaderNames.Connection, out var connection))
        {
            RemoveConnectionHeaders(new StringValues([.. connection]), headers);
        }

        headers[GatewayConstants.ProviderHeader] = _provider.Name;
        headers[GatewayConstants.AttemptsHeader] = _request.Attempts.ToString(CultureInfo.InvariantCulture);
        headers[GatewayConstants.CorrelationHeader] = _request.CorrelationId;
        if (_request.BudgetNote is { } budget)
        {
            headers[GatewayConstants.BudgetHeader] = budget;
        }

        if (_request.BodyStreamed)
        {
            headers[GatewayConstants.RetryHeader] = ForwardingHandler.StreamedBodyNotice;
        }

        if (proxy && proxyResponse is not null && _request.Route.Api != RouteApi.Http)
        {
            ReadUsage(httpContext, proxyResponse);
            if (_translates)
            {
                FromAnthropic(httpContext, proxyResponse);
            }
        }

        return proxy;
    }

    /// <summary>
    /// Puts the translator of the provider's Anthropic answer around the response body (outside the usage reader, which
    /// then reads the OpenAI answer the client gets): its length and type are the translation's.
    /// </summary>
    private void FromAnthropic(HttpContext httpContext, HttpResponseMessage proxyResponse)
    {
        int status = (int)proxyResponse.StatusCode;
        var answer = status >= 400 ? AnthropicAnswer.Error
            : string.Equals(proxyResponse.Content.Headers.ContentType?.MediaType, "text/event-stream", StringComparison.OrdinalIgnoreCase) ? AnthropicAnswer.Events
            : AnthropicAnswer.Message;
        var response = httpContext.Response;
        response.ContentLength = null;
        response.Headers.ContentEncoding = default;
        response.ContentType = answer == AnthropicAnswer.Events ? "text/event-stream; charset=utf-8" : "application/json";
        var translation = new AnthropicResponseStream(response.Body, answer, status, _timeProvider.GetUtcNow().ToUnixTimeSeconds(), _request.TranslationFor(_providerIndex).IncludeUsage);
        _request.Translation = translation;
        response.Body = translation;
    }

    /// <summary>
    /// Puts the usage reader around the client's response body for the body about to be copied: it passes every write on
    /// first, so nothing waits for it. An earlier attempt's reader (its body failed before any byte reached the client) is
    /// taken off first.
    /// </summary>
    private void ReadUsage(HttpContext httpContext, HttpResponseMessage proxyResponse)
    {
        if (_request.Usage is { } earlier)
        {
            httpContext.Response.Body = earlier.Inner;
            earlier.Dispose();
            _request.Usage = null;
        }

        var format = UsageReport.FormatOf(proxyResponse);
        if (format != UsageFormat.None)
        {
            _request.Usage = new UsageCapture(httpContext.Response.Body, format, UsageConstants.MaxParsedBytes);
            httpContext.Response.Body = _request.Usage;
        }
    }

    /// <summary>
    /// YARP drops the standard hop-by-hop headers but not the ones a client or provider names in Connection
    /// (RFC 9110 7.6.1): they are for one hop only.
    /// </summary>
    internal static void RemoveConnectionHeaders(StringValues connection, IHeaderDictionary headers)
    {
        foreach (var value in connection)
        {
            foreach (var token in (value ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                // Framing, routing and upgrades stay with the forwarder, which handles them itself.
                if (!PerHopHandledByForwarder.Contains(token))
                {
                    headers.Remove(token);
                }
            }
        }
    }
}
