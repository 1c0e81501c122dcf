using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Bulwark.AspNetCore.Health;
using Bulwark.AspNetCore.ProviderHealth;
using Bulwark.CircuitBreaker;
using Bulwark.Deliveries;
using Bulwark.Gateway.Budgets;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Deferral;
using Bulwark.Gateway.Reload;
using Bulwark.Gateway.Routing;
using Bulwark.Gateway.Storage;
using Bulwark.Storage;
using Bulwark.Storage.Usage;
using Polly.CircuitBreaker;

namespace Bulwark.Gateway.Dashboard;

/// <summary>
/// What the operator page shows, as one JSON document: providers (breaker, health score, bulkhead), the charts' points
/// since the page's last, breaker transitions, deferred deliveries and dead letters, usage and cost, and the configuration
/// in force with its reload status, and the budget counters that have used the most of their limit with their forecasts.
/// The store's parts are read at most every <see cref="DashboardConstants.StoreReadingMaxAge"/>,
/// whatever the number of pages open.
/// </summary>
internal sealed class DashboardState(
    LiveGatewayConfiguration live,
    IProviderStatistics statistics,
    TrafficHistory traffic,
    BreakerTransitionLog transitions,
    GatewayStore store,
    ConfigurationReloadStatus reload,
    BulwarkReadiness readiness,
    BudgetBook budgets,
    BudgetForecasts forecasts,
    TimeProvider time)
{
    private static readonly string? Version = typeof(DashboardState).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;

    // Made at start-up (MapGatewayDashboard resolves it), so this is the gateway's start.
    private readonly long _started = time.GetTimestamp();
    private StoreReading? _storeReading;
    private readonly SemaphoreSlim _readingBudgets = new(1, 1);
    private BudgetReading? _budgetReading;

    /// <summary>Writes the document; the series hold the seconds after <paramref name="since"/> (Unix seconds), at most the whole history.</summary>
    public async Task WriteAsync(Utf8JsonWriter json, string csrfToken, long? since, CancellationToken cancellationToken)
    {
        var reading = await ReadStoreAsync(cancellationToken).ConfigureAwait(false);
        var budgetReading = await ReadBudgetsAsync(cancellationToken).ConfigureAwait(false);
        var table = live.Table;
        var options = live.Options;
        json.WriteStartObject();
        json.WriteString("now", time.GetUtcNow());
        json.WriteString("status", readiness.IsDraining ? "draining" : "running");
        json.WriteString("version", Version);
        json.WriteNumber("uptime_seconds", Math.Round(time.GetElapsedTime(_started).TotalSeconds));
        json.WriteNumber("poll_interval_ms", DashboardConstants.PollInterval.TotalMilliseconds);
        json.WriteString("csrf_token", csrfToken);
        WriteSeries(json, table, since);
        WriteProviders(json, table);
        WriteTransitions(json);
        WriteDeliveries(json, reading);
        WriteUsage(json, reading);
        WriteBudgets(json, budgetReading);
        WriteConfiguration(json, options);
        json.WriteEndObject();
    }

    internal static string StateName(CircuitState state) => state switch
    {
        CircuitState.Closed => "closed",
        CircuitState.HalfOpen => "half_open",
        CircuitState.Open => "open",
        _ => "isolated",
    };

    private void WriteSeries(Utf8JsonWriter json, GatewayRouteTable table, long? since)
    {
        // Whole seconds only: the one under way would read as a dip.
        long to = traffic.CurrentSecond - 1;
        long from = Math.Max(to - DashboardConstants.HistorySeconds + 1, since is { } last ? last + 1 : long.MinValue);
        json.WriteStartObject("series");
        json.WriteNumber("from", from);
        json.WriteNumber("to", to);
        json.WriteStartObject("gateway");
        WritePoints(json, traffic.Gateway.Read(from, to), provider: false);
        json.WriteEndObject();
        json.WriteStartObject("providers");
        foreach (var name in table.Providers.Keys)
        {
            json.WriteStartObject(name);
            WritePoints(json, traffic.Provider(name)?.Read(from, to) ?? new TrafficPoint[Math.Max(0, (int)(to - from + 1))], provider: true);
            json.WriteEndObject();
        }

        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WritePoints(Utf8JsonWriter json, TrafficPoint[] points, bool provider)
    {
        json.WriteStartArray(provider ? "attempts" : "requests");
        foreach (var point in points)
        {
            json.WriteNumberValue(point.Count);
        }

        json.WriteEndArray();
        json.WriteStartArray(provider ? "failures" : "errors");
        foreach (var point in points)
        {
            json.WriteNumberValue(point.Failures);
        }

        json.WriteEndArray();
        if (provider)
        {
            json.WriteStartArray("rejections");
            foreach (var point in points)
            {
                json.WriteNumberValue(point.Rejections);
            }

            json.WriteEndArray();
        }

        WriteMilliseconds(json, "mean_ms", points, static p => p.MeanMilliseconds);
        WriteMilliseconds(json, "p95_ms", points, static p => p.P95Milliseconds);
    }

    private static void WriteMilliseconds(Utf8JsonWriter json, string name, TrafficPoint[] points, Func<TrafficPoint, double?> value)
    {
        json.WriteStartArray(name);
        foreach (var point in points)
        {
            if (value(point) is { } ms)
            {
                json.WriteNumberValue(Math.Round(ms, 3));
            }
            else
            {
                json.WriteNullValue();
            }
        }

        json.WriteEndArray();
    }

    private void WriteProviders(Utf8JsonWriter json, GatewayRouteTable table)
    {
        var health = new Dictionary<string, ProviderStatisticsSnapshot>(StringComparer.Ordinal);
        foreach (var snapshot in statistics.Snapshot())
        {
            health[snapshot.Provider] = snapshot;
        }

        json.WriteStartArray("providers");
        foreach (var (name, provider) in table.Providers)
        {
            json.WriteStartObject();
            json.WriteString("name", name);
            json.WriteString("base_url", provider.BaseUrl);
            json.WriteString("pipeline", provider.Pipeline.Name);
            WriteBreaker(json, provider.Pipeline.CircuitBreaker);
            if (health.TryGetValue(name, out var reading))
            {
                json.WriteStartObject("health");
                json.WriteNumber("score", reading.HealthScore);
                json.WriteString("status", reading.Status);
                json.WriteNumber("samples", reading.Samples);
                json.WriteNumber("error_rate", Math.Round(reading.ErrorRate, 4));
                WriteNullable(json, "latency_p50_ms", reading.LatencyP50Milliseconds);
                WriteNullable(json, "latency_p95_ms", reading.LatencyP95Milliseconds);
                json.WriteString("anomaly", reading.Anomaly.ToString());
                json.WriteEndObject();
            }
            else
            {
                json.WriteNull("health");
            }

            if (provider.Pipeline.Bulkhead is { } bulkhead)
            {
                json.WriteStartObject("bulkhead");
                json.WriteNumber("active", bulkhead.Active);
                json.WriteNumber("queued", bulkhead.Queued);
                json.WriteNumber("max_concurrency", bulkhead.MaxConcurrency);
                json.WriteNumber("queue_limit", bulkhead.QueueLimit);
                json.WriteNumber("rejected_total", bulkhead.RejectedTotal);
                json.WriteBoolean("built", bulkhead.IsBound);
                json.WriteEndObject();
            }
            else
            {
                json.WriteNull("bulkhead");
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static void WriteBreaker(Utf8JsonWriter json, CircuitBreakerHandle? handle)
    {
        if (handle is null)
        {
            json.WriteNull("breaker");
            return;
        }

        json.WriteStartObject("breaker");
        json.WriteString("state", StateName(handle.State));
        json.WriteBoolean("built", handle.IsBound);
        if (handle.IsBound)
        {
            var health = handle.GetHealth();
            json.WriteString("mode", health.Mode.ToString());
            json.WriteNumber("window_calls", health.WindowCalls);
            json.WriteNumber("window_failures", health.WindowFailures);
            json.WriteNumber("failure_rate", Math.Round(health.FailureRate, 4));
            WriteNullable(json, "threshold", health.Threshold);
            json.WriteNumber("trip_count", health.TripCount);
            WriteNullable(json, "open_until", health.OpenUntil);
            WriteNullable(json, "last_transition_at", health.LastTransitionAt);
            json.WriteString("last_transition_reason", health.LastTransitionReason.ToString());
        }

        json.WriteEndObject();
    }

    private void WriteTransitions(Utf8JsonWriter json)
    {
        json.WriteStartArray("transitions");
        foreach (var (provider, transition) in transitions.Recent())
        {
            json.WriteStartObject();
            json.WriteString("at", transition.At);
            json.WriteString("provider", provider);
            json.WriteString("from", StateName(transition.From));
            json.WriteString("to", StateName(transition.To));
            json.WriteString("reason", transition.Reason.ToString());
            json.WriteNumber("failure_rate", Math.Round(transition.FailureRate, 4));
            if (transition.To == CircuitState.Open)
            {
                json.WriteNumber("break_seconds", Math.Round(transition.BreakDuration.TotalSeconds, 3));
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static void WriteDeliveries(Utf8JsonWriter json, StoreReading reading)
    {
        json.WriteStartObject("deliveries");
        json.WriteBoolean("available", reading.DeliveriesError is null);
        WriteNullable(json, "error", reading.DeliveriesError);
        json.WriteStartObject("counts");
        foreach (var state in Enum.GetValues<DeliveryState>())
        {
            json.WriteNumber(DeliveryStateNames.Of(state), reading.Counts.TryGetValue(state, out long count) ? count : 0);
        }

        json.WriteEndObject();
        json.WriteStartArray("dead_letters");
        foreach (var entry in reading.DeadLetters)
        {
            GatewayDeferral.WriteStatus(json, entry, forOperator: true);
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteUsage(Utf8JsonWriter json, StoreReading reading)
    {
        json.WriteStartObject("usage");
        json.WriteBoolean("available", reading.UsageError is null);
        WriteNullable(json, "error", reading.UsageError);
        json.WriteString("currency", UsageConstants.Currency);
        json.WriteString("from", reading.At.AddDays(-1));
        json.WriteString("to", reading.At);
        json.WriteStartArray("providers");
        foreach (var total in reading.Usage)
        {
            Ledger.UsageEndpoints.WriteTotal(json, total);
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteBudgets(Utf8JsonWriter json, BudgetReading reading)
    {
        json.WriteStartArray("budgets");
        foreach (var (status, forecast) in reading.Shown)
        {
            BudgetStatusJson.WriteCounter(json, status, forecast);
        }

        json.WriteEndArray();
        json.WriteNumber("budgets_total", reading.Total);
    }

    /// <summary>
    /// The counters to show and their forecasts, read at most every <see cref="DashboardConstants.BudgetReadingMaxAge"/>
    /// whatever the number of pages open: the book's status walks every counter under the lock that reservations take.
    /// </summary>
    private async Task<BudgetReading> ReadBudgetsAsync(CancellationToken cancellationToken)
    {
        if (budgets.Budgets.Count == 0)
        {
            return BudgetReading.None;
        }

        if (FreshBudgetReading() is { } cached)
        {
            return cached;
        }

        await _readingBudgets.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (FreshBudgetReading() is { } again)
            {
                return again;
            }

            var statuses = budgets.Status();
            var shown = BudgetStatusJson.MostUsed(statuses, DashboardConstants.BudgetCount);
            var written = new List<(BudgetCounterStatus, BudgetForecastView?)>(shown.Count);
            foreach (var status in shown)
            {
                written.Add((status, await forecasts.ForecastAsync(status, cancellationToken).ConfigureAwait(false)));
            }

            var reading = new BudgetReading(time.GetUtcNow(), written, statuses.Count);
            Volatile.Write(ref _budgetReading, reading);
            return reading;
        }
        finally
        {
            _readingBudgets.Release();
        }
    }

    private BudgetReading? FreshBudgetReading()
    {
        var now = time.GetUtcNow();
        return Volatile.Read(ref _budgetReading) is { } cached && now >= cached.At && now - cached.At < DashboardConstants.BudgetReadingMaxAge ? cached : null;
    }

    private void WriteConfiguration(Utf8JsonWriter json, GatewayOptions options)
    {
        json.WriteStartObject("configuration");
        json.WritePropertyName("reload");
        if (reload.GetStatus() is { } status)
        {
            status.WriteTo(json);
        }
        else
        {
            json.WriteNullValue();
        }

        json.WriteStartObject("store");
        json.WriteString("description", store.Description);
        json.WriteBoolean("available", store.IsAvailable && store.Failure is null);
        WriteNullable(json, "problem", store.UnavailableReason ?? store.Failure?.Message);
        json.WriteEndObject();

        json.WriteStartArray("routes");
        foreach (var route in options.Routes)
        {
            json.WriteStartObject();
            json.WriteString("path", route.Path);
            json.WriteString("methods", route.Methods.Count == 0 ? "any" : string.Join(", ", route.Methods.Select(static m => m.ToUpperInvariant())));
            json.WriteString("providers", string.Join(" → ", route.Providers));
            json.WriteString("api", route.Api.ToString());
            json.WriteString("on_failure", route.OnFailure.ToString());
            json.WriteString("timeout", Format(route.Timeout));
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("pipelines");
        foreach (var (name, pipeline) in options.Pipelines.OrderBy(static p => p.Key, StringComparer.Ordinal))
        {
            json.WriteStartObject();
            json.WriteString("name", name);
            json.WriteString("retry", pipeline?.Retry is { } retry
                ? $"{retry.MaxRetries} {(retry.MaxRetries == 1 ? "retry" : "retries")}, {retry.Backoff} backoff {Format(retry.BaseDelay)} to {Format(retry.MaxDelay)}, jitter {retry.Jitter}"
                : "none");
            json.WriteString("circuit_breaker", pipeline?.CircuitBreaker is { } breaker
                ? breaker.Mode switch
                {
                    CircuitBreakerMode.ConsecutiveFailures => $"{breaker.FailureThreshold} consecutive failures",
                    CircuitBreakerMode.Adaptive => $"adaptive, {breaker.MinimumThroughput} calls minimum over {Format(breaker.SamplingDuration)}",
                    _ => $"failure ratio {breaker.FailureRatio.ToString(CultureInfo.InvariantCulture)}, {breaker.MinimumThroughput} calls minimum over {Format(breaker.SamplingDuration)}",
                } + $"; breaks for {Format(breaker.BreakDuration)}"
                : "none");
            json.WriteString("timeout", $"attempt {Format(pipeline?.Timeout?.Attempt)}, total {Format(pipeline?.Timeout?.Total)}");
            json.WriteString("bulkhead", pipeline?.Bulkhead is { } bulkhead
                ? $"{bulkhead.MaxConcurrency} concurrent, queue {bulkhead.QueueLimit}, wait up to {Format(bulkhead.MaxWait)}"
                : "none");
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private async Task<StoreReading> ReadStoreAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var cached = Volatile.Read(ref _storeReading);
        if (cached is not null && now - cached.At < DashboardConstants.StoreReadingMaxAge && now >= cached.At)
        {
            return cached;
        }

        IReadOnlyDictionary<DeliveryState, long> counts = new Dictionary<DeliveryState, long>();
        IReadOnlyList<DeliveryEntry> dead = [];
        string? deliveriesError = null;
        try
        {
            counts = await store.CountAsync(cancellationToken).ConfigureAwait(false);
            dead = await store.ListAsync(DeliveryState.Dead, DashboardConstants.DeadLetterCount, cancellationToken).ConfigureAwait(false);
        }
        catch (StoreUnavailableException e)
        {
            deliveriesError = "The store cannot be read: " + e.Message;
        }

        IReadOnlyList<UsageLedgerTotal> usage = [];
        string? usageError = null;
        if (store.UsageStore is not { } ledger || !store.IsAvailable)
        {
            usageError = "The usage ledger needs the SQLite or PostgreSQL store, and the gateway runs without it.";
        }
        else
        {
            try
            {
                usage = await ledger.QueryUsageAsync(now.AddDays(-1), now, UsageLedgerGrouping.Provider, cancellationToken).ConfigureAwait(false);
            }
            catch (StoreUnavailableException e)
            {
                usageError = "The store cannot be read: " + e.Message;
            }
        }

        var reading = new StoreReading(now, counts, dead, deliveriesError, usage, usageError);
        Volatile.Write(ref _storeReading, reading);
        return reading;
    }

    private static void WriteNullable(Utf8JsonWriter json, string name, double? value)
    {
        if (value is { } v)
        {
            json.WriteNumber(name, Math.Round(v, 3));
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static void WriteNullable(Utf8JsonWriter json, string name, DateTimeOffset? value)
    {
        if (value is { } v)
        {
            json.WriteString(name, v);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static void WriteNullable(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static string Format(TimeSpan? value) => value switch
    {
        null => "none",
        { } v when v < TimeSpan.FromSeconds(1) => v.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture) + " ms",
        { } v when v < TimeSpan.FromMinutes(1) => v.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s",
        { } v when v < TimeSpan.FromHours(1) && v.Ticks % TimeSpan.TicksPerMinute == 0 => v.TotalMinutes.ToString(CultureInfo.InvariantCulture) + " min",
        { } v => v.ToString("c", CultureInfo.InvariantCulture),
    };

    private sealed record BudgetReading(DateTimeOffset At, IReadOnlyList<(BudgetCounterStatus Status, BudgetForecastView? Forecast)> Shown, int Total)
    {
        public static readonly BudgetReading None = new(DateTimeOffset.MinValue, [], 0);
    }

    private sealed record StoreReading(
        DateTimeOffset At,
        IReadOnlyDictionary<DeliveryState, long> Counts,
        IReadOnlyList<DeliveryEntry> DeadLetters,
        string? DeliveriesError,
        IReadOnlyList<UsageLedgerTotal> Usage,
        string? UsageError);
}
