using System.Globalization;
using System.Text.Json;
using Bulwark.Gateway.Clients;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Problems;
using Bulwark.Gateway.Requests;
using Bulwark.Gateway.Routing;
using Bulwark.Storage;
using Bulwark.Storage.Sqlite.Budgets;

namespace Bulwark.Gateway.Budgets;

/// <summary>
/// Budget status and the admin API of budgets: <c>GET /budget/status</c> (a client's own budgets, by its key),
/// <c>GET /admin/budgets</c> (every counter), <c>PUT /admin/budgets/{name}</c> (make or replace one; the
/// configuration's shape as JSON), <c>DELETE /admin/budgets/{name}</c> (one made by the admin API).
/// </summary>
internal static class BudgetEndpoints
{
    private const int MaxBodyBytes = 16 * 1024;

    /// <summary>The most counters <c>GET /admin/budgets</c> lists (most spent first); <c>?limit=</c> takes 1 to 100,000.</summary>
    private const int DefaultListed = 1_000;

    public static IEndpointRouteBuilder MapBudgetStatus(this IEndpointRouteBuilder app)
    {
        app.MapGet("/budget/status", static context => ClientStatusAsync(context));
        return app;
    }

    public static RouteGroupBuilder MapBudgetsAdmin(this RouteGroupBuilder admin)
    {
        admin.MapGet("/budgets", static context => ListAsync(context));
        admin.MapPut("/budgets/{name}", static context => PutAsync(context));
        admin.MapDelete("/budgets/{name}", static context => DeleteAsync(context));
        return admin;
    }

    private static async Task ClientStatusAsync(HttpContext context)
    {
        string correlationId = RequestCorrelation.IdOf(context.Request);
        string? presented = ClientIdentificationMiddleware.Presented(context.Request.Headers);
        var (_, identity) = await context.RequestServices.GetRequiredService<ClientKeys>().CheckAsync(presented, context.RequestAborted).ConfigureAwait(false);
        if (identity is null)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await GatewayProblem.Unauthorized(correlationId, "Budget status is told to the holder of a valid gateway-issued key, sent as Authorization: Bearer or X-Api-Key.").WriteAsync(context, 0).ConfigureAwait(false);
            return;
        }

