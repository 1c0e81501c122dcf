using System.Globalization;
using System.Text.Json;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Problems;
using Bulwark.Gateway.Requests;

namespace Bulwark.Gateway.Alerts;

/// <summary>
/// The admin API of alerts (admin token): <c>GET /admin/alerts</c> (filters <c>state</c>, <c>severity</c> — the least
/// listed —, <c>rule</c>), <c>POST /admin/alerts/{id}/ack</c> (body optional: <c>{"by","note"}</c>),
/// <c>POST /admin/alerts/{id}/resolve</c> (body optional: <c>{"by"}</c>), <c>GET /admin/silences</c>,
/// <c>POST /admin/silences</c> and <c>DELETE /admin/silences/{id}</c> (expires it now). JSON is camelCase.
/// </summary>
internal static class AlertEndpoints
{
    private const int MaxBodyBytes = 16 * 1024;
    private const int MaxMatchers = 20;
    private const int MaxNameLength = 200;
    private const int MaxTextLength = 2000;
    private static readonly TimeSpan MaxSilence = TimeSpan.FromDays(365);

    public static RouteGroupBuilder MapAlertsAdmin(this RouteGroupBuilder admin)
    {
        admin.MapGet("/alerts", static context => ListAsync(context));
        admin.MapPost("/alerts/{id}/ack", static context => AcknowledgeAsync(context));
        admin.MapPost("/alerts/{id}/resolve", static context => ResolveAsync(context));
        admin.MapGet("/silences", static context => ListSilencesAsync(context));
        admin.MapPost("/silences", static context => AddSilenceAsync(context));
        admin.MapDelete("/silences/{id}", static context => ExpireSilenceAsync(context));
        return admin;
    }

    private static async Task ListAsync(HttpContext context)
    {
        string correlationId = RequestCorrelation.IdOf(context.Request);
        var query = context.Request.Query;
        AlertState? state = null;
        if (query["state"] is [{ } stateText])
        {
            if (!TryParseName(stateText, out AlertState parsed))
            {
                await BadRequestAsync(context, correlationId, "Query 'state' must be one of 'firing', 'acknowledged' and 'resolved'.").ConfigureAwait(false);
                return;
            }

            state = parsed;
        }

        AlertSeverity? severity = null;
        if (query["severity"] is [{ } severityText])
        {
            if (!TryParseName(severityText, out AlertSeverity parsed))
            {
                await BadRequestAsync(context, correlationId, "Query 'severity' must be one of 'info', 'warning', 'error' and 'critical' (the least severity listed).").ConfigureAwait(false);
                return;
            }

            severity = parsed;
        }

        string? rule = query["rule"] is [{ Length: > 0 } ruleText] ? ruleText : null;
        var alerts = context.RequestServices.GetRequiredService<AlertBook>().Alerts(a =>
            (state is null || a.State == state) && (severity is null || a.Severity >= severity) && (rule is null || a.Rule == rule));
        await WriteAsync(context, StatusCodes.Status200OK, new { alerts }).ConfigureAwait(false);
    }

    private static async Task AcknowledgeAsync(HttpContext context)
    {
        string correlationId = RequestCorrelation.IdOf(context.Request);
        var (body, mistake) = await ReadObjectAsync(context).ConfigureAwait(false);
        string? by = null;
        string? note = null;
        if (mistake is null && body is { } json)
        {
            (by, mistake) = OptionalText(json, "by", MaxNameLength);
            if (mistake is null)
            {
                (note, mistake) = OptionalText(json, "note", MaxTextLength);
            }
        }

        if (mistake is not null)
        {
            await BadRequestAsync(context, correlationId, mistake).ConfigureAwait(false);
            return;
        }

        string id = (string)context.GetRouteValue("id")!;
        var engine = context.RequestServices.GetRequiredService<AlertEngine>();
        var (outcome, stored) = await engine.AcknowledgeAsync(id, by ?? "admin", note, context.RequestAborted).ConfigureAwait(false);
        await AnswerAsync(context, correlationId, id, outcome, stored).ConfigureAwait(false);
    }

    private static async Task ResolveAsync(HttpContext context)
    {
        string correlationId = RequestCorrelation.IdOf(context.Request);
        var (body, mistake) = await ReadObjectAsync(context).ConfigureAwait(false);
        string? by = null;
        if (mistake is null && body is { } json)
        {
            (by, mistake) = OptionalText(json, "by", MaxNameLength);
        }

        if (mistake is not null)
        {
            await BadRequestAsync(context, correlationId, mistake).ConfigureAwait(false);
            return;
        }

        string id = (string)context.GetRouteValue("id")!;
        var engine = context.RequestServices.GetRequiredService<AlertEngine>();
        var (outcome, stored) = await engine.ResolveAsync(id, by ?? "admin", context.RequestAborted).ConfigureAwait(false);
        await AnswerAsync(context, correlationId, id, outcome, stored).ConfigureAwait(false);
    }

