using System.Globalization;
using System.Text.Json;
using Bulwark.AspNetCore.Admin;
using Bulwark.AspNetCore.Redaction;
using Bulwark.ErrorMonitoring;
using Bulwark.Gateway.Clients;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Problems;
using Bulwark.Gateway.Requests;
using Microsoft.Net.Http.Headers;

namespace Bulwark.Gateway.Errors;

/// <summary>
/// Errors in and out of the monitor: <c>POST /bulwark/errors</c> (services in any language report their errors, with a
/// client key or the admin token) and <c>GET /admin/errors</c> (the fingerprints, filterable).
/// </summary>
internal static class ErrorEndpoints
{
    private const string AdminCaller = "admin";

    public static IEndpointRouteBuilder MapErrorIntake(this IEndpointRouteBuilder app)
    {
        app.MapPost("/bulwark/errors", static context => IntakeAsync(context));
        return app;
    }

    public static RouteGroupBuilder MapErrorsAdmin(this RouteGroupBuilder admin)
    {
        admin.MapGet("/errors", static context => ListAsync(context));
        return admin;
    }

    private static async Task IntakeAsync(HttpContext context)
    {
        string correlationId = RequestCorrelation.IdOf(context.Request);
        var services = context.RequestServices;
        if (await CallerAsync(context).ConfigureAwait(false) is not { } caller)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await GatewayProblem.Unauthorized(correlationId, "Error reports are taken from the holder of a valid gateway-issued key (Authorization: Bearer or X-Api-Key) or of the admin token (Authorization: Bearer).").WriteAsync(context, 0).ConfigureAwait(false);
            return;
        }

        var limiter = services.GetRequiredService<ErrorIntakeLimiter>();
        var (allowed, retryAfter) = limiter.TryTake(caller);
        if (!allowed)
        {
            await GatewayProblem.ErrorReportsLimited(correlationId, retryAfter, limiter.PerMinute).WriteAsync(context, 0).ConfigureAwait(false);
            return;
        }

        if (await ReadBodyAsync(context).ConfigureAwait(false) is not { } body)
        {
            await GatewayProblem.BadRequestBody(StatusCodes.Status413PayloadTooLarge, correlationId)
                .WithNote($" An error report is at most {ErrorsConstants.MaxIntakeBodyBytes.ToString("N0", CultureInfo.InvariantCulture)} bytes.")
                .WriteAsync(context, 0).ConfigureAwait(false);
            return;
        }

        var (report, mistake) = ErrorReportReader.Read(body);
        if (report is null)
        {
            await GatewayProblem.AdminBadRequest(correlationId, mistake!).WriteAsync(context, 0).ConfigureAwait(false);
            return;
        }

        // Names are shown by GET /admin/errors as given: redacted like the message, in case a caller put personal data there.
        var redactor = services.GetRequiredService<PiiRedactor>();
        string fingerprint = services.GetRequiredService<IErrorMonitor>().Record(
            redactor.Redact(report.Type),
            report.Message,
            report.Severity,
            new ErrorContext
            {
                Service = Redact(redactor, report.Service),
                Route = Redact(redactor, report.Route),
                Provider = Redact(redactor, report.Provider),
                StatusCode = report.Status,
                Attributes = report.Attributes,
            },
            report.RecoveryAttempted,
            report.RecoverySucceeded);

        context.Response.StatusCode = StatusCodes.Status202Accepted;
        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        await using var json = new Utf8JsonWriter(context.Response.Body);
        json.WriteStartObject();
        json.WriteString("fingerprint", fingerprint);
        json.WriteEndObject();
        await json.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Who reports: the admin token, else a valid client key (its id); <see langword="null"/> for neither.</summary>
    private static async ValueTask<string?> CallerAsync(HttpContext context)
    {
        var headers = context.Request.Headers;
        string? authorization = headers[HeaderNames.Authorization] is [{ } value] ? value : null;
        if (authorization is not null && context.RequestServices.GetRequiredService<AdminToken>().Verify(authorization))
        {
            return AdminCaller;
        }

        string? presented = Clients.ClientIdentificationMiddleware.Presented(headers);
        if (presented is null)
        {
            return null;
        }

        var (_, identity) = await context.RequestServices.GetRequiredService<ClientKeys>().CheckAsync(presented, context.RequestAborted).ConfigureAwait(false);
        return identity is null ? null : identity.LimiterKey;
    }

