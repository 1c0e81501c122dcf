using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Problems;
using Bulwark.Gateway.Requests;
using Bulwark.Gateway.Routing;
using Microsoft.Net.Http.Headers;

namespace Bulwark.Gateway.Clients;

/// <summary>
/// Identifies the client of a request on a route with <c>Clients: Keys</c> or <c>TrustedHeader</c>, before the per-client
/// rate limiter and forwarding: its <see cref="ClientIdentity"/> is set on the request's features, or it is answered
/// 401 problem+json with <c>WWW-Authenticate</c> and nothing is sent upstream. On a keys route the client's key
/// (<c>Authorization</c>, <c>X-Api-Key</c>) is removed from the request once checked, so no provider ever sees it; the
/// provider's own credentials come from its configured headers. Requests on other endpoints pass untouched.
/// </summary>
internal sealed class ClientIdentificationMiddleware(RequestDelegate next, ClientKeys keys, LiveGatewayConfiguration live)
{
    private const string BearerScheme = "Bearer ";
    private const string Challenge = "Bearer realm=\"bulwark\"";

    public Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<GatewayRoute>() is not { } route || route.Clients == RouteClients.Anonymous)
        {
            return next(context);
        }

        return route.Clients == RouteClients.Keys ? ByKeyAsync(context) : ByTrustedHeaderAsync(context);
    }

    private async Task ByKeyAsync(HttpContext context)
    {
        var headers = context.Request.Headers;
        var (check, identity) = await keys.CheckAsync(Presented(headers), context.RequestAborted).ConfigureAwait(false);
        if (identity is null)
        {
            await RefuseAsync(context, check).ConfigureAwait(false);
            return;
        }

        headers.Remove(HeaderNames.Authorization);
        headers.Remove(LimitsConstants.ApiKeyHeader);
        context.Features.Set(identity);
        await next(context).ConfigureAwait(false);
    }

    private Task ByTrustedHeaderAsync(HttpContext context)
    {
        string? header = live.Options.Clients.UserHeader;
        if (header is null || context.Request.Headers[header] is not [{ Length: > 0 } user] || string.IsNullOrWhiteSpace(user))
        {
            context.Response.Headers.WWWAuthenticate = Challenge;
            return GatewayProblem.Unauthorized(
                RequestCorrelation.IdOf(context.Request),
                $"This route serves identified users only: the {header} header must name one. Nothing was sent to a provider.").WriteAsync(context, 0);
        }

        context.Features.Set(new ClientIdentity(null, user.Trim(), null, null));
        return next(context);
    }

    /// <summary>The key the client presents: the bearer token of <c>Authorization</c>, else <c>X-Api-Key</c>.</summary>
    internal static string? Presented(IHeaderDictionary headers)
    {
        if (headers[HeaderNames.Authorization] is [{ } authorization] && authorization.StartsWith(BearerScheme, StringComparison.OrdinalIgnoreCase))
        {
            return authorization[BearerScheme.Length..].Trim();
        }

        return headers[LimitsConstants.ApiKeyHeader] is [{ } apiKey] ? apiKey.Trim() : null;
    }

    private static Task RefuseAsync(HttpContext context, ClientKeyCheck check)
    {
        string correlationId = RequestCorrelation.IdOf(context.Request);
        if (check == ClientKeyCheck.StoreUnavailable)
        {
            return GatewayProblem.StoreUnavailable(correlationId, "The client key cannot be checked now: the store where keys are kept cannot be read. Nothing was sent to a provider.").WriteAsync(context, 0);
        }

        context.Response.Headers.WWWAuthenticate = check == ClientKeyCheck.Missing ? Challenge : Challenge + ", error=\"invalid_token\"";
        string detail = check switch
        {
            ClientKeyCheck.Missing => "This route needs a client key issued by the gateway, as 'Authorization: Bearer <key>' or 'X-Api-Key: <key>'.",
            ClientKeyCheck.Revoked => "The client key was revoked.",
            ClientKeyCheck.Expired => "The client key has expired.",
            _ => "The client key is not one the gateway issued.",
        };
        return GatewayProblem.Unauthorized(correlationId, detail + " Nothing was sent to a provider.").WriteAsync(context, 0);
    }
}