    private static async Task AnswerAsync(HttpContext context, string correlationId, string id, AlertActionOutcome outcome, bool stored)
    {
        switch (outcome)
        {
            case AlertActionOutcome.NotFound:
                await GatewayProblem.AlertNotFound(correlationId).WriteAsync(context, 0).ConfigureAwait(false);
                return;
            case AlertActionOutcome.AlreadyResolved:
                await BadRequestAsync(context, correlationId, "The alert is resolved already; a resolved alert cannot be acknowledged.").ConfigureAwait(false);
                return;
        }

        if (!stored)
        {
            await GatewayProblem.StoreUnavailable(correlationId, "The change is made in memory but could not be stored yet; it is stored, and its notifications sent, when the store takes writes again.").WriteAsync(context, 0).ConfigureAwait(false);
            return;
        }

        var alert = context.RequestServices.GetRequiredService<AlertBook>().Find(id);
        await WriteAsync(context, StatusCodes.Status200OK, alert).ConfigureAwait(false);
    }

    private static async Task ListSilencesAsync(HttpContext context)
    {
        var now = context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        var silences = context.RequestServices.GetRequiredService<AlertBook>().Silences().Select(s => SilenceJson(s, now)).ToList();
        await WriteAsync(context, StatusCodes.Status200OK, new { silences }).ConfigureAwait(false);
    }

    private static async Task AddSilenceAsync(HttpContext context)
    {
        string correlationId = RequestCorrelation.IdOf(context.Request);
        var now = context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        var (body, mistake) = await ReadObjectAsync(context).ConfigureAwait(false);
        AlertSilence? silence = null;
        if (mistake is null)
        {
            (silence, mistake) = body is { } json ? ReadSilence(json, now) : (null, "The body must be a JSON object: {\"matchers\": [...], \"endsAt\": \"...\", \"createdBy\": \"...\", \"comment\": \"...\"}.");
        }

        if (silence is null)
        {
            await BadRequestAsync(context, correlationId, mistake!).ConfigureAwait(false);
            return;
        }

        if (!await context.RequestServices.GetRequiredService<AlertEngine>().AddSilenceAsync(silence, context.RequestAborted).ConfigureAwait(false))
        {
            await GatewayProblem.StoreUnavailable(correlationId, "The silence holds in memory but could not be stored yet; it is stored when the store takes writes again.").WriteAsync(context, 0).ConfigureAwait(false);
            return;
        }

        context.Response.Headers.Location = "/admin/silences/" + silence.Id;
        await WriteAsync(context, StatusCodes.Status201Created, SilenceJson(silence, now)).ConfigureAwait(false);
    }

    private static async Task ExpireSilenceAsync(HttpContext context)
    {
        string correlationId = RequestCorrelation.IdOf(context.Request);
        string id = (string)context.GetRouteValue("id")!;
        var (silence, stored) = await context.RequestServices.GetRequiredService<AlertEngine>().ExpireSilenceAsync(id, context.RequestAborted).ConfigureAwait(false);
        if (silence is null)
        {
            await GatewayProblem.SilenceNotFound(correlationId).WriteAsync(context, 0).ConfigureAwait(false);
            return;
        }

        if (!stored)
        {
            await GatewayProblem.StoreUnavailable(correlationId, "The silence is expired in memory but could not be stored yet; it is stored when the store takes writes again.").WriteAsync(context, 0).ConfigureAwait(false);
            return;
        }

        var now = context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        await WriteAsync(context, StatusCodes.Status200OK, SilenceJson(silence, now)).ConfigureAwait(false);
    }