    /// <summary>The body, read up to the limit; <see langword="null"/> when it is larger.</summary>
    private static async ValueTask<byte[]?> ReadBodyAsync(HttpContext context)
    {
        if (context.Request.ContentLength is > ErrorsConstants.MaxIntakeBodyBytes)
        {
            return null;
        }

        var buffer = new byte[ErrorsConstants.MaxIntakeBodyBytes + 1];
        int read = 0;
        while (read < buffer.Length)
        {
            int n = await context.Request.Body.ReadAsync(buffer.AsMemory(read), context.RequestAborted).ConfigureAwait(false);
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        return read > ErrorsConstants.MaxIntakeBodyBytes ? null : buffer[..read];
    }

    private static string? Redact(PiiRedactor redactor, string? value) => value is null ? null : redactor.Redact(value);

    private static async Task ListAsync(HttpContext context)
    {
        string correlationId = RequestCorrelation.IdOf(context.Request);
        var query = context.Request.Query;
        ErrorSeverity? severity = null;
        if (query["severity"] is [{ } asked])
        {
            if (!Enum.TryParse(asked, ignoreCase: true, out ErrorSeverity parsed) || !Enum.IsDefined(parsed) || asked.Any(char.IsAsciiDigit))
            {
                await GatewayProblem.AdminBadRequest(correlationId, "Query 'severity' must be one of 'info', 'warning', 'error' and 'critical' (the lowest severity listed).").WriteAsync(context, 0).ConfigureAwait(false);
                return;
            }

            severity = parsed;
        }

        int limit = 100;
        if (query["limit"] is [{ } limitText] && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > 10_000))
        {
            await GatewayProblem.AdminBadRequest(correlationId, "Query 'limit' must be an integer from 1 to 10000.").WriteAsync(context, 0).ConfigureAwait(false);
            return;
        }

        var filter = new ErrorSnapshotFilter
        {
            Provider = NonEmpty(query["provider"]),
            Route = NonEmpty(query["route"]),
            Service = NonEmpty(query["service"]),
            MinimumSeverity = severity,
            Limit = limit,
        };
        var fingerprints = context.RequestServices.GetRequiredService<IErrorMonitor>().GetSnapshot(filter);

        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        await using var json = new Utf8JsonWriter(context.Response.Body);
        json.WriteStartObject();
        json.WriteStartArray("errors");
        foreach (var entry in fingerprints)
        {
            Write(json, entry);
        }

        json.WriteEndArray();
        json.WriteEndObject();
        await json.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    private static string? NonEmpty(Microsoft.Extensions.Primitives.StringValues value) =>
        value is [{ Length: > 0 } text] ? text : null;

    private static void Write(Utf8JsonWriter json, ErrorFingerprintSnapshot entry)
    {
        json.WriteStartObject();
        json.WriteString("fingerprint", entry.Fingerprint);
        json.WriteString("type", entry.Type);
        json.WriteString("severity", SeverityName(entry.Severity));
        WriteOptional(json, "service", entry.Service);
        WriteOptional(json, "provider", entry.Provider);
        WriteOptional(json, "route", entry.Route);
        if (entry.StatusCode is { } status)
        {
            json.WriteNumber("status", status);
        }
        else
        {
            json.WriteNull("status");
        }

        json.WriteNumber("count", entry.Count);
        json.WriteStartObject("windows");
        json.WriteNumber("1m", entry.LastMinute);
        json.WriteNumber("5m", entry.Last5Minutes);
        json.WriteNumber("1h", entry.LastHour);
        json.WriteNumber("24h", entry.Last24Hours);
        json.WriteEndObject();
        json.WriteString("firstSeen", entry.FirstSeen);
        json.WriteString("lastSeen", entry.LastSeen);
        json.WriteString("message", entry.NormalizedMessage);
        json.WriteString("sample", entry.SampleMessage);
        json.WriteStartObject("attributes");
        foreach (var (key, value) in entry.SampleAttributes)
        {
            json.WriteString(key, value);
        }

        json.WriteEndObject();
        json.WriteStartObject("recovery");
        json.WriteNumber("attempted", entry.RecoveryAttempted);
        json.WriteNumber("succeeded", entry.RecoverySucceeded);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteOptional(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }

    private static string SeverityName(ErrorSeverity severity) => severity switch
    {
        ErrorSeverity.Info => "info",
        ErrorSeverity.Warning => "warning",
        ErrorSeverity.Critical => "critical",
        _ => "error",
    };
}
