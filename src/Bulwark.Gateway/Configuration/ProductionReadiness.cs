using System.Globalization;

namespace Bulwark.Gateway.Configuration;

/// <summary>
/// What a careful operator would want told before a valid configuration goes to production: a missing or weak admin
/// token, credentials in the file or in clear text on the wire, pipelines that retry without a budget or run without a
/// breaker or timeout, timeouts that cannot be honoured, and the observability that is switched off.
/// </summary>
internal static class ProductionReadiness
{
    private const string Root = "Bulwark";

    /// <summary>Evaluates validated options.</summary>
    /// <param name="options">The gateway's options, already validated.</param>
    /// <param name="configuration">The whole configuration, for sections the options do not model (<c>Bulwark:Shutdown</c>).</param>
    /// <returns>The findings, most severe first, in configuration order within a severity.</returns>
    public static IReadOnlyList<ReadinessFinding> Evaluate(GatewayOptions options, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(configuration);
        var findings = new List<ReadinessFinding>();
        CheckAdmin(options, findings);
        CheckProviders(options, findings);
        CheckPipelines(options, findings);
        CheckRoutes(options, configuration, findings);
        CheckGateway(options, configuration, findings);
        AlertChannelReadiness.Check(options, findings);
        CheckSharedState(options, findings);
        return [.. findings.OrderBy(f => f.Severity)];
    }

    private static void CheckAdmin(GatewayOptions options, List<ReadinessFinding> findings)
    {
        string path = $"{Root}:Admin";
        string? token = options.Admin.Token;
        string tokenPath = $"{path}:Token";
        if (string.IsNullOrEmpty(token) && !string.IsNullOrEmpty(options.Admin.TokenFile))
        {
            tokenPath = $"{path}:TokenFile";
            try
            {
                // As the admin API reads it.
                token = File.ReadAllText(options.Admin.TokenFile).Trim();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                // Validation reports an unreadable file; here it only means the length is unknown.
                return;
            }
        }

        if (string.IsNullOrEmpty(token))
        {
            findings.Add(new(ReadinessSeverity.Error, "admin-token-missing",
                "No admin token is set, so the admin API (breaker status, isolate, close, reset) is off and operators cannot act on a provider during an incident. " +
                "Set Bulwark:Admin:TokenFile to a mounted secret, or the environment variable Bulwark__Admin__Token.",
                $"{path}:Token"));
        }
        else if (token.Length < ProductionReadinessConstants.MinProductionTokenLength)
        {
            findings.Add(new(ReadinessSeverity.Error, "admin-token-short",
                $"The admin token has {token.Length} characters; use at least {ProductionReadinessConstants.MinProductionTokenLength} random ones (for example `openssl rand -hex 32`): it can isolate every provider.",
                tokenPath));
        }
    }

    private static void CheckProviders(GatewayOptions options, List<ReadinessFinding> findings)
    {
        foreach (var (name, provider) in options.Providers)
        {
            if (provider is null)
            {
                continue;
            }

            string path = $"{Root}:Providers:{name}";
            foreach (var (headerName, header) in provider.Headers)
            {
                if (header?.Value is not null && LooksSecret(headerName))
                {
                    findings.Add(new(ReadinessSeverity.Error, "header-secret-literal",
                        $"The header {headerName} of provider '{name}' looks like a credential but is written in the configuration file (Value). " +
                        "Move it to an environment variable and use FromEnvironment, so it stays out of source control and the admin status.",
                        $"{path}:Headers:{headerName}:Value"));
                }
            }

            if (provider.Auth is { } auth)
            {
                foreach (var (setting, literal) in (ReadOnlySpan<(string, string?)>)[("Value", auth.Value), ("SecretAccessKey", auth.SecretAccessKey), ("SessionToken", auth.SessionToken), ("ClientSecret", auth.ClientSecret)])
                {
                    if (literal is not null)
                    {
                        findings.Add(new(ReadinessSeverity.Error, "auth-secret-literal",
                            $"The {setting} of provider '{name}''s Auth is a secret written in the configuration file. " +
                            $"Use {setting}FromEnvironment or {setting}FromFile, so it stays out of source control and the admin status.",
                            $"{path}:Auth:{setting}"));
                    }
                }
            }

            if (Uri.TryCreate(provider.BaseUrl, UriKind.Absolute, out var url) && url.Scheme == Uri.UriSchemeHttp && !url.IsLoopback)
            {
                bool credentials = provider.Headers.Count > 0 || provider.Auth is { Type: not ProviderAuthType.AwsSigV4 };
                findings.Add(new(credentials ? ReadinessSeverity.Error : ReadinessSeverity.Warning, "provider-plain-http",
                    credentials
                        ? $"Provider '{name}' is reached over plain http at {url.Host}, and the gateway adds headers to its requests: they cross the network in clear text. Use https."
                        : $"Provider '{name}' is reached over plain http at {url.Host}, a non-loopback host: requests and responses cross the network unencrypted. Use https unless the network is trusted.",
                    $"{path}:BaseUrl"));
            }
        }
    }

