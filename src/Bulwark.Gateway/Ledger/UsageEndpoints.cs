using System.Globalization;
using System.Text.Json;
using Bulwark.Gateway.Problems;
using Bulwark.Gateway.Requests;
using Bulwark.Gateway.Storage;
using Bulwark.Storage;
using Bulwark.Storage.Usage;

namespace Bulwark.Gateway.Ledger;

/// <summary><c>GET /admin/usage?from=&amp;to=&amp;groupBy=client|user|provider|model|route</c>: the usage ledger's sums, behind the admin token.</summary>
internal static class UsageEndpoints
{
    /// <summary>Adds the endpoint to the admin group (so behind its token).</summary>
    public static RouteGroupBuilder MapUsageAdmin(this RouteGroupBuilder admin)
    {
        admin.MapGet("/usage", static async (HttpContext context) =>
        {
            string correlationId = RequestCorrelation.IdOf(context.Request);
            var query = context.Request.Query;
            var now = context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
            if (!TryTime(query["from"], now.AddDays(-1), out var from) || !TryTime(query["to"], now, out var to) || from >= to
                || !TryGrouping(query["groupBy"], out var groupBy))
            {
                await GatewayProblem.AdminBadRequest(correlationId, "'from' and 'to' must be ISO 8601 times with 'from' before 'to' (default: the last 24 hours), and 'groupBy' one of client, user, provider, model, route (default: provider).").WriteAsync(context, 0).ConfigureAwait(false);
                return;
            }

            var store = context.RequestServices.GetRequiredService<GatewayStore>();
            if (store.UsageStore is not { } ledger || !store.IsAvailable)
            {
                await GatewayProblem.StoreUnavailable(correlationId, "The usage ledger needs the SQLite or PostgreSQL store, and the gateway runs without it.").WriteAsync(context, 0).ConfigureAwait(false);
                return;
            }

            IReadOnlyList<UsageLedgerTotal> totals;
            try
            {
                totals = await ledger.QueryUsageAsync(from, to, groupBy, context.RequestAborted).ConfigureAwait(false);
            }
            catch (StoreUnavailableException e)
            {
                await GatewayProblem.StoreUnavailable(correlationId, "The store cannot be read: " + e.Message).WriteAsync(context, 0).ConfigureAwait(false);
                return;
            }

            context.Response.ContentType = "application/json";
            await using var json = new Utf8JsonWriter(context.Response.Body);
            json.WriteStartObject();
            json.WriteString("from", from);
            json.WriteString("to", to);
            json.WriteString("group_by", Name(groupBy));
            json.WriteString("currency", Configuration.UsageConstants.Currency);
            json.WriteStartArray("groups");
            foreach (var total in totals)
            {
                WriteTotal(json, total);
            }

            json.WriteEndArray();
            json.WriteEndObject();
            await json.FlushAsync(context.RequestAborted).ConfigureAwait(false);
        });
        return admin;
    }

    /// <summary>Writes one group's sums as <c>GET /admin/usage</c> (and the operator page) give them.</summary>
    internal static void WriteTotal(System.Text.Json.Utf8JsonWriter json, Bulwark.Storage.Usage.UsageLedgerTotal total)
    {
        json.WriteStartObject();
        json.WriteString("key", total.Key);
        json.WriteNumber("requests", total.Requests);
        json.WriteNumber("input_tokens", total.InputTokens);
        json.WriteNumber("cached_input_tokens", total.CachedInputTokens);
        json.WriteNumber("output_tokens", total.OutputTokens);
        json.WriteNumber("cost", total.Cost);
        json.WriteNumber("unpriced_requests", total.UnpricedRequests);
        json.WriteEndObject();
    }

    private static bool TryTime(string? value, DateTimeOffset fallback, out DateTimeOffset time)
    {
        if (string.IsNullOrEmpty(value))
        {
            time = fallback;
            return true;
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out time);
    }

    private static bool TryGrouping(string? value, out UsageLedgerGrouping grouping)
    {
        grouping = value?.ToLowerInvariant() switch
        {
            null or "" or "provider" => UsageLedgerGrouping.Provider,
            "client" => UsageLedgerGrouping.Client,
            "user" => UsageLedgerGrouping.User,
            "model" => UsageLedgerGrouping.Model,
            "route" => UsageLedgerGrouping.Route,
            _ => (UsageLedgerGrouping)(-1),
        };
        return grouping >= 0;
    }

    private static string Name(UsageLedgerGrouping grouping) => grouping switch
    {
        UsageLedgerGrouping.Client => "client",
        UsageLedgerGrouping.User => "user",
        UsageLedgerGrouping.Model => "model",
        UsageLedgerGrouping.Route => "route",
        _ => "provider",
    };
}