    /// <summary>Reads a silence: matchers (objects <c>{name, operator, value}</c> or strings <c>name=value</c>), startsAt, endsAt, createdBy, comment.</summary>
    internal static (AlertSilence? Silence, string? Mistake) ReadSilence(JsonElement json, DateTimeOffset now)
    {
        if (!json.TryGetProperty("matchers", out var matchersJson) || matchersJson.ValueKind != JsonValueKind.Array || matchersJson.GetArrayLength() is 0 or > MaxMatchers)
        {
            return (null, $"'matchers' must be an array of 1 to {MaxMatchers} matchers, each {{\"name\": \"provider\", \"operator\": \"=\", \"value\": \"openai\"}} (operator '=', '!=', '=~' or '!~'; '=' when left out) or a string such as \"provider=openai\".");
        }

        var matchers = new List<AlertSilenceMatcher>();
        int index = 0;
        foreach (var each in matchersJson.EnumerateArray())
        {
            AlertMatcher? matcher;
            string? error;
            if (each.ValueKind == JsonValueKind.String)
            {
                matcher = AlertMatcher.Parse(each.GetString(), out error);
            }
            else if (each.ValueKind == JsonValueKind.Object)
            {
                string? name = StringOf(each, "name");
                string? op = each.TryGetProperty("operator", out var opJson) ? (opJson.ValueKind == JsonValueKind.String ? opJson.GetString() : "?") : "=";
                string? value = StringOf(each, "value");
                error = "'value' must be a string";
                matcher = value is null ? null : AlertMatcher.Create(name, op, value, out error);
                if (matcher is null)
                {
                    error = $"matcher {index}: {error}";
                }
            }
            else
            {
                matcher = null;
                error = $"matcher {index} must be an object or a string";
            }

            if (matcher is null)
            {
                return (null, $"Bad matcher: {error}.");
            }

            if (matcher.Name.Length > MaxNameLength || matcher.Value.Length > MaxTextLength)
            {
                return (null, $"Bad matcher: matcher {index} is too long (name at most {MaxNameLength} characters, value at most {MaxTextLength}).");
            }

            matchers.Add(new AlertSilenceMatcher(matcher.Name, matcher.OperatorText, matcher.Value));
            index++;
        }

        var (startsAt, startMistake) = OptionalTime(json, "startsAt");
        if (startMistake is not null)
        {
            return (null, startMistake);
        }

        var (endsAt, endMistake) = OptionalTime(json, "endsAt");
        if (endMistake is not null || endsAt is null)
        {
            return (null, endMistake ?? "'endsAt' is required: when the silence ends (ISO 8601, such as \"2026-03-02T18:00:00Z\").");
        }

        var start = startsAt ?? now;
        if (endsAt <= now)
        {
            return (null, $"'endsAt' ({endsAt.Value.ToString("O", CultureInfo.InvariantCulture)}) is in the past; a silence must end after now ({now.ToString("O", CultureInfo.InvariantCulture)}).");
        }

        if (endsAt <= start || endsAt - start > MaxSilence)
        {
            return (null, "'endsAt' must be after 'startsAt', and a silence lasts at most 365 days.");
        }

        var (createdBy, byMistake) = OptionalText(json, "createdBy", MaxNameLength);
        if (byMistake is not null || string.IsNullOrWhiteSpace(createdBy))
        {
            return (null, byMistake ?? "'createdBy' is required: who made the silence.");
        }

        var (comment, commentMistake) = OptionalText(json, "comment", MaxTextLength);
        if (commentMistake is not null)
        {
            return (null, commentMistake);
        }

        return (new AlertSilence
        {
            Id = Guid.NewGuid().ToString("N"),
            Matchers = matchers,
            StartsAt = start,
            EndsAt = endsAt.Value,
            CreatedBy = createdBy,
            Comment = comment,
            CreatedAt = now,
        }, null);
    }

    private static object SilenceJson(AlertSilence silence, DateTimeOffset now) => new
    {
        id = silence.Id,
        matchers = silence.Matchers,
        startsAt = silence.StartsAt,
        endsAt = silence.EndsAt,
        createdBy = silence.CreatedBy,
        comment = silence.Comment,
        createdAt = silence.CreatedAt,
        state = silence.StateAt(now),
    };

    private static string? StringOf(JsonElement json, string name) =>
        json.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static (string? Text, string? Mistake) OptionalText(JsonElement json, string name, int maxLength)
    {
        if (!json.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return (null, null);
        }

        if (value.ValueKind != JsonValueKind.String || value.GetString()!.Length > maxLength)
        {
            return (null, $"'{name}' must be a string of at most {maxLength} characters.");
        }

        return (value.GetString(), null);
    }

    private static (DateTimeOffset? Time, string? Mistake) OptionalTime(JsonElement json, string name)
    {
        if (!json.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return (null, null);
        }

        if (value.ValueKind == JsonValueKind.String
            && DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
        {
            return (time, null);
        }

        return (null, $"'{name}' must be a time in ISO 8601, such as \"2026-03-02T18:00:00Z\".");
    }

    /// <summary>The body as a JSON object; <see langword="null"/> without a body; a mistake when it is not one.</summary>
    private static async Task<(JsonElement? Body, string? Mistake)> ReadObjectAsync(HttpContext context)
    {
        if (context.Request.ContentLength is > MaxBodyBytes)
        {
            return (null, $"The body is larger than {MaxBodyBytes} bytes.");
        }

        var buffer = new byte[MaxBodyBytes + 1];
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

        if (read > MaxBodyBytes)
        {
            return (null, $"The body is larger than {MaxBodyBytes} bytes.");
        }

        if (buffer.AsSpan(0, read).Trim(" \t\r\n"u8).IsEmpty)
        {
            return (null, null);
        }

        try
        {
            using var document = JsonDocument.Parse(buffer.AsMemory(0, read));
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? (document.RootElement.Clone(), null)
                : (null, "The body must be a JSON object.");
        }
        catch (JsonException)
        {
            return (null, "The body is not valid JSON.");
        }
    }

    private static bool TryParseName<T>(string text, out T value)
        where T : struct, Enum =>
        Enum.TryParse(text, ignoreCase: true, out value) && Enum.IsDefined(value) && !text.Any(char.IsAsciiDigit);

    private static Task BadRequestAsync(HttpContext context, string correlationId, string detail) =>
        GatewayProblem.AdminBadRequest(correlationId, detail).WriteAsync(context, 0);

    private static async Task WriteAsync<T>(HttpContext context, int status, T value)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        await JsonSerializer.SerializeAsync(context.Response.Body, value, AlertJson.Options, context.RequestAborted).ConfigureAwait(false);
    }
}
