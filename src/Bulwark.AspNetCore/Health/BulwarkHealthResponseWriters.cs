using System.Text.Json;
using Bulwark.AspNetCore.ErrorRate;
using Bulwark.AspNetCore.Health.Readings;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Bulwark.AspNetCore.Health;

/// <summary>
/// The JSON bodies of Bulwark's health endpoints, as <see cref="HealthCheckOptions"/>-style response writers. Names are
/// snake_case; times are ISO 8601 UTC; rates are fractions (0 to 1) unless the name ends in <c>_percent</c>.
/// Status codes come from the health check middleware: healthy and degraded answer 200 (read <c>status</c> to tell them
/// apart), unhealthy answers 503.
/// </summary>
public static class BulwarkHealthResponseWriters
{
    /// <summary>
    /// <c>/health/live</c>: <c>{"status":"live"}</c>, or <c>{"status":"unhealthy"}</c> if a live-tagged check failed.
    /// </summary>
    /// <param name="context">The request.</param>
    /// <param name="report">The live-tagged checks' report.</param>
    /// <returns>A task that completes when the body is written.</returns>
    public static Task WriteLiveAsync(HttpContext context, HealthReport report)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(report);
        return HealthJson.WriteAsync(context, report, static (writer, report) =>
        {
            writer.WriteStartObject();
            writer.WriteString("status", report.Status == HealthStatus.Unhealthy ? "unhealthy" : "live");
            writer.WriteEndObject();
        });
    }

    /// <summary>
    /// <c>/health/ready</c>: <c>{"status":"ready"|"not_ready","checks":{"configuration":{"status":"healthy","description":"..."},"draining":{...},...}}</c>,
    /// one entry per ready-tagged check (an application's own, such as <c>store</c>, included). <c>not_ready</c> (503) when any
    /// check is unhealthy; a degraded check still answers <c>ready</c>.
    /// </summary>
    /// <param name="context">The request.</param>
    /// <param name="report">The ready-tagged checks' report.</param>
    /// <returns>A task that completes when the body is written.</returns>
    public static Task WriteReadyAsync(HttpContext context, HealthReport report)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(report);
        return HealthJson.WriteAsync(context, report, static (writer, report) =>
        {
            writer.WriteStartObject();
            writer.WriteString("status", report.Status == HealthStatus.Unhealthy ? "not_ready" : "ready");
            WriteChecks(writer, report);
            writer.WriteEndObject();
        });
    }

    /// <summary>
    /// <c>/health</c>, every check at once:
    /// <code>
    /// {
    ///   "status": "healthy" | "degraded" | "unhealthy",
    ///   "timestamp": "2025-01-01T12:00:00Z",
    ///   "checks": { "&lt;check&gt;": { "status": "healthy", "description": "..." } },
    ///   "circuit_breakers": { "&lt;provider&gt;": { breaker, as in /health/circuit-breakers } },
    ///   "bulkheads": { "&lt;provider&gt;": { "capacity": 100, "active_count": 5, "queued_count": 0, "queue_limit": 100,
    ///                                  "rejected_total": 0, "rejection_rate": 0.0 } },
    ///   "error_rate": { as in /health/error-rate, without "status" },
    ///   "providers": { "&lt;provider&gt;": { "status": "healthy", "description": "circuit closed", "metrics": { "failure_rate": 0.0 } } },
    ///   "&lt;section&gt;": { each registered <see cref="IBulwarkHealthSection"/>, such as the gateway's "alerts" }
    /// }
    /// </code>
    /// <c>rejection_rate</c> is rejections per second since an earlier sample (see <see cref="BulwarkHealthOptions.RateSampleInterval"/>).
    /// Open breakers, rejecting bulkheads, a high error rate and unwell providers make it <c>degraded</c> (200); only a
    /// failing ready or live check (not started, draining, the store) makes it <c>unhealthy</c> (503).
    /// </summary>
    /// <param name="context">The request.</param>
    /// <param name="report">The report of every registered check.</param>
    /// <returns>A task that completes when the body is written.</returns>
    public static Task WriteAggregateAsync(HttpContext context, HealthReport report)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(report);
        var now = (context.RequestServices.GetService<TimeProvider>() ?? TimeProvider.System).GetUtcNow();
        var sections = context.RequestServices.GetServices<IBulwarkHealthSection>();
        return HealthJson.WriteAsync(context, (report, now, sections), static (writer, state) =>
        {
            var (report, now, sections) = state;
            writer.WriteStartObject();
            writer.WriteString("status", HealthJson.StatusName(report.Status));
            writer.WriteString("timestamp", now.UtcDateTime);
            WriteChecks(writer, report);

            writer.WriteStartObject("circuit_breakers");
            foreach (var breaker in Data<IReadOnlyList<BreakerReading>>(report, BulwarkHealthConstants.CircuitBreakersCheck) ?? [])
            {
                writer.WritePropertyName(breaker.Name);
                HealthJson.WriteBreaker(writer, breaker);
            }

            writer.WriteEndObject();

            writer.WriteStartObject("bulkheads");
            foreach (var bulkhead in Data<IReadOnlyList<BulkheadReading>>(report, BulwarkHealthConstants.BulkheadsCheck) ?? [])
            {
                writer.WriteStartObject(bulkhead.Name);
                writer.WriteNumber("capacity", bulkhead.Capacity);
                writer.WriteNumber("active_count", bulkhead.Active);
                writer.WriteNumber("queued_count", bulkhead.Queued);
                writer.WriteNumber("queue_limit", bulkhead.QueueLimit);
                writer.WriteNumber("rejected_total", bulkhead.RejectedTotal);
                writer.WriteNumber("rejection_rate", bulkhead.RejectionRate);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();

            if (report.Entries.TryGetValue(BulwarkHealthConstants.ErrorRateCheck, out var errorRate)
                && errorRate.Data.TryGetValue(BulwarkHealthConstants.DataKey, out var value) && value is ErrorRateSnapshot snapshot)
            {
                writer.WriteStartObject("error_rate");
                WriteErrorRateFields(writer, snapshot);
                writer.WriteEndObject();
            }

            writer.WriteStartObject("providers");
            foreach (var provider in Data<IReadOnlyList<BulwarkProviderHealth>>(report, BulwarkHealthConstants.ProvidersCheck) ?? [])
            {
                writer.WriteStartObject(provider.Name);
                writer.WriteString("status", HealthJson.StatusName(provider.Status));
                writer.WriteString("description", provider.Description);
                if (provider.Metrics is { } metrics)
                {
                    writer.WriteStartObject("metrics");
                    foreach (var (name, metric) in metrics)
                    {
                        writer.WriteNumber(name, metric);
                    }

                    writer.WriteEndObject();
                }

                writer.WriteEndObject();
            }

            writer.WriteEndObject();
            foreach (var section in sections)
            {
                writer.WritePropertyName(section.Name);
                section.Write(writer);
            }

            writer.WriteEndObject();
        });
    }

    /// <summary>
    /// <c>/health/circuit-breakers</c>:
    /// <code>
    /// {
    ///   "status": "healthy" | "degraded",   (degraded while any breaker is open or isolated; always 200)
    ///   "open_count": 1,
    ///   "breakers": {
    ///     "&lt;provider&gt;": {
    ///       "state": "closed" | "open" | "half_open" | "isolated",
    ///       "mode": "consecutive_failures" | "failure_ratio" | "adaptive",
    ///       "failure_count": 3, "success_count": 17, "total_count": 20,   (the breaker's sliding window)
    ///       "failure_rate": 0.15, "consecutive_failures": 0,
    ///       "threshold": 0.5 | null, "baseline": 0.05 | null, "trip_count": 0,
    ///       "open_until": "..." | null, "last_transition_at": "..." | null, "last_transition_reason": "none" | "probes_succeeded" | ...
    ///     }
    ///   }
    /// }
    /// </code>
    /// A breaker whose pipeline has not been built yet is written as <c>{"state":"closed","started":false}</c>.
    /// </summary>
    /// <param name="context">The request.</param>
    /// <param name="report">The circuit breaker check's report.</param>
    /// <returns>A task that completes when the body is written.</returns>
    public static Task WriteCircuitBreakersAsync(HttpContext context, HealthReport report)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(report);
        return HealthJson.WriteAsync(context, report, static (writer, report) =>
        {
            var breakers = Data<IReadOnlyList<BreakerReading>>(report, BulwarkHealthConstants.CircuitBreakersCheck) ?? [];
            var open = 0;
            foreach (var breaker in breakers)
            {
                open += breaker.IsOpen ? 1 : 0;
            }

            writer.WriteStartObject();
            writer.WriteString("status", open > 0 ? "degraded" : "healthy");
            writer.WriteNumber("open_count", open);
            writer.WriteStartObject("breakers");
            foreach (var breaker in breakers)
            {
                writer.WritePropertyName(breaker.Name);
                HealthJson.WriteBreaker(writer, breaker);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        });
    }

    /// <summary>
    /// <c>/health/error-rate</c>:
    /// <code>
    /// { "status": "healthy" | "degraded", "error_count": 3, "success_count": 97, "total_requests": 100,
    ///   "error_rate_percent": 3.0, "window_seconds": 300 }
    /// </code>
    /// Counted by <c>UseBulwarkErrorRate()</c> over <see cref="BulwarkErrorRateOptions.Window"/>; degraded (still 200) at
    /// <see cref="BulwarkHealthOptions.ErrorRateDegradedPercent"/> once the window holds
    /// <see cref="BulwarkHealthOptions.ErrorRateMinimumRequests"/> requests.
    /// </summary>
    /// <param name="context">The request.</param>
    /// <param name="report">The error-rate check's report.</param>
    /// <returns>A task that completes when the body is written.</returns>
    public static Task WriteErrorRateAsync(HttpContext context, HealthReport report)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(report);
        return HealthJson.WriteAsync(context, report, static (writer, report) =>
        {
            writer.WriteStartObject();
            writer.WriteString("status", HealthJson.StatusName(report.Status));
            if (report.Entries.TryGetValue(BulwarkHealthConstants.ErrorRateCheck, out var entry)
                && entry.Data.TryGetValue(BulwarkHealthConstants.DataKey, out var value) && value is ErrorRateSnapshot snapshot)
            {
                WriteErrorRateFields(writer, snapshot);
            }

            writer.WriteEndObject();
        });
    }

    /// <summary>
    /// <c>/health/resources</c> (always 200):
    /// <code>
    /// {
    ///   "timestamp": "...",
    ///   "memory": { "working_set_bytes": 0, "working_set_mb": 0.0, "gc_heap_size_bytes": 0, "gc_total_memory_bytes": 0, "gc_total_allocated_bytes": 0 },
    ///   "cpu": { "percent": 1.5, "interval_seconds": 10.0, "processor_count": 2, "total_processor_time_seconds": 3.2 },
    ///   "threads": 30, "thread_pool_threads": 4, "open_handles": 120,
    ///   "gc": { "gen0_collections": 5, "gen1_collections": 2, "gen2_collections": 0 }
    /// }
    /// </code>
    /// <c>cpu.percent</c> is process CPU time over wall time and processor count (0 to 100) across the last
    /// <c>interval_seconds</c>: since an earlier reading (see <see cref="BulwarkHealthOptions.RateSampleInterval"/>).
    /// </summary>
    /// <param name="context">The request; needs <c>AddBulwarkHealth()</c>.</param>
    /// <returns>A task that completes when the body is written.</returns>
    public static Task WriteResourcesAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var reading = context.RequestServices.GetRequiredService<ResourceSampler>().Read();
        var now = (context.RequestServices.GetService<TimeProvider>() ?? TimeProvider.System).GetUtcNow();
        return HealthJson.WriteAsync(context, (reading, now), static (writer, state) =>
        {
            var (r, now) = state;
            writer.WriteStartObject();
            writer.WriteString("timestamp", now.UtcDateTime);
            writer.WriteStartObject("memory");
            writer.WriteNumber("working_set_bytes", r.WorkingSetBytes);
            writer.WriteNumber("working_set_mb", Math.Round(r.WorkingSetBytes / 1024.0 / 1024.0, 2));
            writer.WriteNumber("gc_heap_size_bytes", r.GcHeapSizeBytes);
            writer.WriteNumber("gc_total_memory_bytes", r.GcTotalMemoryBytes);
            writer.WriteNumber("gc_total_allocated_bytes", r.GcTotalAllocatedBytes);
            writer.WriteEndObject();
            writer.WriteStartObject("cpu");
            writer.WriteNumber("percent", r.CpuPercent);
            writer.WriteNumber("interval_seconds", r.CpuIntervalSeconds);
            writer.WriteNumber("processor_count", r.ProcessorCount);
            writer.WriteNumber("total_processor_time_seconds", r.TotalProcessorTimeSeconds);
            writer.WriteEndObject();
            writer.WriteNumber("threads", r.Threads);
            writer.WriteNumber("thread_pool_threads", r.ThreadPoolThreads);
            writer.WriteNumber("open_handles", r.OpenHandles);
            writer.WriteStartObject("gc");
            writer.WriteNumber("gen0_collections", r.Gen0Collections);
            writer.WriteNumber("gen1_collections", r.Gen1Collections);
            writer.WriteNumber("gen2_collections", r.Gen2Collections);
            writer.WriteEndObject();
            writer.WriteEndObject();
        });
    }

    private static void WriteErrorRateFields(Utf8JsonWriter writer, ErrorRateSnapshot snapshot)
    {
        writer.WriteNumber("error_count", snapshot.ErrorCount);
        writer.WriteNumber("success_count", snapshot.SuccessCount);
        writer.WriteNumber("total_requests", snapshot.TotalRequests);
        writer.WriteNumber("error_rate_percent", snapshot.ErrorRatePercent);
        writer.WriteNumber("window_seconds", snapshot.Window.TotalSeconds);
    }

    private static void WriteChecks(Utf8JsonWriter writer, HealthReport report)
    {
        writer.WriteStartObject("checks");
        foreach (var (name, entry) in report.Entries)
        {
            writer.WriteStartObject(name);
            writer.WriteString("status", HealthJson.StatusName(entry.Status));
            writer.WriteString("description", entry.Description ?? entry.Exception?.GetType().Name);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    private static T? Data<T>(HealthReport report, string check)
        where T : class =>
        report.Entries.TryGetValue(check, out var entry) && entry.Data.TryGetValue(BulwarkHealthConstants.DataKey, out var value)
            ? value as T
            : null;
}
