using System.Buffers;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text.Json;
using Bulwark.Gateway.Routing;
using Microsoft.AspNetCore.Http.Features;

namespace Bulwark.Gateway.Dashboard;

/// <summary>
/// The operator page at <c>/dashboard</c>, on only when an admin token is configured (otherwise every path under it
/// answers 404, as the admin API does):
/// <list type="bullet">
/// <item><c>GET /dashboard</c>: the page, or a redirect (303) to the sign-in form without a valid session cookie;</item>
/// <item><c>GET|POST /dashboard/login</c>: the form, and the sign-in (the admin token, checked in constant time): a session
/// cookie (HttpOnly, SameSite=Strict, path /dashboard, Secure over HTTPS) and a redirect to the page, or 401 and the form again;</item>
/// <item><c>POST /dashboard/logout</c>: ends the session;</item>
/// <item><c>GET /dashboard/assets/{file}</c>: the script and style sheet;</item>
/// <item><c>GET /dashboard/api/state?since=</c>: the page's data (session cookie; 401 problem+json without);</item>
/// <item><c>POST /dashboard/api/breakers/{provider}/isolate|close|reset</c>: session cookie and the session's anti-forgery
/// token in <c>X-Bulwark-CSRF</c> (403 without), from the page itself (a browser's <c>Sec-Fetch-Site</c>, when sent, must
/// say same-origin).</item>
/// </list>
/// None of it counts in the error rate or the page's own charts.
/// </summary>
internal static partial class DashboardEndpoints
{
    private const int MaxFormBytes = 4096;

    public static IEndpointRouteBuilder MapGatewayDashboard(this IEndpointRouteBuilder endpoints)
    {
        var services = endpoints.ServiceProvider;

        // Read now, so a build without the page's files fails at start rather than at the first visit.
        services.GetRequiredService<DashboardAssets>();
        if (services.GetRequiredService<DashboardSessions>().IsEnabled)
        {
            // From start-up, so the charts and the transition list have the minutes before anyone opens the page.
            services.GetRequiredService<TrafficHistory>().Listen(services.GetRequiredService<IMeterFactory>());
            services.GetRequiredService<BreakerTransitionLog>();

            // And its uptime counts from start-up, not from the first visit.
            services.GetRequiredService<DashboardState>();
        }

        var group = endpoints.MapGroup(DashboardConstants.Path);
        group.DisableBulwarkErrorRate();
        group.MapGet(string.Empty, static context => PageAsync(context));
        group.MapGet("/login", static context => LoginFormAsync(context));
        group.MapPost("/login", static context => SignInAsync(context));
        group.MapPost("/logout", static context => SignOutAsync(context));
        group.MapGet("/assets/{file}", static context => AssetAsync(context));
        group.MapGet("/api/state", static context => StateAsync(context));
        group.MapPost("/api/breakers/{provider}/{action}", static context => BreakerActionAsync(context));
        group.Map("/{**path}", static context => NotFound(context, "Nothing of the operator page is at this path."));
        return endpoints;
    }

    private static Task PageAsync(HttpContext context)
    {
        if (!Enabled(context, out var sessions))
        {
            return Disabled(context);
        }

        return sessions.Read(context.Request.Cookies[DashboardConstants.CookieName]) is null
            ? SeeOther(context, DashboardConstants.LoginPath)
            : DashboardAssets.WritePageAsync(context, Assets(context).Page, StatusCodes.Status200OK);
    }

    private static Task LoginFormAsync(HttpContext context)
    {
        if (!Enabled(context, out var sessions))
        {
            return Disabled(context);
        }

        return sessions.Read(context.Request.Cookies[DashboardConstants.CookieName]) is not null
            ? SeeOther(context, DashboardConstants.Path)
            : DashboardAssets.WritePageAsync(context, Assets(context).Login, StatusCodes.Status200OK);
    }

    private static async Task SignInAsync(HttpContext context)
    {
        if (!Enabled(context, out var sessions))
        {
            await Disabled(context).ConfigureAwait(false);
            return;
        }

        if (!FromThePage(context.Request, allowTyped: true))
        {
            await Forbidden(context, "The sign-in form must be sent from the operator page itself.").ConfigureAwait(false);
            return;
        }

        if (await ReadTokenAsync(context).ConfigureAwait(false) is not { } presented)
        {
            await Problem(context, StatusCodes.Status400BadRequest, "Bad request", $"Send the form with one '{DashboardConstants.TokenField}' field (application/x-www-form-urlencoded, at most {MaxFormBytes} bytes).").ConfigureAwait(false);
            return;
        }

        var logger = Logger(context);
        if (!sessions.TrySignIn(presented, out string cookie))
        {
            Log.SignInRefused(logger);
            await DashboardAssets.WritePageAsync(context, Assets(context).LoginRefused, StatusCodes.Status401Unauthorized).ConfigureAwait(false);
            return;
        }

        Log.SignedIn(logger);
        context.Response.Cookies.Append(DashboardConstants.CookieName, cookie, DashboardSessions.CookieOptions(context.Request, DashboardConstants.SessionLifetime));
        await SeeOther(context, DashboardConstants.Path).ConfigureAwait(false);
    }