    private static void CheckPipelines(GatewayOptions options, List<ReadinessFinding> findings)
    {
        var used = new HashSet<string>(options.Providers.Values.Where(p => p is not null).Select(p => p.Pipeline), StringComparer.OrdinalIgnoreCase);
        foreach (var (name, pipeline) in options.Pipelines)
        {
            if (pipeline is null || !used.Contains(name))
            {
                continue;
            }

            string path = $"{Root}:Pipelines:{name}";
            var retry = pipeline.Retry;
            if (retry is { MaxRetries: > 0, Budget: null, SharedBudget: null })
            {
                findings.Add(new(ReadinessSeverity.Warning, "retry-without-budget",
                    $"Pipeline '{name}' retries up to {retry.MaxRetries} times with no retry budget: when a provider degrades, every request multiplies into {retry.MaxRetries + 1} and the retries deepen the outage. " +
                    "Add Retry:Budget (for example { \"Ratio\": 0.2 }).",
                    $"{path}:Retry:Budget"));
            }

            if (pipeline.CircuitBreaker is null)
            {
                findings.Add(new(ReadinessSeverity.Warning, "no-circuit-breaker",
                    $"Pipeline '{name}' has no circuit breaker: a provider that is down keeps receiving every request and its failures, and failover waits for each one.",
                    $"{path}:CircuitBreaker"));
            }

            if (pipeline.Timeout?.Attempt is not { } attempt)
            {
                findings.Add(new(ReadinessSeverity.Warning, "no-attempt-timeout",
                    $"Pipeline '{name}' has no attempt timeout: one hung connection uses the whole route timeout and no retry or failover gets a chance. Set Timeout:Attempt.",
                    $"{path}:Timeout:Attempt"));
            }
            else if (retry is not null && pipeline.Timeout.Total is { } total)
            {
                int attempts = retry.MaxRetries + 1;
                // In ticks as a double: a validated attempt count times a day still fits, but nothing here should throw.
                double worstTicks = attempt.Ticks * (double)attempts;
                if (worstTicks > total.Ticks)
                {
                    var worst = TimeSpan.FromTicks((long)Math.Min(worstTicks, TimeSpan.MaxValue.Ticks));
                    findings.Add(new(ReadinessSeverity.Warning, "attempts-exceed-total",
                        $"Pipeline '{name}' allows {attempts} attempts of up to {Format(attempt)} ({Format(worst)} in all, before backoff) but a total of {Format(total)}: " +
                        "against a slow provider the later retries never run. Lower Timeout:Attempt or Retry:MaxRetries, or raise Timeout:Total.",
                        $"{path}:Timeout:Total"));
                }
            }

            if (pipeline.Bulkhead is null)
            {
                findings.Add(new(ReadinessSeverity.Warning, "no-bulkhead",
                    $"Pipeline '{name}' has no bulkhead: a slow provider can hold an unbounded number of concurrent requests (and their buffered bodies).",
                    $"{path}:Bulkhead"));
            }
        }
    }

    private static void CheckRoutes(GatewayOptions options, IConfiguration configuration, List<ReadinessFinding> findings)
    {
        var drain = DrainTimeout(configuration);
        for (int i = 0; i < options.Routes.Count; i++)
        {
            var route = options.Routes[i];
            if (route is null)
            {
                continue;
            }

            string path = $"{Root}:Routes:{i}";
            if (route.Timeout > drain.Value)
            {
                findings.Add(new(ReadinessSeverity.Warning, "route-timeout-exceeds-drain",
                    $"Route {route.Path} may run for {Format(route.Timeout)}, longer than the shutdown drain ({Format(drain.Value)}{(drain.IsDefault ? ", the default" : string.Empty)}): " +
                    $"requests in flight at a deploy are cut off. Lower the route's Timeout or raise {ProductionReadinessConstants.DrainTimeoutKey}.",
                    $"{path}:Timeout"));
            }

            if (route.Providers.Count == 1)
            {
                findings.Add(new(ReadinessSeverity.Info, "route-single-provider",
                    $"Route {route.Path} has one provider ('{route.Providers[0]}'): when it is down the route fails; there is nothing to fail over to.",
                    $"{path}:Providers"));
            }

            if (route.OnFailure == RouteFailureMode.Defer && route.Defer?.TimeToLive is null)
            {
                findings.Add(new(ReadinessSeverity.Warning, "deferral-without-ttl",
                    $"Route {route.Path} defers failed requests without its own Defer:TimeToLive, so they wait up to Bulwark:Deliveries:TimeToLive ({Format(options.Deliveries.TimeToLive)}) before becoming dead letters. Set how long a deferred request is still worth delivering.",
                    $"{path}:Defer:TimeToLive"));
            }

            if (route.Idempotent == true)
            {
                findings.Add(new(ReadinessSeverity.Info, "route-idempotent",
                    $"Route {route.Path} is marked Idempotent: POST and PATCH are retried and failed over without an Idempotency-Key, so a provider may see them twice.",
                    $"{path}:Idempotent"));
            }
        }
    }

