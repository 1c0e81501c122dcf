using Bulwark.Configuration;
using Microsoft.Extensions.Options;

namespace Bulwark.Gateway.Configuration;

/// <summary>
/// Validates everything the gateway needs before it starts, listing every error with its configuration path:
/// the engine's pipelines, then providers (URLs, pipeline references, header sources) and routes (templates, provider
/// references, duplicates).
/// </summary>
internal sealed class GatewayOptionsValidator(Func<string, string?> environment, RouteTemplateCheck routeTemplates) : IValidateOptions<GatewayOptions>
{
    private const string Root = "Bulwark";

    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        ValidateProviders(options, errors);
        ValidateRoutes(options, errors);

        if (options.MaxBufferedBodyBytes is < 0 or > GatewayConstants.MaxMaxBufferedBodyBytes)
        {
            errors.Add($"{Root}:MaxBufferedBodyBytes: {options.MaxBufferedBodyBytes} is out of range; allowed 0 to {GatewayConstants.MaxMaxBufferedBodyBytes}.");
        }

        ValidateLimits(options.Limits, errors);
        ValidateShutdown(options.Shutdown, errors);
        ValidateStorage(options, errors);
        ValidateReload(options.Reload, errors);

        // The engine's checks come first; a value that could not be read is reported by itself, not again by the rules that
        // saw its stand-in.
        return BulwarkOptionsValidator.Validate(options, Root, errors);
    }

    private void ValidateStorage(GatewayOptions options, List<string> errors)
    {
        if (options.Storage is { } storage)
        {
            const string path = $"{Root}:Storage";
            if (!Enum.IsDefined(storage.Provider))
            {
                errors.Add($"{path}:Provider: '{storage.Provider}' is not a store; use Sqlite or InMemory.");
            }

            if (!Enum.IsDefined(storage.OnStoreFailure))
            {
                errors.Add($"{path}:OnStoreFailure: '{storage.OnStoreFailure}' is not a mode; use FailClosed or FailOpen.");
            }

            string hostEnvironment = environment("DOTNET_ENVIRONMENT") ?? environment("ASPNETCORE_ENVIRONMENT") ?? "Production";
            if (storage.Provider == GatewayStoreProvider.InMemory && string.Equals(hostEnvironment, "Production", StringComparison.OrdinalIgnoreCase))
            {
                errors.Add($"{path}:Provider: InMemory is refused in the Production environment: every deferred request and breaker state would be lost at the next restart. Use Sqlite (the default), or set DOTNET_ENVIRONMENT to Development for tests.");
            }

            if (storage.Provider == GatewayStoreProvider.Sqlite && string.IsNullOrWhiteSpace(storage.Path))
            {
                errors.Add($"{path}:Path: the SQLite file is required, for example \"{Bulwark.Storage.Sqlite.SqliteStoreConstants.DefaultPath}\".");
            }

            if (storage.BusyTimeout < TimeSpan.Zero || storage.BusyTimeout > Bulwark.Storage.Sqlite.SqliteStoreConstants.MaxBusyTimeout)
            {
                errors.Add($"{path}:BusyTimeout: {storage.BusyTimeout:c} is out of range; allowed 00:00:00 to 00:05:00.");
            }

            if (storage.IntegrityCheckInterval < TimeSpan.FromMilliseconds(100) || storage.IntegrityCheckInterval > TimeSpan.FromDays(1))
            {
                errors.Add($"{path}:IntegrityCheckInterval: {storage.IntegrityCheckInterval:c} is out of range; allowed 00:00:00.1 to 1.00:00:00.");
            }

            if (storage.MaxSizeBytes != 0 && storage.MaxSizeBytes is < Bulwark.Storage.Sqlite.SqliteStoreConstants.MinMaxSizeBytes or > Bulwark.Storage.Sqlite.SqliteStoreConstants.MaxMaxSizeBytes)
            {
                errors.Add($"{path}:MaxSizeBytes: {storage.MaxSizeBytes} is out of range; allowed 0 (no limit) or {Bulwark.Storage.Sqlite.SqliteStoreConstants.MinMaxSizeBytes} to {Bulwark.Storage.Sqlite.SqliteStoreConstants.MaxMaxSizeBytes}.");
            }
        }

        if (options.Deliveries is { } deliveries && new Bulwark.Deliveries.DeliveryOptionsValidator().Validate(null, deliveries) is { Failed: true } failed)
        {
            errors.AddRange(failed.Failures);
        }

        for (int i = 0; i < options.Routes.Count; i++)
        {
            if (options.Routes[i] is not { } route)
            {
                continue;
            }

            string path = $"{Root}:Routes:{i}";
            if (!Enum.IsDefined(route.OnFailure))
            {
                errors.Add($"{path}:OnFailure: '{route.OnFailure}' is not a mode; use Fail or Defer.");
            }

            if (route.OnFailure != RouteFailureMode.Defer || route.Defer is not { } defer)
            {
                continue;
            }

            if (defer.MaxAttempts is { } attempts && attempts is < 2 or > 1000)
            {
                errors.Add($"{path}:Defer:MaxAttempts: {attempts} is out of range; allowed 2 to 1000 (the failed direct attempt counts as the first).");
            }

            if (defer.TimeToLive is { } ttl && (ttl < TimeSpan.FromSeconds(1) || ttl > TimeSpan.FromDays(30)))
            {
                errors.Add($"{path}:Defer:TimeToLive: {ttl:c} is out of range; allowed 00:00:01 to 30.00:00:00.");
            }

            if (defer.MaxBodyBytes < 0 || defer.MaxBodyBytes > options.MaxBufferedBodyBytes)
            {
                errors.Add($"{path}:Defer:MaxBodyBytes: {defer.MaxBodyBytes} is out of range; allowed 0 to {Root}:MaxBufferedBodyBytes ({options.MaxBufferedBodyBytes}), since a deferred request must be buffered whole.");
            }

            for (int h = 0; h < defer.ReplayHeaders.Count; h++)
            {
                string? header = defer.ReplayHeaders[h];
                if (string.IsNullOrWhiteSpace(header) || header.AsSpan().ContainsAny(" :\r\n\t"))
                {
                    errors.Add($"{path}:Defer:ReplayHeaders:{h}: '{header}' is not a header name.");
                }
                else if (DeferralConstants.CredentialHeaders.Contains(header, StringComparer.OrdinalIgnoreCase))
                {
                    errors.Add($"{path}:Defer:ReplayHeaders:{h}: {header} carries credentials, which are never stored; provider credentials are added at delivery from Bulwark:Providers:<name>:Headers.");
                }
                else if (DeferralConstants.NeverReplayed.Contains(header, StringComparer.OrdinalIgnoreCase))
                {
                    errors.Add($"{path}:Defer:ReplayHeaders:{h}: {header} frames the message, addresses the hop or steers routing or the method, so it is never replayed.");
                }
            }

            if (defer.OrderingHeader is { } ordering && (string.IsNullOrWhiteSpace(ordering) || ordering.AsSpan().ContainsAny(" :\r\n\t")))
            {
                errors.Add($"{path}:Defer:OrderingHeader: '{ordering}' is not a header name.");
            }
        }
    }

    private static void ValidateShutdown(GatewayShutdownOptions? shutdown, List<string> errors)
    {
        if (shutdown is null)
        {
            return;
        }

        if (shutdown.DrainDelay < TimeSpan.Zero || shutdown.DrainDelay > GatewayConstants.MaxDrainDelay)
        {
            errors.Add($"{Root}:Shutdown:DrainDelay: {shutdown.DrainDelay:c} is out of range; allowed 00:00:00 to {GatewayConstants.MaxDrainDelay:c}.");
        }

        if (shutdown.DrainTimeout < GatewayConstants.MinDrainTimeout || shutdown.DrainTimeout > GatewayConstants.MaxDrainTimeout)
        {
            errors.Add($"{Root}:Shutdown:DrainTimeout: {shutdown.DrainTimeout:c} is out of range; allowed {GatewayConstants.MinDrainTimeout:c} to {GatewayConstants.MaxDrainTimeout:c}.");
        }
    }

    private static void ValidateReload(GatewayReloadOptions? reload, List<string> errors)
    {
        if (reload is null)
        {
            return;
        }

        var poll = reload.PollInterval;
        if (poll != TimeSpan.Zero && (poll < GatewayConstants.MinReloadPollInterval || poll > GatewayConstants.MaxReloadPollInterval))
        {
            errors.Add($"{Root}:Reload:PollInterval: {poll:c} is out of range; allowed 00:00:00 (off) or {GatewayConstants.MinReloadPollInterval:c} to {GatewayConstants.MaxReloadPollInterval:c}.");
        }
    }

    private static void ValidateLimits(GatewayLimitsOptions? limits, List<string> errors)
    {
        if (limits is null)
        {
            return;
        }

        const string path = $"{Root}:Limits";
        Range(errors, $"{path}:MaxRequestBodyBytes", limits.MaxRequestBodyBytes, 1, LimitsConstants.MaxMaxRequestBodyBytes);
        Range(errors, $"{path}:MaxRequestHeadersTotalSize", limits.MaxRequestHeadersTotalSize, LimitsConstants.MinMaxRequestHeadersTotalSize, LimitsConstants.MaxMaxRequestHeadersTotalSize);
        Range(errors, $"{path}:MaxRequestHeaderCount", limits.MaxRequestHeaderCount, 1, LimitsConstants.MaxMaxRequestHeaderCount);
        Range(errors, $"{path}:ConcurrencyPerClient", limits.ConcurrencyPerClient, 0, LimitsConstants.MaxConcurrencyPerClient);
        Range(errors, $"{path}:RequestsPerMinutePerClient", limits.RequestsPerMinutePerClient, 0, LimitsConstants.MaxRequestsPerMinutePerClient);
    }

    private static void Range(List<string> errors, string path, long value, long min, long max)
    {
        if (value < min || value > max)
        {
            errors.Add($"{path}: {value} is out of range; allowed {min} to {max}.");
        }
    }

    private void ValidateProviders(GatewayOptions options, List<string> errors)
    {
        foreach (var (providerName, provider) in options.Providers)
        {
            string path = $"{Root}:Providers:{providerName}";
            if (providerName.Length == 0)
            {
                // ':' separates configuration keys: a name starting with it reads as an empty one holding the rest.
                errors.Add($"{Root}:Providers: a provider name must not be empty (a name starting with ':' reads as an empty one).");
                continue;
            }

            if (provider is null)
            {
                continue;
            }

            if (string.IsNullOrWhiteSpace(provider.BaseUrl))
            {
                errors.Add($"{path}:BaseUrl: is required, for example http://127.0.0.1:9001.");
            }
            else if (!Uri.TryCreate(provider.BaseUrl, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            {
                errors.Add($"{path}:BaseUrl: '{provider.BaseUrl}' is not an absolute http or https URL.");
            }
            else if (!string.IsNullOrEmpty(url.Query) || !string.IsNullOrEmpty(url.Fragment) || !string.IsNullOrEmpty(url.UserInfo))
            {
                errors.Add($"{path}:BaseUrl: '{provider.BaseUrl}' must not carry a query, fragment or credentials; put secrets in Headers with FromEnvironment.");
            }

            if (!options.Pipelines.ContainsKey(provider.Pipeline ?? string.Empty))
            {
                string known = options.Pipelines.Count == 0 ? "none is configured" : "configured: " + string.Join(", ", options.Pipelines.Keys.Order(StringComparer.Ordinal));
                errors.Add($"{path}:Pipeline: no pipeline named '{provider.Pipeline}' ({known}).");
            }

            foreach (var (headerName, header) in provider.Headers)
            {
                string headerPath = $"{path}:Headers:{headerName}";
                if (header is null)
                {
                    continue;
                }

                if (ProviderHeaderNames.Refusal(headerName) is { } refusal)
                {
                    errors.Add($"{headerPath}: {refusal}");
                    if (headerName.Length == 0)
                    {
                        continue;
                    }
                }

                if ((header.FromEnvironment is null) == (header.Value is null))
                {
                    errors.Add($"{headerPath}: set exactly one of FromEnvironment (for secrets) and Value.");
                }
                else if (header.FromEnvironment is { } variable && string.IsNullOrEmpty(environment(variable)))
                {
                    errors.Add($"{headerPath}:FromEnvironment: the environment variable {variable} is not set.");
                }
                else if (header.Format is null || !header.Format.Contains("{0}", StringComparison.Ordinal))
                {
                    errors.Add($"{headerPath}:Format: '{header.Format}' must contain the placeholder {{0}}.");
                }
                else
                {
                    string? raw = header.FromEnvironment is { } source ? environment(source) : header.Value;
                    string? value = null;
                    try
                    {
                        value = string.Format(System.Globalization.CultureInfo.InvariantCulture, header.Format, raw);
                    }
                    catch (FormatException)
                    {
                        errors.Add($"{headerPath}:Format: '{header.Format}' is not a valid format; use {{0}} for the value, and {{{{ }}}} for literal braces.");
                    }

                    // Never print the value: it may be a secret.
                    if (value is not null && value.Any(c => c < ' ' || c == 127 || c > 126))
                    {
                        string origin = header.FromEnvironment is { } name ? $"the environment variable {name}" : "Value";
                        errors.Add($"{headerPath}: the value from {origin} contains control or non-ASCII characters, which a header cannot carry.");
                    }
                }
            }
        }
    }

    private void ValidateRoutes(GatewayOptions options, List<string> errors)
    {
        if (options.Routes.Count == 0)
        {
            errors.Add($"{Root}:Routes: no route is configured, so nothing would be forwarded; add one such as {{ \"Path\": \"/api/{{**rest}}\", \"Providers\": [ \"primary\" ] }}.");
        }

        var seen = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < options.Routes.Count; i++)
        {
            var route = options.Routes[i];
            string path = $"{Root}:Routes:{i}";
            if (route is null)
            {
                continue;
            }

            if (string.IsNullOrWhiteSpace(route.Path) || !route.Path.StartsWith('/'))
            {
                errors.Add($"{path}:Path: '{route.Path}' must start with '/', for example /api/{{**rest}}.");
            }
            else
            {
                if (routeTemplates.Parse(route.Path, out string? problem) is null)
                {
                    errors.Add($"{path}:Path: '{route.Path}' is not a valid route template: {problem}");
                }

                string key = string.Join(' ', route.Methods.Select(m => m?.ToUpperInvariant()).Order(StringComparer.Ordinal)) + " " + route.Path.TrimEnd('/');
                if (seen.TryGetValue(key, out int first))
                {
                    errors.Add($"{path}:Path: '{route.Path}' duplicates Routes:{first}.");
                }
                else
                {
                    seen[key] = i;
                }
            }

            for (int m = 0; m < route.Methods.Count; m++)
            {
                if (string.IsNullOrWhiteSpace(route.Methods[m]))
                {
                    errors.Add($"{path}:Methods:{m}: must be an HTTP method such as GET or POST.");
                }
            }

            if (route.Providers.Count == 0)
            {
                errors.Add($"{path}:Providers: list at least one provider.");
            }

            for (int p = 0; p < route.Providers.Count; p++)
            {
                if (!options.Providers.ContainsKey(route.Providers[p] ?? string.Empty))
                {
                    string known = options.Providers.Count == 0 ? "none is configured" : "configured: " + string.Join(", ", options.Providers.Keys.Order(StringComparer.Ordinal));
                    errors.Add($"{path}:Providers:{p}: no provider named '{route.Providers[p]}' ({known}).");
                }
            }

            if (route.Providers.Distinct(StringComparer.OrdinalIgnoreCase).Count() != route.Providers.Count)
            {
                errors.Add($"{path}:Providers: a provider is listed twice.");
            }

            if (route.Timeout < TimeSpan.FromMilliseconds(1) || route.Timeout > TimeSpan.FromDays(1))
            {
                errors.Add($"{path}:Timeout: {route.Timeout:c} is out of range; allowed 00:00:00.001 to 1.00:00:00.");
            }

            if (route.MaxAttempts is { } maxAttempts && (maxAttempts < route.Providers.Count || maxAttempts > GatewayConstants.MaxRouteAttempts))
            {
                errors.Add($"{path}:MaxAttempts: {maxAttempts} is out of range; allowed the number of providers ({route.Providers.Count}) to {GatewayConstants.MaxRouteAttempts}.");
            }

            RouteValidators.RouteFallbackValidator.Validate(route, path, errors);

            if (route.RateLimit is { } rateLimit)
            {
                if (rateLimit.RequestsPerMinutePerClient is { } perMinute)
                {
                    Range(errors, $"{path}:RateLimit:RequestsPerMinutePerClient", perMinute, 0, LimitsConstants.MaxRequestsPerMinutePerClient);
                }

                if (rateLimit.ConcurrencyPerClient is { } concurrency)
                {
                    Range(errors, $"{path}:RateLimit:ConcurrencyPerClient", concurrency, 0, LimitsConstants.MaxConcurrencyPerClient);
                }
            }
        }
    }
}