        var statuses = context.RequestServices.GetRequiredService<BudgetBook>().Status(BudgetClient.Of(identity));
        await WriteStatusesAsync(context, statuses).ConfigureAwait(false);
    }

    private static async Task ListAsync(HttpContext context)
    {
        int limit = int.TryParse(context.Request.Query["limit"], NumberStyles.None, CultureInfo.InvariantCulture, out int asked) && asked is >= 1 and <= 100_000 ? asked : DefaultListed;
        var statuses = BudgetStatusJson.MostUsed(context.RequestServices.GetRequiredService<BudgetBook>().Status(), limit);
        await WriteStatusesAsync(context, statuses).ConfigureAwait(false);
    }

    private static async Task PutAsync(HttpContext context)
    {
        string correlationId = RequestCorrelation.IdOf(context.Request);
        string name = (string)context.GetRouteValue("name")!;
        var live = context.RequestServices.GetRequiredService<LiveGatewayConfiguration>();
        var store = context.RequestServices.GetRequiredService<Storage.GatewayStore>();
        if (live.Options.Budgets.Items.ContainsKey(name))
        {
            await GatewayProblem.AdminBadRequest(correlationId, $"Budget '{name}' is configured (Bulwark:Budgets:Items); change it in the configuration, or use another name.").WriteAsync(context, 0).ConfigureAwait(false);
            return;
        }

        if (context.Request.ContentLength is > MaxBodyBytes)
        {
            await GatewayProblem.AdminBadRequest(correlationId, $"The budget definition is larger than {MaxBodyBytes:N0} bytes.").WriteAsync(context, 0).ConfigureAwait(false);
            return;
        }

        string json;
        using (var reader = new StreamReader(context.Request.Body))
        {
            json = await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
        }

        GatewayBudgetOptions budget;
        try
        {
            using var _ = JsonDocument.Parse(json);
            budget = BudgetLoader.Parse(json);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            await GatewayProblem.AdminBadRequest(correlationId, "The body must be a JSON object shaped as Bulwark:Budgets:Items:{name} (Per, Key, User, Team, Tier, Model, Period, Window, Cost, Tokens, Mode, Warning, Critical): " + e.Message).WriteAsync(context, 0).ConfigureAwait(false);
            return;
        }

        var errors = new List<string>();
        BudgetRules.Validate(name, budget, "budget", live.Options, errors);
        if (store.Sqlite is null)
        {
            errors.Add("budgets need the SQLite store, and the gateway runs without it.");
        }

        if (live.Options.Routes.FirstOrDefault(static r => r.Api != RouteApi.Http && r.OnFailure == RouteFailureMode.Defer) is { } deferring)
        {
            errors.Add($"route {deferring.Path} defers failed AI requests (OnFailure: Defer), and a request delivered later could not be refused by a budget.");
        }

        if (errors.Count > 0)
        {
            await GatewayProblem.AdminBadRequest(correlationId, string.Join(' ', errors)).WriteAsync(context, 0).ConfigureAwait(false);
            return;
        }

        try
        {
            await store.Sqlite!.SaveBudgetAsync(new StoredBudget(name, json, context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow()), context.RequestAborted).ConfigureAwait(false);
        }
        catch (StoreUnavailableException e)
        {
            await GatewayProblem.StoreUnavailable(correlationId, "The budget cannot be stored: " + e.Message).WriteAsync(context, 0).ConfigureAwait(false);
            return;
        }

        await context.RequestServices.GetRequiredService<BudgetLoader>().ApplyAsync(CancellationToken.None).ConfigureAwait(false);
        var book = context.RequestServices.GetRequiredService<BudgetBook>();
        await WriteStatusesAsync(context, [.. book.Status().Where(s => string.Equals(s.Budget.Name, name, StringComparison.OrdinalIgnoreCase))]).ConfigureAwait(false);
    }

    private static async Task DeleteAsync(HttpContext context)
    {
        string correlationId = RequestCorrelation.IdOf(context.Request);
        string name = (string)context.GetRouteValue("name")!;
        var live = context.RequestServices.GetRequiredService<LiveGatewayConfiguration>();
        if (live.Options.Budgets.Items.ContainsKey(name))
        {
            await GatewayProblem.AdminBadRequest(correlationId, $"Budget '{name}' is configured (Bulwark:Budgets:Items); remove it from the configuration.").WriteAsync(context, 0).ConfigureAwait(false);
            return;
        }

        bool deleted;
        try
        {
            deleted = context.RequestServices.GetRequiredService<Storage.GatewayStore>().Sqlite is { } sqlite && await sqlite.DeleteBudgetAsync(name, context.RequestAborted).ConfigureAwait(false);
        }
        catch (StoreUnavailableException e)
        {
            await GatewayProblem.StoreUnavailable(correlationId, "The budget cannot be deleted: " + e.Message).WriteAsync(context, 0).ConfigureAwait(false);
            return;
        }

        if (!deleted)
        {
            await GatewayProblem.BudgetNotFound(correlationId, name).WriteAsync(context, 0).ConfigureAwait(false);
            return;
        }

        await context.RequestServices.GetRequiredService<BudgetLoader>().ApplyAsync(CancellationToken.None).ConfigureAwait(false);
        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    private static async Task WriteStatusesAsync(HttpContext context, IReadOnlyList<BudgetCounterStatus> statuses)
    {
        var forecasts = context.RequestServices.GetRequiredService<BudgetForecasts>();
        var written = new List<(BudgetCounterStatus Status, BudgetForecastView? Forecast)>(statuses.Count);
        foreach (var status in statuses)
        {
            written.Add((status, await forecasts.ForecastAsync(status, context.RequestAborted).ConfigureAwait(false)));
        }

        // A fleet on Redis: each counter's figures for every gateway, read at once (one pipelined round trip each).
        var fleet = context.RequestServices.GetService<IBudgetFleet>();
        var fleetFigures = fleet is null ? null : await Task.WhenAll(statuses.Select(s => fleet.ReadAsync(s, context.RequestAborted))).ConfigureAwait(false);

        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        await using var json = new Utf8JsonWriter(context.Response.Body);
        json.WriteStartObject();
        json.WriteStartArray("budgets");
        for (int i = 0; i < written.Count; i++)
        {
            BudgetStatusJson.WriteCounter(json, written[i].Status, written[i].Forecast, fleet is not null, fleetFigures?[i]);
        }

        json.WriteEndArray();
        json.WriteEndObject();
        await json.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }
}