    private static void CheckSharedState(GatewayOptions options, List<ReadinessFinding> findings)
    {
        var shared = options.SharedState;
        if (shared.Provider != SharedStateProvider.Redis)
        {
            return;
        }

        if (shared.Configuration is { } literal && literal.Contains("password", StringComparison.OrdinalIgnoreCase))
        {
            findings.Add(new(ReadinessSeverity.Error, "shared-state-secret-literal",
                "The Redis configuration string holds a password and is written in the configuration file. Move it to an environment variable and name it in ConfigurationFromEnvironment.",
                $"{Root}:SharedState:Configuration"));
        }

        if (options.Storage.Provider == GatewayStoreProvider.Sqlite)
        {
            findings.Add(new(ReadinessSeverity.Warning, "shared-state-sqlite-store",
                "Breakers and per-client rates are shared on Redis, so several gateways run side by side, but each keeps its own SQLite file: deferred deliveries, " +
                "the usage ledger, client keys and budgets are per instance (each instance enforces a budget on its own, so the fleet may spend up to N times it). " +
                "Run one instance where budgets or client keys matter.",
                $"{Root}:Storage:Provider"));
        }
    }

    /// <summary>Whether an Npgsql connection string sets a password (never read from it: only its key's presence).</summary>
    private static bool HoldsPassword(string connectionString)
    {
        try
        {
            var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
            return !string.IsNullOrEmpty(builder.Password);
        }
        catch (ArgumentException)
        {
            // Unreadable: validation says so; flag it if it names a password at all.
            return connectionString.Contains("password", StringComparison.OrdinalIgnoreCase);
        }
    }

    private static void CheckStorage(GatewayOptions options, List<ReadinessFinding> findings)
    {
        var storage = options.Storage;
        if (storage.Provider == GatewayStoreProvider.InMemory)
        {
            findings.Add(new(ReadinessSeverity.Error, "in-memory-store",
                "The store is in memory: breaker state and every deferred request are lost when the process stops. Use Provider Sqlite (the default), or Postgres for several gateways.",
                $"{Root}:Storage:Provider"));
        }

        if (storage.Provider == GatewayStoreProvider.Postgres && storage.ConnectionString is { } literal && HoldsPassword(literal))
        {
            findings.Add(new(ReadinessSeverity.Error, "store-secret-literal",
                "The PostgreSQL connection string holds a password and is written in the configuration file. Move it to an environment variable and name it in ConnectionStringFromEnvironment (or use a password file, PGPASSFILE).",
                $"{Root}:Storage:ConnectionString"));
        }

        if (storage.OnStoreFailure == StoreFailureMode.FailOpen)
        {
            findings.Add(new(ReadinessSeverity.Warning, "store-fail-open",
                "OnStoreFailure is FailOpen: if the store cannot be opened the gateway serves without deferral and without breaker state, rather than refusing to start. /health/ready reports it as degraded.",
                $"{Root}:Storage:OnStoreFailure"));
        }

        if (!storage.SqliteFlushEveryCommit)
        {
            findings.Add(new(ReadinessSeverity.Warning, "store-no-flush",
                "FlushEveryCommit is off: an acknowledged deferral survives a crash of the process but may be lost in a power cut.",
                $"{Root}:Storage:FlushEveryCommit"));
        }

        var deliveries = options.Deliveries;
        bool defers = options.Routes.Any(static r => r is not null && r.OnFailure == RouteFailureMode.Defer);
        var slack = deliveries.LeaseDuration - deliveries.AttemptTimeout - storage.OperationTimeout;
        string storeTimeout = storage.Provider == GatewayStoreProvider.Postgres ? "CommandTimeout" : "BusyTimeout";
        if (defers && slack < ProductionReadinessConstants.MinLeaseSlack)
        {
            findings.Add(new(ReadinessSeverity.Warning, "delivery-lease-margin",
                $"Deliveries:LeaseDuration ({Format(deliveries.LeaseDuration)}) leaves {Format(slack < TimeSpan.Zero ? TimeSpan.Zero : slack)} beyond AttemptTimeout ({Format(deliveries.AttemptTimeout)}) " +
                $"and the store's {storeTimeout} ({Format(storage.OperationTimeout)}): an attempt that takes its whole timeout and then waits for the store can outlive its lease, " +
                $"and the sweeper would hand the work out again (the provider sees the same Idempotency-Key twice). Leave at least {Format(ProductionReadinessConstants.MinLeaseSlack)}.",
                $"{Root}:Deliveries:LeaseDuration"));
        }
    }

