using System.Globalization;
using System.Text.Json;
using Bulwark.Deliveries;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Problems;
using Bulwark.Gateway.Requests;
using Bulwark.Gateway.Routing;
using Bulwark.Gateway.Storage;
using Bulwark.Storage;

namespace Bulwark.Gateway.Deferral;

/// <summary>
/// Deferred deliveries over HTTP: the client's status page (<c>GET /bulwark/deliveries/{id}</c>: the 128-bit random id is the
/// capability) and the operator's admin endpoints behind the admin token (list, stuck work, replay, purge).
/// </summary>
internal static class DeliveryEndpoints
{
    private const int DefaultListLimit = 100;
    private const int MaxListLimit = 1000;

    public static void MapDeliveryStatus(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet(DeferralConstants.StatusPathPrefix + "{id}", static async (HttpContext context, string id) =>
        {
            string correlationId = RequestCorrelation.IdOf(context.Request);
            var entry = await FindAsync(context, id, correlationId).ConfigureAwait(false);
            if (entry is not null)
            {
                await WriteJsonAsync(context, StatusCodes.Status200OK, json => GatewayDeferral.WriteStatus(json, entry, forOperator: false)).ConfigureAwait(false);
            }
        }).WithDisplayName("bulwark delivery status");

    /// <summary>Adds the operator's endpoints to the admin group (so behind its token).</summary>
    public static RouteGroupBuilder MapDeliveryAdmin(this RouteGroupBuilder admin)
    {
        admin.MapGet("/deliveries", static async (HttpContext context) =>
        {
            string correlationId = RequestCorrelation.IdOf(context.Request);
            if (!TryReadState(context, out var state, allowAll: true) || !TryReadLimit(context, out int limit))
            {
                await GatewayProblem.AdminBadRequest(correlationId, "'state' must be pending, in-progress, delivered or dead, and 'limit' 1 to 1000.").WriteAsync(context, 0).ConfigureAwait(false);
                return;
            }

            var store = context.RequestServices.GetRequiredService<GatewayStore>();
            await RunAsync(context, correlationId, async () =>
            {
                var counts = await store.CountAsync(context.RequestAborted).ConfigureAwait(false);
                var entries = await store.ListAsync(state, limit, context.RequestAborted).ConfigureAwait(false);
                await WriteListAsync(context, counts, entries).ConfigureAwait(false);
            }).ConfigureAwait(false);
        });

        admin.MapGet("/deliveries/stuck", static async (HttpContext context) =>
        {
            string correlationId = RequestCorrelation.IdOf(context.Request);
            var store = context.RequestServices.GetRequiredService<GatewayStore>();
            var now = context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
            await RunAsync(context, correlationId, async () =>
            {
                var counts = await store.CountAsync(context.RequestAborted).ConfigureAwait(false);
                var entries = await store.ListStuckAsync(now, MaxListLimit, context.RequestAborted).ConfigureAwait(false);
                await WriteListAsync(context, counts, entries).ConfigureAwait(false);
            }).ConfigureAwait(false);
        });

        admin.MapPost("/deliveries/stuck/release", static async (HttpContext context) =>
        {
            string correlationId = RequestCorrelation.IdOf(context.Request);
            var store = context.RequestServices.GetRequiredService<GatewayStore>();
            var now = context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
            await RunAsync(context, correlationId, async () =>
            {
                int released = await store.ReleaseExpiredLeasesAsync(now, context.RequestAborted).ConfigureAwait(false);
                await WriteJsonAsync(context, StatusCodes.Status200OK, json =>
                {
                    json.WriteStartObject();
                    json.WriteNumber("released", released);
                    json.WriteEndObject();
                }).ConfigureAwait(false);
            }).ConfigureAwait(false);
        });

        admin.MapGet("/deliveries/{id}", static async (HttpContext context, string id) =>
        {
            string correlationId = RequestCorrelation.IdOf(context.Request);
            var entry = await FindAsync(context, id, correlationId).ConfigureAwait(false);
            if (entry is not null)
            {
                await WriteJsonAsync(context, StatusCodes.Status200OK, json => GatewayDeferral.WriteStatus(json, entry, forOperator: true)).ConfigureAwait(false);
            }
        });

        admin.MapPost("/deliveries/{id}/replay", static async (HttpContext context, string id) =>
        {
            string correlationId = RequestCorrelation.IdOf(context.Request);
            var entry = await FindAsync(context, id, correlationId).ConfigureAwait(false);
            if (entry is null)
            {
                return;
            }

            if (entry.State != DeliveryState.Dead)
            {
                await GatewayProblem.AdminBadRequest(correlationId, $"Delivery {id} is {DeliveryStateNames.Of(entry.State)}; only dead deliveries can be replayed.").WriteAsync(context, 0).ConfigureAwait(false);
                return;
            }

            var services = context.RequestServices;
            var store = services.GetRequiredService<GatewayStore>();
            var options = services.GetRequiredService<LiveGatewayConfiguration>().Options;
            var route = options.Routes.FirstOrDefault(r => r.Path == entry.Queue);
            var timeToLive = route?.Defer.TimeToLive ?? options.Deliveries.TimeToLive;
            await RunAsync(context, correlationId, async () =>
            {
                bool replayed = await store.ReplayAsync(id, services.GetRequiredService<TimeProvider>().GetUtcNow(), timeToLive, context.RequestAborted).ConfigureAwait(false);
                services.GetService<DeliverySignal>()?.Wake();
                if (await store.GetAsync(id, context.RequestAborted).ConfigureAwait(false) is not { } after)
                {
                    await GatewayProblem.DeliveryNotFound(correlationId).WriteAsync(context, 0).ConfigureAwait(false);
                    return;
                }

                await WriteJsonAsync(context, replayed ? StatusCodes.Status200OK : StatusCodes.Status409Conflict, json => GatewayDeferral.WriteStatus(json, after, forOperator: true)).ConfigureAwait(false);
            }).ConfigureAwait(false);
        });

        admin.MapDelete("/deliveries", static async (HttpContext context) =>
        {
            string correlationId = RequestCorrelation.IdOf(context.Request);
            if (!TryReadState(context, out var state, allowAll: false) || state is not (DeliveryState.Delivered or DeliveryState.Dead) ||
                !TryReadAge(context, out var olderThan))
            {
                await GatewayProblem.AdminBadRequest(correlationId, "Purge needs 'state' delivered or dead, and optionally 'olderThanSeconds' (0 or more; default 0: all).").WriteAsync(context, 0).ConfigureAwait(false);
                return;
            }

            var store = context.RequestServices.GetRequiredService<GatewayStore>();
            var cutOff = context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow() - olderThan;
            await RunAsync(context, correlationId, async () =>
            {
                int purged = await store.PurgeAsync(state.Value, cutOff.AddMilliseconds(1), context.RequestAborted).ConfigureAwait(false);
                await WriteJsonAsync(context, StatusCodes.Status200OK, json =>
                {
                    json.WriteStartObject();
                    json.WriteNumber("purged", purged);
                    json.WriteEndObject();
                }).ConfigureAwait(false);
            }).ConfigureAwait(false);
        });

        return admin;
    }

    private static async Task<DeliveryEntry?> FindAsync(HttpContext context, string id, string correlationId)
    {
        DeliveryEntry? entry = null;
        if (DeliveryIds.IsWellFormed(id))
        {
            var store = context.RequestServices.GetRequiredService<GatewayStore>();
            try
            {
                entry = await store.GetAsync(id, context.RequestAborted).ConfigureAwait(false);
            }
            catch (StoreUnavailableException)
            {
                await GatewayProblem.DeferralUnavailable(correlationId).WithNote(" (The store could not be read.)").WriteAsync(context, 0).ConfigureAwait(false);
                return null;
            }
        }

        if (entry is null)
        {
            await GatewayProblem.DeliveryNotFound(correlationId).WriteAsync(context, 0).ConfigureAwait(false);
        }

        return entry;
    }

    private static async Task RunAsync(HttpContext context, string correlationId, Func<Task> work)
    {
        try
        {
            await work().ConfigureAwait(false);
        }
        catch (StoreUnavailableException)
        {
            if (!context.Response.HasStarted)
            {
                await GatewayProblem.DeferralUnavailable(correlationId).WithNote(" (The store could not be read or written.)").WriteAsync(context, 0).ConfigureAwait(false);
            }
        }
    }

    private static Task WriteListAsync(HttpContext context, IReadOnlyDictionary<DeliveryState, long> counts, IReadOnlyList<DeliveryEntry> entries) =>
        WriteJsonAsync(context, StatusCodes.Status200OK, json =>
        {
            json.WriteStartObject();
            json.WriteStartObject("counts");
            foreach (var (state, count) in counts)
            {
                json.WriteNumber(DeliveryStateNames.Of(state), count);
            }

            json.WriteEndObject();
            json.WriteStartArray("deliveries");
            foreach (var entry in entries)
            {
                GatewayDeferral.WriteStatus(json, entry, forOperator: true);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        });

    private static bool TryReadState(HttpContext context, out DeliveryState? state, bool allowAll)
    {
        state = null;
        string? value = context.Request.Query["state"];
        if (string.IsNullOrEmpty(value))
        {
            return allowAll;
        }

        foreach (var candidate in Enum.GetValues<DeliveryState>())
        {
            if (string.Equals(DeliveryStateNames.Of(candidate), value, StringComparison.OrdinalIgnoreCase))
            {
                state = candidate;
                return true;
            }
        }

        return false;
    }

    private static bool TryReadLimit(HttpContext context, out int limit)
    {
        limit = DefaultListLimit;
        string? value = context.Request.Query["limit"];
        return string.IsNullOrEmpty(value) || (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out limit) && limit is >= 1 and <= MaxListLimit);
    }

    private static bool TryReadAge(HttpContext context, out TimeSpan age)
    {
        age = TimeSpan.Zero;
        string? value = context.Request.Query["olderThanSeconds"];
        if (string.IsNullOrEmpty(value))
        {
            return true;
        }

        if (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out long seconds) && seconds <= (long)TimeSpan.FromDays(3650).TotalSeconds)
        {
            age = TimeSpan.FromSeconds(seconds);
            return true;
        }

        return false;
    }

    private static async Task WriteJsonAsync(HttpContext context, int status, Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            write(json);
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        context.Response.ContentLength = buffer.Length;
        await context.Response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), context.RequestAborted).ConfigureAwait(false);
    }
}