    private static async Task SignOutAsync(HttpContext context)
    {
        if (!Enabled(context, out var sessions))
        {
            await Disabled(context).ConfigureAwait(false);
            return;
        }

        if (sessions.Read(context.Request.Cookies[DashboardConstants.CookieName]) is { } session)
        {
            // Ending a live session is a change like any other: from the page, with its token.
            if (!FromThePage(context.Request, allowTyped: false) || !sessions.VerifyCsrf(session, context.Request.Headers[DashboardConstants.CsrfHeader]))
            {
                await Forbidden(context, $"Signing out needs the page's anti-forgery token in '{DashboardConstants.CsrfHeader}'.").ConfigureAwait(false);
                return;
            }

            sessions.Revoke(session);
            Log.SignedOut(Logger(context));
        }

        context.Response.Cookies.Delete(DashboardConstants.CookieName, DashboardSessions.CookieOptions(context.Request, maxAge: null));
        await SeeOther(context, DashboardConstants.LoginPath).ConfigureAwait(false);
    }

    private static Task AssetAsync(HttpContext context)
    {
        if (!Enabled(context, out _))
        {
            return Disabled(context);
        }

        string file = context.Request.RouteValues["file"] as string ?? string.Empty;
        return Assets(context).Find(file) is { } asset
            ? DashboardAssets.WriteFileAsync(context, asset)
            : NotFound(context, "The operator page has no such file.");
    }

    private static async Task StateAsync(HttpContext context)
    {
        if (!Enabled(context, out var sessions))
        {
            await Disabled(context).ConfigureAwait(false);
            return;
        }

        if (sessions.Read(context.Request.Cookies[DashboardConstants.CookieName]) is not { } session)
        {
            await Unauthorized(context).ConfigureAwait(false);
            return;
        }

        long? since = null;
        string? sinceText = context.Request.Query["since"];
        if (!string.IsNullOrEmpty(sinceText))
        {
            if (!long.TryParse(sinceText, NumberStyles.None, CultureInfo.InvariantCulture, out long value))
            {
                await Problem(context, StatusCodes.Status400BadRequest, "Bad request", "'since' must be a Unix time in seconds.").ConfigureAwait(false);
                return;
            }

            since = value;
        }

        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        await using (var json = new Utf8JsonWriter(buffer))
        {
            await context.RequestServices.GetRequiredService<DashboardState>().WriteAsync(json, sessions.CsrfToken(session), since, context.RequestAborted).ConfigureAwait(false);
        }

        var response = context.Response;
        DashboardAssets.SecurityHeaders(response);
        response.Headers.CacheControl = "no-store";
        response.ContentType = "application/json";
        response.ContentLength = buffer.WrittenCount;
        await response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
    }

