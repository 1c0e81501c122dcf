using Bulwark.Gateway.Fallback;

namespace Bulwark.Gateway.Configuration.RouteValidators;

/// <summary>
/// A route's <c>Fallback</c>: a static response (status, content type, headers that neither frame the message nor address
/// the hop) or the last good GET response (<c>MaxAge</c> required, bounds in range); a key of the other mode is refused,
/// since it would be ignored.
/// </summary>
internal sealed class RouteFallbackValidator : IRouteValidator
{
    public void Validate(GatewayRouteOptions route, int index, string routePath, GatewayOptions options, List<string> errors)
    {
        if (route.Fallback is not { } fallback)
        {
            return;
        }

        string path = $"{routePath}:Fallback";
        switch (fallback.Mode)
        {
            case FallbackMode.Static:
                ValidateStatic(fallback, path, errors);
                break;
            case FallbackMode.LastGood:
                ValidateLastGood(route, fallback, path, errors);
                break;
            default:
                errors.Add($"{path}:Mode: '{fallback.Mode}' is not a mode; use Static or LastGood.");
                break;
        }
    }

    private static void ValidateStatic(GatewayFallbackOptions fallback, string path, List<string> errors)
    {
        NotInMode(errors, path, nameof(fallback.MaxAge), fallback.MaxAge is not null, FallbackMode.LastGood);
        NotInMode(errors, path, nameof(fallback.MaxEntries), fallback.MaxEntries is not null, FallbackMode.LastGood);
        NotInMode(errors, path, nameof(fallback.MaxBodyBytes), fallback.MaxBodyBytes is not null, FallbackMode.LastGood);
        if (fallback.StatusCode is { } status && status is < 200 or > 599)
        {
            errors.Add($"{path}:StatusCode: {status} is out of range; allowed 200 to 599.");
        }

        if (fallback.ContentType is { } contentType && !System.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out _))
        {
            errors.Add($"{path}:ContentType: '{contentType}' is not a media type such as application/json.");
        }

        foreach (var (name, value) in fallback.Headers)
        {
            string headerPath = $"{path}:Headers:{name}";
            if (string.Equals(name, "Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                errors.Add($"{headerPath}: set the content type with {path}:ContentType.");
            }
            else if (string.Equals(name, FallbackConstants.Header, StringComparison.OrdinalIgnoreCase)
                || string.Equals(name, GatewayConstants.CorrelationHeader, StringComparison.OrdinalIgnoreCase)
                || string.Equals(name, "Host", StringComparison.OrdinalIgnoreCase))
            {
                errors.Add($"{headerPath}: '{name}' is written by the gateway (or is a request header); a fallback header must not set it.");
            }
            else if (ProviderHeaderNames.Refusal(name, "a fallback header") is { } refusal)
            {
                errors.Add($"{headerPath}: {refusal}");
            }
            else if (value is null || value.Any(static c => c < ' ' || c == 127 || c > 126))
            {
                errors.Add($"{headerPath}: the value contains control or non-ASCII characters, which a header cannot carry.");
            }
        }
    }

    private static void ValidateLastGood(GatewayRouteOptions route, GatewayFallbackOptions fallback, string path, List<string> errors)
    {
        NotInMode(errors, path, nameof(fallback.StatusCode), fallback.StatusCode is not null, FallbackMode.Static);
        NotInMode(errors, path, nameof(fallback.ContentType), fallback.ContentType is not null, FallbackMode.Static);
        NotInMode(errors, path, nameof(fallback.Body), fallback.Body is not null, FallbackMode.Static);
        NotInMode(errors, path, nameof(fallback.Headers), fallback.Headers.Count > 0, FallbackMode.Static);
        if (fallback.MaxAge is not { } maxAge)
        {
            errors.Add($"{path}:MaxAge: is required with Mode LastGood: how old a kept response may be and still be served, for example 00:05:00.");
        }
        else if (maxAge < FallbackConstants.MinMaxAge || maxAge > FallbackConstants.MaxMaxAge)
        {
            errors.Add($"{path}:MaxAge: {maxAge:c} is out of range; allowed {FallbackConstants.MinMaxAge:c} to {FallbackConstants.MaxMaxAge:c}.");
        }

        if (fallback.MaxEntries is { } entries && entries is < 1 or > FallbackConstants.MaxMaxEntries)
        {
            errors.Add($"{path}:MaxEntries: {entries} is out of range; allowed 1 to {FallbackConstants.MaxMaxEntries}.");
        }

        if (fallback.MaxBodyBytes is { } bytes && bytes is < 0 or > FallbackConstants.MaxMaxBodyBytes)
        {
            errors.Add($"{path}:MaxBodyBytes: {bytes} is out of range; allowed 0 to {FallbackConstants.MaxMaxBodyBytes}.");
        }

        if (route.Methods.Count > 0 && !route.Methods.Any(static m => string.Equals(m, "GET", StringComparison.OrdinalIgnoreCase)))
        {
            errors.Add($"{path}:Mode: LastGood serves GET requests only, and this route accepts no GET ({string.Join(", ", route.Methods)}).");
        }
    }

    private static void NotInMode(List<string> errors, string path, string key, bool set, FallbackMode mode)
    {
        if (set)
        {
            errors.Add($"{path}:{key}: applies to Mode {mode} only; remove it or set Mode to {mode}.");
        }
    }
}
