using System.CommandLine;
using System.Globalization;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Hosting;
using Microsoft.Extensions.Options;

namespace Bulwark.Gateway.Cli;

/// <summary>
/// <c>bulwark check-config</c>: runs the validation <c>serve</c> runs, without listening, and prints every error, or a
/// summary of what the gateway would do; with <c>--production</c>, also the production-readiness findings.
/// </summary>
internal static class CheckConfigCommand
{
    public const int Invalid = 1;

    public static Command Create()
    {
        var config = new Option<FileInfo>("--config") { Description = "The gateway's JSON configuration file.", Required = true };
        var production = new Option<bool>("--production") { Description = "Also check production readiness; exit 1 on any error-severity finding." };
        var command = new Command("check-config", "Validate a configuration file as 'serve' would, and summarize it, without starting the gateway.") { config, production };
        command.SetAction((parse, _) => RunAsync(
            new GatewayHostSettings(parse.GetValue(config)!.FullName, null, ["http://127.0.0.1:0"]),
            parse.GetValue(production),
            parse.InvocationConfiguration.Output,
            parse.InvocationConfiguration.Error));
        return command;
    }

    public static async Task<int> RunAsync(GatewayHostSettings settings, bool production, TextWriter output, TextWriter error)
    {
        string file = settings.ConfigPath ?? "(inline JSON)";
        if (settings.ConfigPath is { } path && !File.Exists(path))
        {
            await error.WriteLineAsync($"bulwark: the configuration file '{path}' does not exist.").ConfigureAwait(false);
            return Invalid;
        }

        LoadedGatewayConfiguration loaded;
        try
        {
            loaded = GatewayConfiguration.Load(settings);
            await GatewayConfiguration.ValidateHostAsync(settings, loaded).ConfigureAwait(false);
        }
        catch (OptionsValidationException e)
        {
            var failures = e.Failures.ToList();
            await error.WriteLineAsync($"bulwark: {file}: the configuration has {failures.Count} error(s); 'serve' would not start:").ConfigureAwait(false);
            foreach (var failure in failures)
            {
                await error.WriteLineAsync("  - " + failure).ConfigureAwait(false);
            }

            return Invalid;
        }
        catch (InvalidDataException e)
        {
            await error.WriteLineAsync($"bulwark: {file}: not valid JSON: {e.GetBaseException().Message}").ConfigureAwait(false);
            return Invalid;
        }

        await output.WriteLineAsync(Summary(file, loaded)).ConfigureAwait(false);
        if (!production)
        {
            return 0;
        }

        var findings = ProductionReadiness.Evaluate(loaded.Options, loaded.Configuration);
        await output.WriteLineAsync(Report(findings)).ConfigureAwait(false);
        return findings.Any(f => f.Severity == ReadinessSeverity.Error) ? Invalid : 0;
    }