    private static async Task BreakerActionAsync(HttpContext context)
    {
        if (!Enabled(context, out var sessions))
        {
            await Disabled(context).ConfigureAwait(false);
            return;
        }

        if (sessions.Read(context.Request.Cookies[DashboardConstants.CookieName]) is not { } session)
        {
            await Unauthorized(context).ConfigureAwait(false);
            return;
        }

        if (!FromThePage(context.Request, allowTyped: false) || !sessions.VerifyCsrf(session, context.Request.Headers[DashboardConstants.CsrfHeader]))
        {
            await Forbidden(context, $"A change needs the page's anti-forgery token in '{DashboardConstants.CsrfHeader}', sent from the page itself.").ConfigureAwait(false);
            return;
        }

        string name = context.Request.RouteValues["provider"] as string ?? string.Empty;
        string action = context.Request.RouteValues["action"] as string ?? string.Empty;
        if (action is not ("isolate" or "close" or "reset"))
        {
            await NotFound(context, "A breaker can be isolated, closed or reset.").ConfigureAwait(false);
            return;
        }

        var table = context.RequestServices.GetRequiredService<LiveGatewayConfiguration>().Table;
        GatewayProvider? provider = null;
        foreach (var (candidate, value) in table.Providers)
        {
            if (string.Equals(candidate, name, StringComparison.OrdinalIgnoreCase))
            {
                provider = value;
                break;
            }
        }

        if (provider?.Pipeline.CircuitBreaker is not { } handle)
        {
            await NotFound(context, provider is null ? "There is no such provider." : $"Provider '{provider.Name}' has no circuit breaker.").ConfigureAwait(false);
            return;
        }

        if (!handle.IsBound)
        {
            await Problem(context, StatusCodes.Status409Conflict, "Conflict", $"The circuit breaker of '{provider.Name}' is not built yet: its pipeline has not been used.").ConfigureAwait(false);
            return;
        }

        var change = action switch
        {
            "isolate" => handle.IsolateAsync(context.RequestAborted),
            "close" => handle.CloseAsync(context.RequestAborted),
            _ => handle.ResetAsync(context.RequestAborted),
        };
        await change.ConfigureAwait(false);
        string state = DashboardState.StateName(handle.State);
        Log.BreakerChanged(Logger(context), action, provider.Name, state);

        var response = context.Response;
        DashboardAssets.SecurityHeaders(response);
        response.Headers.CacheControl = "no-store";
        await response.WriteAsJsonAsync(new BreakerActionResult(provider.Name, action, state), jsonTypeInfo: DashboardJsonContext.Default.BreakerActionResult, cancellationToken: context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>
    /// Whether a browser says the request comes from the page's own origin (<c>Sec-Fetch-Site</c>, which no page can forge and
    /// no proxy rewrites); a client that sends no such header (not a browser, or an old one) is let through, the cookie's
    /// SameSite=Strict and the anti-forgery token guarding it. <paramref name="allowTyped"/> also lets through what the user
    /// did themselves (<c>none</c>).
    /// </summary>
    private static bool FromThePage(HttpRequest request, bool allowTyped)
    {
        string? site = request.Headers["Sec-Fetch-Site"];
        return string.IsNullOrEmpty(site) || site == "same-origin" || (allowTyped && site == "none");
    }

    private static async Task<string?> ReadTokenAsync(HttpContext context)
    {
        var request = context.Request;
        if (!request.HasFormContentType || request.ContentLength is > MaxFormBytes)
        {
            return null;
        }

        try
        {
            var form = await request.ReadFormAsync(
                new FormOptions { ValueCountLimit = 4, KeyLengthLimit = 64, ValueLengthLimit = MaxFormBytes, BufferBodyLengthLimit = MaxFormBytes, MultipartBodyLengthLimit = MaxFormBytes },
                context.RequestAborted).ConfigureAwait(false);
            var values = form[DashboardConstants.TokenField];
            return values.Count == 1 ? values[0] : null;
        }
        catch (InvalidDataException)
        {
            return null;
        }
        catch (BadHttpRequestException)
        {
            return null;
        }
    }

    private static bool Enabled(HttpContext context, out DashboardSessions sessions)
    {
        sessions = context.RequestServices.GetRequiredService<DashboardSessions>();
        return sessions.IsEnabled;
    }

    private static DashboardAssets Assets(HttpContext context) => context.RequestServices.GetRequiredService<DashboardAssets>();

    private static ILogger Logger(HttpContext context) =>
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Bulwark.Gateway.Dashboard");

    private static Task SeeOther(HttpContext context, string location)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status303SeeOther;
        response.Headers.Location = location;
        response.Headers.CacheControl = "no-store";
        DashboardAssets.SecurityHeaders(response);
        return Task.CompletedTask;
    }

    private static Task Disabled(HttpContext context) =>
        NotFound(context, "The operator page is off: no admin token is configured (Bulwark:Admin:Token or TokenFile).");

    private static Task NotFound(HttpContext context, string detail) => Problem(context, StatusCodes.Status404NotFound, "Not Found", detail);

    private static Task Unauthorized(HttpContext context) =>
        Problem(context, StatusCodes.Status401Unauthorized, "Unauthorized", $"Sign in at {DashboardConstants.LoginPath} with the admin token first.");

    private static Task Forbidden(HttpContext context, string detail) => Problem(context, StatusCodes.Status403Forbidden, "Forbidden", detail);

    private static Task Problem(HttpContext context, int status, string title, string detail)
    {
        DashboardAssets.SecurityHeaders(context.Response);
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Problem(statusCode: status, title: title, detail: detail).ExecuteAsync(context);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.DashboardSignedIn, Level = LogLevel.Information, Message = "An operator signed in to the operator page")]
        public static partial void SignedIn(ILogger logger);

        [LoggerMessage(EventId = EventIds.DashboardSignInRefused, Level = LogLevel.Warning, Message = "A sign-in to the operator page was refused: wrong admin token")]
        public static partial void SignInRefused(ILogger logger);

        [LoggerMessage(EventId = EventIds.DashboardSignedOut, Level = LogLevel.Information, Message = "An operator signed out of the operator page")]
        public static partial void SignedOut(ILogger logger);

        [LoggerMessage(EventId = EventIds.DashboardBreakerChanged, Level = LogLevel.Warning, Message = "Operator page: {Action} on the circuit breaker of {Provider}; it is now {State}")]
        public static partial void BreakerChanged(ILogger logger, string action, string provider, string state);
    }
}

/// <summary>The answer to a breaker action.</summary>
internal sealed record BreakerActionResult(
    [property: System.Text.Json.Serialization.JsonPropertyName("provider")] string Provider,
    [property: System.Text.Json.Serialization.JsonPropertyName("action")] string Action,
    [property: System.Text.Json.Serialization.JsonPropertyName("state")] string State);

[System.Text.Json.Serialization.JsonSerializable(typeof(BreakerActionResult))]
internal sealed partial class DashboardJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
