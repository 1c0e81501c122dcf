using System.Buffers;
using System.Text;
using System.Text.Json;
using Bulwark.AspNetCore.Health.Readings;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Polly.CircuitBreaker;

namespace Bulwark.AspNetCore.Health;

/// <summary>JSON writing shared by the health and admin endpoints: hand-written, so it needs no reflection.</summary>
internal static class HealthJson
{
    public const string ContentType = "application/json; charset=utf-8";

    public static bool IsOpen(CircuitState state) => state is CircuitState.Open or CircuitState.Isolated;

    public static string StateName(CircuitState state) => state switch
    {
        CircuitState.Closed => "closed",
        CircuitState.Open => "open",
        CircuitState.HalfOpen => "half_open",
        CircuitState.Isolated => "isolated",
        _ => SnakeCase(state.ToString()),
    };

    public static string StatusName(HealthStatus status) => status switch
    {
        HealthStatus.Healthy => "healthy",
        HealthStatus.Degraded => "degraded",
        _ => "unhealthy",
    };

    public static string SnakeCase(string pascal)
    {
        var builder = new StringBuilder(pascal.Length + 4);
        for (var i = 0; i < pascal.Length; i++)
        {
            var c = pascal[i];
            if (char.IsUpper(c))
            {
                if (i > 0)
                {
                    builder.Append('_');
                }

                builder.Append(char.ToLowerInvariant(c));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    /// <summary>Writes one breaker as an object: the fields of <c>/health/circuit-breakers</c> and <c>/admin/breakers</c>.</summary>
    public static void WriteBreaker(Utf8JsonWriter writer, BreakerReading reading)
    {
        writer.WriteStartObject();
        if (reading.Health is not { } health)
        {
            writer.WriteString("state", StateName(CircuitState.Closed));
            writer.WriteBoolean("started", false);
            writer.WriteEndObject();
            return;
        }

        writer.WriteString("state", StateName(health.State));
        writer.WriteString("mode", SnakeCase(health.Mode.ToString()));
        writer.WriteNumber("failure_count", health.WindowFailures);
        writer.WriteNumber("success_count", Math.Max(0, health.WindowCalls - health.WindowFailures));
        writer.WriteNumber("total_count", health.WindowCalls);
        writer.WriteNumber("failure_rate", Math.Round(health.FailureRate, 4));
        writer.WriteNumber("consecutive_failures", health.ConsecutiveFailures);
        WriteNullable(writer, "threshold", health.Threshold);
        WriteNullable(writer, "baseline", health.Baseline);
        writer.WriteNumber("trip_count", health.TripCount);
        WriteNullable(writer, "open_until", health.OpenUntil);
        WriteNullable(writer, "last_transition_at", health.LastTransitionAt);
        writer.WriteString("last_transition_reason", SnakeCase(health.LastTransitionReason.ToString()));
        writer.WriteEndObject();
    }

    public static void WriteNullable(Utf8JsonWriter writer, string name, double? value)
    {
        if (value is { } number)
        {
            writer.WriteNumber(name, Math.Round(number, 4));
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    public static void WriteNullable(Utf8JsonWriter writer, string name, DateTimeOffset? value)
    {
        if (value is { } time)
        {
            writer.WriteString(name, time.UtcDateTime);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    public static Task WriteAsync<TState>(HttpContext context, TState state, Action<Utf8JsonWriter, TState> write) =>
        WriteAsync(context, state, write, ContentType);

    /// <summary>Writes what <paramref name="write"/> produces as the response body, of <paramref name="contentType"/>.</summary>
    public static async Task WriteAsync<TState>(HttpContext context, TState state, Action<Utf8JsonWriter, TState> write, string contentType)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false }))
        {
            write(writer, state);
        }

        context.Response.ContentType = contentType;
        context.Response.ContentLength = buffer.WrittenCount;
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
    }
}