    internal static string Summary(string file, LoadedGatewayConfiguration loaded)
    {
        var options = loaded.Options;
        var text = new System.Text.StringBuilder();
        var c = CultureInfo.InvariantCulture;
        text.AppendLine(c, $"bulwark: {file}: valid ({options.Routes.Count} route(s), {options.Providers.Count} provider(s), {options.Pipelines.Count} pipeline(s)).");

        text.AppendLine().AppendLine("Routes:");
        foreach (var route in options.Routes.Where(r => r is not null))
        {
            string methods = route.Methods.Count == 0 ? "any method" : string.Join(", ", route.Methods.Select(m => m.ToUpperInvariant()));
            string deferral = route.OnFailure == RouteFailureMode.Defer
                ? $"; defers failures: up to {route.Defer.MaxAttempts ?? options.Deliveries.MaxAttempts} attempts within {Format(route.Defer.TimeToLive ?? options.Deliveries.TimeToLive)}, bodies up to {route.Defer.MaxBodyBytes} bytes"
                : string.Empty;
            string fallback = route.Fallback switch
            {
                null => string.Empty,
                { Mode: Fallback.FallbackMode.LastGood } f => $"; fallback: last good GET response up to {Format(f.MaxAge)} old ({f.MaxEntries ?? Fallback.FallbackConstants.DefaultMaxEntries} kept, bodies up to {f.MaxBodyBytes ?? Fallback.FallbackConstants.DefaultMaxBodyBytes} bytes)",
                var f => $"; fallback: {f.StatusCode ?? Fallback.FallbackConstants.DefaultStatusCode} {f.ContentType ?? Fallback.FallbackConstants.DefaultContentType}",
            };
            text.AppendLine(c, $"  {route.Path}  ({methods}; timeout {Format(route.Timeout)}{(route.Idempotent == true ? "; idempotent" : string.Empty)}{(route.Api != RouteApi.Http ? $"; API {route.Api}" : string.Empty)}{(route.Uploads?.AbortMultipartOnFailure == true ? "; aborts failed multipart uploads" : string.Empty)}{deferral}{fallback})");
            for (int i = 0; i < route.Providers.Count; i++)
            {
                var provider = options.Providers[route.Providers[i]];
                string headers = provider.Headers.Count == 0 ? string.Empty
                    : "; headers " + string.Join(", ", provider.Headers.Select(h => h.Value.FromEnvironment is { } variable ? $"{h.Key} from ${variable}" : $"{h.Key} (literal)"));
                string auth = provider.Auth?.Type switch
                {
                    null => string.Empty,
                    ProviderAuthType.AwsSigV4 => $"; auth AwsSigV4 ({provider.Auth.Region}, {provider.Auth.Service ?? ProviderAuthConstants.DefaultAwsService})",
                    ProviderAuthType.OAuth2ClientCredentials => $"; auth OAuth2ClientCredentials at {provider.Auth.TokenEndpoint}",
                    var type => $"; auth {type}",
                };
                text.AppendLine(c, $"    {i + 1}. {route.Providers[i]}  {provider.BaseUrl}  pipeline {provider.Pipeline}{headers}{auth}");
            }
        }

        var storage = options.Storage;
        string store = storage.Provider switch
        {
            GatewayStoreProvider.InMemory => "in memory (nothing survives a restart)",
            GatewayStoreProvider.Postgres => $"PostgreSQL, schema {storage.Schema ?? "bulwark"}, connection string {(storage.ConnectionStringFromEnvironment is { } variable ? $"from ${variable}" : "(literal)")}",
            _ => $"SQLite {storage.SqlitePath}",
        };
        text.AppendLine().AppendLine(c, $"Store: {store}; on failure to open: {storage.OnStoreFailure}.");
        string spooled = options.MaxReplayableBodyBytes > 0
            ? $"spooled for retries up to {options.MaxReplayableBodyBytes} in {options.Spool.Directory ?? "the temporary directory"} ({(options.Spool.MaxBytes > 0 ? $"at most {options.Spool.MaxBytes} bytes at once" : "no cap but the disk")}); larger ones stream once"
            : "larger ones stream once";
        text.AppendLine(c, $"Bodies: buffered up to {options.MaxBufferedBodyBytes} bytes, {spooled}; all at most {options.Limits.MaxRequestBodyBytes} bytes.");

        text.AppendLine().AppendLine("Pipelines:");
        foreach (var (name, pipeline) in options.Pipelines.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            text.AppendLine(c, $"  {name}");
            if (pipeline is null)
            {
                continue;
            }

            if (pipeline.Retry is { } retry)
            {
                string budget = retry.Budget is { } b ? $"budget ratio {Format(b.Ratio)}, {b.MinRetriesPerSecond}/s minimum over {Format(b.Window)}" : "no budget";
                text.AppendLine(c, $"    Retry           {retry.MaxRetries} retries, {retry.Backoff} backoff {Format(retry.BaseDelay)} to {Format(retry.MaxDelay)}, jitter {retry.Jitter}, Retry-After {(retry.HonorRetryAfter ? "up to " + Format(retry.MaxRetryAfter) : "ignored")}, {budget}");
            }

            if (pipeline.CircuitBreaker is { } breaker)
            {
                string trigger = breaker.Mode switch
                {
                    Bulwark.CircuitBreaker.CircuitBreakerMode.ConsecutiveFailures => $"{breaker.FailureThreshold} consecutive failures",
                    Bulwark.CircuitBreaker.CircuitBreakerMode.Adaptive => $"adaptive, {breaker.MinimumThroughput} calls minimum over {Format(breaker.SamplingDuration)}",
                    _ => $"failure ratio {Format(breaker.FailureRatio)}, {breaker.MinimumThroughput} calls minimum over {Format(breaker.SamplingDuration)}",
                };
                text.AppendLine(c, $"    CircuitBreaker  {breaker.Mode}: opens on {trigger}; breaks for {Format(breaker.BreakDuration)}");
            }
            else
            {
                text.AppendLine("    CircuitBreaker  none");
            }

            text.AppendLine(c, $"    Timeout         attempt {Format(pipeline.Timeout?.Attempt)}, total {Format(pipeline.Timeout?.Total)}");
            text.AppendLine(pipeline.Bulkhead is { } bulkhead
                ? $"    Bulkhead        {bulkhead.MaxConcurrency} concurrent, queue {bulkhead.QueueLimit}, wait up to {Format(bulkhead.MaxWait)}"
                : "    Bulkhead        none");
            if (pipeline.Fallback is { } fallback)
            {
                text.AppendLine(c, $"    Fallback        {fallback.StatusCode} {fallback.ContentType}");
            }

            if (pipeline.TransientStatusCodes is { } codes)
            {
                text.AppendLine(c, $"    Transient       {string.Join(", ", codes)}");
            }
        }

        var overrides = options.GetEnvironmentOverrides();
        if (overrides.Count > 0)
        {
            text.AppendLine().AppendLine("Environment variables (seed):");
            foreach (var variable in overrides)
            {
                text.AppendLine(variable.Pipelines.Count > 0
                    ? $"  {variable.Variable}  changed {string.Join(", ", variable.Pipelines)}"
                    : $"  {variable.Variable}  changed nothing (FINDING: another variable takes precedence, or its value keeps what is configured)");
            }
        }

        return text.ToString().TrimEnd();
    }

    internal static string Report(IReadOnlyList<ReadinessFinding> findings)
    {
        var text = new System.Text.StringBuilder();
        var c = CultureInfo.InvariantCulture;
        int errors = findings.Count(f => f.Severity == ReadinessSeverity.Error);
        text.AppendLine().AppendLine(c, $"Production readiness: {(errors == 0 ? "ready" : "NOT ready")} ({errors} error(s), {findings.Count(f => f.Severity == ReadinessSeverity.Warning)} warning(s), {findings.Count(f => f.Severity == ReadinessSeverity.Info)} info).");
        foreach (var group in findings.GroupBy(f => f.Severity).OrderBy(g => g.Key))
        {
            text.AppendLine().AppendLine(c, $"{group.Key switch { ReadinessSeverity.Error => "Errors", ReadinessSeverity.Warning => "Warnings", _ => "Info" }}:");
            foreach (var finding in group)
            {
                text.AppendLine(c, $"  [{finding.Code}] {finding.Path}").AppendLine(c, $"      {finding.Message}");
            }
        }

        return text.ToString().TrimEnd();
    }

    private static string Format(TimeSpan? value) => value is { } v ? v.ToString("c", CultureInfo.InvariantCulture) : "none";

    private static string Format(double value) => value.ToString(CultureInfo.InvariantCulture);
}