    private static void CheckGateway(GatewayOptions options, IConfiguration configuration, List<ReadinessFinding> findings)
    {
        CheckStorage(options, findings);
        foreach (var variable in options.GetEnvironmentOverrides())
        {
            if (variable.Pipelines.Count == 0)
            {
                findings.Add(new(ReadinessSeverity.Warning, "seed-variable-changed-nothing",
                    $"The environment variable {variable.Variable} changed no pipeline: another variable takes precedence (RESILIENCE_ENABLED=false, RESILIENCE_RETRY_ENABLED=false, a BULWARK_PIPELINE_ one), or its value keeps what is configured. Remove it, or fix what overrides it.",
                    variable.Variable));
            }
        }

        if (options.MaxBufferedBodyBytes > ProductionReadinessConstants.LargeBufferedBodyBytes)
        {
            findings.Add(new(ReadinessSeverity.Warning, "large-body-buffer",
                $"MaxBufferedBodyBytes is {options.MaxBufferedBodyBytes.ToString("N0", CultureInfo.InvariantCulture)}: each concurrent request with a body that size holds it in memory until the chain ends. " +
                $"Keep it at or under {ProductionReadinessConstants.LargeBufferedBodyBytes.ToString("N0", CultureInfo.InvariantCulture)} unless large retried uploads are the point.",
                $"{Root}:MaxBufferedBodyBytes"));
        }

        if (options.Logging.LogQueryString)
        {
            findings.Add(new(ReadinessSeverity.Warning, "log-query-string",
                "Logging:LogQueryString is on: tokens and personal data passed in query strings end up in the request log.",
                $"{Root}:Logging:LogQueryString"));
        }

        if (options.Logging.TrustedProxies.Count == 0)
        {
            findings.Add(new(ReadinessSeverity.Info, "no-trusted-proxies",
                "No trusted proxy is configured, so X-Forwarded-For is ignored and the request log records the immediate peer (your load balancer, if there is one). List its addresses in Logging:TrustedProxies.",
                $"{Root}:Logging:TrustedProxies"));
        }

        // The standard variable enables export on its own (Bulwark.AspNetCore's AddBulwarkTelemetry reads it from the
        // same configuration, whose environment variables carry it).
        if (options.Telemetry.OtlpEndpoint is null && string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            findings.Add(new(ReadinessSeverity.Info, "no-otlp-endpoint",
                "No OTLP endpoint is set: metrics are only scraped from /metrics and no traces are exported. Set Telemetry:OtlpEndpoint (or OTEL_EXPORTER_OTLP_ENDPOINT) to send them to a collector.",
                $"{Root}:Telemetry:OtlpEndpoint"));
        }
    }

    private static (TimeSpan Value, bool IsDefault) DrainTimeout(IConfiguration configuration)
    {
        // Read as text: the shutdown section's options belong to another component, and its own validation reports a bad value.
        string? text = configuration[ProductionReadinessConstants.DrainTimeoutKey];
        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var value) && value > TimeSpan.Zero
            ? (value, false)
            : (ProductionReadinessConstants.DefaultDrainTimeout, true);
    }

    private static bool LooksSecret(string headerName) =>
        ProductionReadinessConstants.SecretHeaderNames.Contains(headerName, StringComparer.OrdinalIgnoreCase) ||
        ProductionReadinessConstants.SecretHeaderWords.Any(word => headerName.Contains(word, StringComparison.OrdinalIgnoreCase));

    private static string Format(TimeSpan value) => value.ToString("c", CultureInfo.InvariantCulture);
}
