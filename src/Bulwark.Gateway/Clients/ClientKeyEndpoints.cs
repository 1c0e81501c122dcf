using System.Globalization;
using System.Text.Json;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Problems;
using Bulwark.Gateway.Requests;
using Bulwark.Storage;
using Bulwark.Storage.Clients;

namespace Bulwark.Gateway.Clients;

/// <summary>
/// The admin API of client keys, behind the admin token: <c>POST /admin/keys</c> issues one (the key is in that answer
/// only), <c>GET /admin/keys</c> lists them (never a key or its hash), <c>DELETE /admin/keys/{id}</c> revokes one.
/// </summary>
internal static class ClientKeyEndpoints
{
    private const int MaxBodyBytes = 16 * 1024;
    private const int MaxListed = 10_000;

    /// <summary>Adds the endpoints to the admin group (so behind its token).</summary>
    public static RouteGroupBuilder MapClientKeysAdmin(this RouteGroupBuilder admin)
    {
        admin.MapPost("/keys", static context => IssueAsync(context));
        admin.MapGet("/keys", static context => ListAsync(context));
        admin.MapDelete("/keys/{id}", static context => RevokeAsync(context));
        return admin;
    }

    private static async Task IssueAsync(HttpContext context)
    {
        string correlationId = RequestCorrelation.IdOf(context.Request);
        var now = context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        var (request, problem) = await ReadIssueAsync(context, now).ConfigureAwait(false);
        if (request is null)
        {
            await GatewayProblem.AdminBadRequest(correlationId, problem!).WriteAsync(context, 0).ConfigureAwait(false);
            return;
        }

        (string Key, ClientKeyRecord Record) issued;
        try
        {
            issued = await context.RequestServices.GetRequiredService<ClientKeys>()
                .IssueAsync(request.User, request.Team, request.Tier, request.Name, request.Expires, context.RequestAborted).ConfigureAwait(false);
        }
        catch (StoreUnavailableException e)
        {
            await GatewayProblem.StoreUnavailable(correlationId, "The key cannot be stored: " + e.Message).WriteAsync(context, 0).ConfigureAwait(false);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status201Created;
        context.Response.Headers.Location = "/admin/keys/" + issued.Record.Id;
        context.Response.Headers.CacheControl = "no-store";
        await WriteAsync(context, json =>
        {
            json.WriteStartObject();
            json.WriteString("key", issued.Key);
            WriteFields(json, issued.Record);
            json.WriteEndObject();
        }).ConfigureAwait(false);
    }

    private static async Task ListAsync(HttpContext context)
    {
        IReadOnlyList<ClientKeyRecord> keys;
        try
        {
            keys = await context.RequestServices.GetRequiredService<ClientKeys>().ListAsync(MaxListed, context.RequestAborted).ConfigureAwait(false);
        }
        catch (StoreUnavailableException e)
        {
            await GatewayProblem.StoreUnavailable(RequestCorrelation.IdOf(context.Request), "The keys cannot be read: " + e.Message).WriteAsync(context, 0).ConfigureAwait(false);
            return;
        }

        await WriteAsync(context, json =>
        {
            json.WriteStartObject();
            json.WriteStartArray("keys");
            foreach (var key in keys)
            {
                json.WriteStartObject();
                WriteFields(json, key);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }).ConfigureAwait(false);
    }

    private static async Task RevokeAsync(HttpContext context)
    {
        string correlationId = RequestCorrelation.IdOf(context.Request);
        string id = (string)context.GetRouteValue("id")!;
        ClientKeyRecord? revoked;
        try
        {
            revoked = await context.RequestServices.GetRequiredService<ClientKeys>().RevokeAsync(id, context.RequestAborted).ConfigureAwait(false);
        }
        catch (StoreUnavailableException e)
        {
            await GatewayProblem.StoreUnavailable(correlationId, "The key cannot be revoked now: " + e.Message).WriteAsync(context, 0).ConfigureAwait(false);
            return;
        }

        if (revoked is null)
        {
            await GatewayProblem.ClientKeyNotFound(correlationId).WriteAsync(context, 0).ConfigureAwait(false);
            return;
        }

        await WriteAsync(context, json =>
        {
            json.WriteStartObject();
            WriteFields(json, revoked);
            json.WriteEndObject();
        }).ConfigureAwait(false);
    }

    /// <summary>Reads <c>{"user", "team", "tier", "name"?, "expires"?}</c>; a problem naming the field when it is not that.</summary>
    private static async Task<(IssueRequest? Request, string? Problem)> ReadIssueAsync(HttpContext context, DateTimeOffset now)
    {
        const string Shape = "The body must be a JSON object: {\"user\": the owner, \"team\": ..., \"tier\": ..., optional \"name\": a label, optional \"expires\": an ISO 8601 time in the future}.";
        JsonDocument document;
        try
        {
            using var buffer = new MemoryStream();
            var body = context.Request.Body;
            var chunk = new byte[4096];
            int read;
            while ((read = await body.ReadAsync(chunk, context.RequestAborted).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > MaxBodyBytes)
                {
                    return (null, $"The body is larger than {MaxBodyBytes} bytes. " + Shape);
                }

                buffer.Write(chunk, 0, read);
            }

            document = JsonDocument.Parse(buffer.ToArray());
        }
        catch (JsonException)
        {
            return (null, "The body is not JSON. " + Shape);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (null, Shape);
            }

            string? user = null, team = null, tier = null, name = null;
            DateTimeOffset? expires = null;
            foreach (var property in document.RootElement.EnumerateObject())
            {
                string? problem = property.Name switch
                {
                    "user" => Label(property, out user),
                    "team" => Label(property, out team),
                    "tier" => Label(property, out tier),
                    "name" => Label(property, out name),
                    "expires" => Expiry(property, now, out expires),
                    _ => $"'{property.Name}' is not a field of a client key. " + Shape,
                };
                if (problem is not null)
                {
                    return (null, problem);
                }
            }

            string? missing = user is null ? "user" : team is null ? "team" : tier is null ? "tier" : null;
            return missing is not null
                ? (null, $"'{missing}' is required. " + Shape)
                : (new IssueRequest(user!, team!, tier!, name, expires), null);
        }
    }

    private static string? Label(JsonProperty property, out string? value)
    {
        value = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()!.Trim() : null;
        return value is { Length: > 0 and <= ClientsConstants.MaxLabelLength } && !value.Any(char.IsControl)
            ? null
            : $"'{property.Name}' must be a non-empty string of at most {ClientsConstants.MaxLabelLength} characters, without control characters.";
    }

    private static string? Expiry(JsonProperty property, DateTimeOffset now, out DateTimeOffset? value)
    {
        value = null;
        if (property.Value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (property.Value.ValueKind == JsonValueKind.String
            && DateTimeOffset.TryParse(property.Value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
            && parsed > now)
        {
            value = parsed;
            return null;
        }

        return "'expires' must be an ISO 8601 time in the future (or null for never).";
    }

    private static void WriteFields(Utf8JsonWriter json, ClientKeyRecord key)
    {
        json.WriteString("id", key.Id);
        json.WriteString("prefix", key.Prefix);
        json.WriteString("user", key.Owner);
        json.WriteString("team", key.Team);
        json.WriteString("tier", key.Tier);
        json.WriteString("name", key.Name);
        json.WriteString("created", key.Created);
        WriteTime(json, "expires", key.Expires);
        WriteTime(json, "revoked", key.Revoked);
    }

    private static void WriteTime(Utf8JsonWriter json, string name, DateTimeOffset? time)
    {
        if (time is { } t)
        {
            json.WriteString(name, t);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static async Task WriteAsync(HttpContext context, Action<Utf8JsonWriter> write)
    {
        context.Response.ContentType = "application/json";
        await using var json = new Utf8JsonWriter(context.Response.Body);
        write(json);
        await json.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    private sealed record IssueRequest(string User, string Team, string Tier, string? Name, DateTimeOffset? Expires);
}
