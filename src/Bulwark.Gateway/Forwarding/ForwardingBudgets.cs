using System.Globalization;
using Bulwark.AspNetCore.Requests;
using Bulwark.Gateway.Budgets;
using Bulwark.Gateway.Clients;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Problems;
using Bulwark.Gateway.Routing;
using Bulwark.Storage.Budgets;

namespace Bulwark.Gateway.Forwarding;

/// <summary>
/// The budgets' stage of forwarding: before an AI request is sent, bounds its cost (prompt tokens from the body, plus its
/// output cap — the configured default added to the body when it sets none), reserves that on every budget that counts
/// it, and stores the reservation's lease; after it, settles the reservation to the usage the provider reported (or
/// keeps the reservation's amounts when none was reported), or releases it when nothing was served.
/// </summary>
internal sealed partial class ForwardingBudgets
{
    private readonly BudgetBook _book;
    private readonly BudgetLeaseWriter _leases;
    private readonly LiveGatewayConfiguration _live;
    private readonly PromptBound _promptBound;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<ForwardingBudgets> _logger;
    private readonly IBudgetFleet? _fleet;

    public ForwardingBudgets(BudgetBook book, BudgetLeaseWriter leases, LiveGatewayConfiguration live, PromptBound promptBound, TimeProvider timeProvider, ILogger<ForwardingBudgets> logger, IBudgetFleet? fleet = null)
    {
        _fleet = fleet;
        _book = book;
        _leases = leases;
        _live = live;
        _promptBound = promptBound;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>The prompt bound to read a request's body with when budgets may count it; <see langword="null"/> when none can.</summary>
    public PromptBound? BoundFor(GatewayRoute route, HttpRequest request) =>
        route.Api != RouteApi.Http && HttpMethods.IsPost(request.Method) && _book.Active && OutputOf(request.Path.Value, route.Api) is not OutputCap.NotCounted ? _promptBound : null;

    /// <summary>
    /// Reserves the request's bound on its budgets. Returns the request to send (on the route's budget fallback when a
    /// strict budget refused it on its own providers and it fits there), or <see langword="null"/> when the request was
    /// answered here (refused).
    /// </summary>
    public async ValueTask<ForwardingRequest?> ReserveAsync(ForwardingRequest request, BulwarkRequestFeature feature, CancellationToken cancellationToken)
    {
        // Most requests stop here: a plain HTTP route, or no budget in force.
        var context = request.Context;
        if (request.Route.Api == RouteApi.Http || !_book.Active || !HttpMethods.IsPost(context.Request.Method)
            || OutputOf(context.Request.Path.Value, request.Route.Api) is var kind && kind == OutputCap.NotCounted)
        {
            return request;
        }

        var client = BudgetClient.Of(context.Features.Get<ClientIdentity>());
        var settings = _live.Options.Budgets;
        if (request.Fields is not { IsObject: true } fields || request.PromptTokens is not { } prompt)
        {
            // Nothing to bound the cost with: a strict budget that counts it must refuse; others let it go.
            if (!_book.Counts(client, model: null, strictOnly: true))
            {
                return request;
            }

            feature.ErrorType = "budget-unbounded";
            bool tooLarge = request.BodyTooLargeToRead || context.Request.ContentLength > Configuration.UsageConstants.MaxParsedBytes;
            await GatewayProblem.BudgetUnbounded(request.CorrelationId, tooLarge).WriteAsync(context, 0).ConfigureAwait(false);
            return null;
        }

        string? model = fields.Model?.Name;
        if (!_book.Counts(client, model))
        {
            // No budget counts it: sent as it came (no cap added), unreserved.
            return request;
        }

        if (fields.InvalidLimit is { } invalid)
        {
            feature.ErrorType = "budget-bad-limit";
            await GatewayProblem.BudgetBadLimit(request.CorrelationId, invalid).WriteAsync(context, 0).ConfigureAwait(false);
            return null;
        }

        long cap = fields.MaxOutputTokens ?? settings.DefaultMaxOutputTokens;
        if (kind == OutputCap.None)
        {
            cap = 0;
        }
        else if (fields.MaxOutputTokens is null && request.BodyBuffered)
        {
            // Without a cap a request's cost has no bound: the default goes to the provider with it.
            request.ReplaceBody(AddField(await ReadAllAsync(context.Request, cancellationToken).ConfigureAwait(false), FieldOf(kind), cap));
            await request.ReadBodyFieldsAsync(null, cancellationToken).ConfigureAwait(false);
        }

        long tokens = SaturatingAdd(prompt, SaturatingMultiply(cap, fields.Choices));
        var (reservation, refusal) = _book.TryReserve(client, model, tokens, CostOf(request.Route, model, prompt, tokens - prompt));
        bool onCheaperChain = false;
        if (refusal is not null && request.Route.BudgetFallback is { } cheaper)
        {
            // The route's cheaper chain, when the request fits there.
            var fallback = await CheaperRequestAsync(request, cheaper, cancellationToken).ConfigureAwait(false);
            var (cheap, _) = _book.TryReserve(client, model, tokens, CostOf(cheaper, model, prompt, tokens - prompt));
            if (cheap is not null)
            {
                Log.BudgetFallback(_logger, refusal.Budget, request.CorrelationId);
                fallback.BudgetNote = $"fallback; budget={refusal.Budget}";
                (request, reservation, refusal, onCheaperChain) = (fallback, cheap, null, true);
            }
        }

        if (refusal is not null)
        {
            feature.ErrorType = "budget-exceeded";
            Log.Refused(_logger, refusal.Budget, refusal.Kind, request.CorrelationId);
            await GatewayProblem.BudgetExceeded(request.CorrelationId, Describe(refusal), refusal.RetryAfter).WriteAsync(context, 0).ConfigureAwait(false);
            return null;
        }

        if (reservation!.Counters.Count == 0)
        {
            _book.Release(reservation);
            return request;
        }

        var hold = await HoldAsync(request, client, model, reservation).ConfigureAwait(false);
        if (hold.FleetRefusal?.Refusal is { Kind: not BudgetRefusalKind.Loading } fleetFull && !onCheaperChain && request.Route.BudgetFallback is { } cheaperForFleet)
        {
            // This gateway's book had room, the fleet's counters have not: the cheaper chain, when the request fits there
            // on both (the dear reservation is given back already, so it does not count against the cheap one).
            var fallback = await CheaperRequestAsync(request, cheaperForFleet, cancellationToken).ConfigureAwait(false);
            var (cheap, _) = _book.TryReserve(client, model, tokens, CostOf(cheaperForFleet, model, prompt, tokens - prompt));
            if (cheap is not null)
            {
                var cheapHold = await HoldAsync(fallback, client, model, cheap).ConfigureAwait(false);
                if (cheapHold.Lease is not null)
                {
                    Log.BudgetFallback(_logger, fleetFull.Budget, request.CorrelationId);
                    fallback.BudgetNote = $"fallback; budget={fleetFull.Budget}";
                    (request, reservation, hold) = (fallback, cheap, cheapHold);
                }
                else if (cheapHold.StoreFailed || cheapHold.FleetRefusal is { Refusal: null })
                {
                    // The store or the fleet's counters failed meanwhile: that is the answer, not the dear refusal.
                    hold = cheapHold;
                }
            }
        }

        if (hold.StoreFailed)
        {
            feature.ErrorType = "store-unavailable";
            await GatewayProblem.StoreUnavailable(request.CorrelationId, "The request's budget reservation cannot be stored now: the store cannot be written. Nothing was sent to a provider.").WriteAsync(context, 0).ConfigureAwait(false);
            return null;
        }

        if (hold.FleetRefusal is { } fleetRefusal)
        {
            return await RefuseOnFleetAsync(context, feature, request, fleetRefusal).ConfigureAwait(false);
        }

        foreach (string advisory in reservation.AdvisoryExceeded)
        {
            Log.AdvisoryExceeded(_logger, advisory, request.CorrelationId);
        }

        reservation.LeaseId = hold.Lease!.Id;
        request.Reservation = reservation;
        request.BudgetNote ??= NoteOf(reservation);
        return request;
    }

    /// <summary>
    /// Makes the book's reservation durable (its lease in the store) and, in a fleet, reserves it on the fleet's counters:
    /// both at once, since each is a wait (a store write, a Redis round trip), and the request waits for the longer only.
    /// When either refuses or fails, what the other took is given back, and so is the book's reservation.
    /// </summary>
    private async Task<ReservationHold> HoldAsync(ForwardingRequest request, BudgetClient client, string? model, BudgetReservation reservation)
    {
        var lease = new BudgetLease(
            Guid.NewGuid().ToString("N"), _timeProvider.GetUtcNow(), client.KeyId, client.User, client.Team, client.Tier, request.Route.Path, model,
            reservation.Tokens, reservation.Cost > 0 ? BudgetDefinition.FromNanos(reservation.Cost) : null);
        var storing = StoreLeaseAsync(lease);
        BudgetFleetRefusal? fleetRefusal;
        try
        {
            fleetRefusal = await ReserveOnFleetAsync(reservation).ConfigureAwait(false);
        }
        catch
        {
            if (await storing.ConfigureAwait(false))
            {
                _leases.Release(lease.Id);
            }

            throw;
        }

        bool stored = await storing.ConfigureAwait(false);
        if (fleetRefusal is not null)
        {
            if (stored)
            {
                _leases.Release(lease.Id);
            }

            _book.Release(reservation);
            return new ReservationHold(null, fleetRefusal, StoreFailed: false);
        }

        if (!stored)
        {
            // A reservation that cannot be made durable is not made: the request is refused, not sent. The store may have
            // committed the lease and failed after: deleting a lease that is not there is harmless.
            _leases.Release(lease.Id);
            _book.Release(reservation);
            _fleet?.End(reservation, 0, 0);
            return new ReservationHold(null, null, StoreFailed: true);
        }

        return new ReservationHold(lease, null, StoreFailed: false);
    }

    private async Task<bool> StoreLeaseAsync(BudgetLease lease)
    {
        try
        {
            await _leases.StoreAsync(lease).ConfigureAwait(false);
            return true;
        }
#pragma warning disable CA1031 // Whatever the store's failure, the reservation is not made (HoldAsync).
        catch (Exception)
#pragma warning restore CA1031
        {
            return false;
        }
    }

    /// <summary>The same request sent to the route's cheaper chain instead (its body fields read for that chain).</summary>
    private static async Task<ForwardingRequest> CheaperRequestAsync(ForwardingRequest request, GatewayRoute cheaper, CancellationToken cancellationToken)
    {
        var fallback = new ForwardingRequest(request.Context, cheaper, request.CorrelationId, request.Replay, request.BodyBuffered, request.BodyStreamed) { Spool = request.Spool };
        await fallback.ReadBodyFieldsAsync(null, cancellationToken).ConfigureAwait(false);
        return fallback;
    }

    /// <summary>
    /// Reserves on the fleet's counters (when the gateway shares them): <see langword="null"/> when it fits or there is
    /// no fleet. On an exception the reservation is given back here and on the fleet.
    /// </summary>
    private async Task<BudgetFleetRefusal?> ReserveOnFleetAsync(BudgetReservation reservation)
    {
        if (_fleet is null)
        {
            return null;
        }

        try
        {
            // Not the request's token: the call is bounded by the shared state's operation timeout, and a client that
            // leaves meanwhile must not leave the reservation held here (nor on the fleet) for good.
            return await _fleet.ReserveAsync(reservation, CancellationToken.None).ConfigureAwait(false);
        }
        catch
        {
            _book.Release(reservation);
            _fleet.End(reservation, 0, 0);
            throw;
        }
    }

    /// <summary>The fleet as a whole has no room (or its counters cannot be reached, failing closed): nothing was sent.</summary>
    private async Task<ForwardingRequest?> RefuseOnFleetAsync(HttpContext context, BulwarkRequestFeature feature, ForwardingRequest request, BudgetFleetRefusal fleetRefusal)
    {
        if (fleetRefusal.Refusal is not { } refused)
        {
            feature.ErrorType = "budget-unavailable";
            await GatewayProblem.StoreUnavailable(request.CorrelationId, "The fleet's budget counters (shared state) cannot be reached, and budgets fail closed (Bulwark:SharedState:BudgetsOnRedisFailure). Nothing was sent to a provider.").WriteAsync(context, 0).ConfigureAwait(false);
            return null;
        }

        feature.ErrorType = "budget-exceeded";
        Log.Refused(_logger, refused.Budget, refused.Kind, request.CorrelationId);
        await GatewayProblem.BudgetExceeded(request.CorrelationId, Describe(refused), refused.RetryAfter).WriteAsync(context, 0).ConfigureAwait(false);
        return null;
    }

    /// <summary>
    /// Ends the request's reservation: settled to the usage and cost of the answer it got (the reservation's own amounts
    /// where the provider did not report them), or released when no provider's answer was sent (refusals and failures
    /// cost nothing), or when the request was stored for later delivery.
    /// </summary>
    public void End(ForwardingRequest request, BulwarkRequestFeature feature, bool served, bool deferred, bool deadlineExpired)
    {
        if (request.Reservation is not { } reservation)
        {
            return;
        }

        if (deferred)
        {
            _book.Release(reservation);
            _fleet?.End(reservation, 0, 0);
            _leases.Release(reservation.LeaseId!);
            return;
        }

        // A request sent and then given up on (the client left, the route's time ran out) may still be served and
        // billed by its provider: charged what it reserved. One answered with failures by every provider costs nothing.
        bool abandoned = request.Context.RequestAborted.IsCancellationRequested || deadlineExpired || feature.ErrorType is "stream-broken" or "client-gone";
        if (!served && !(abandoned && request.Attempts > 0))
        {
            _book.Release(reservation);
            _fleet?.End(reservation, 0, 0);
            return;
        }

        bool known = !abandoned && feature.InputTokens is not null && feature.OutputTokens is not null;
        bool failed = served && !abandoned && request.Context.Response.StatusCode >= StatusCodes.Status400BadRequest;
        long tokens = known ? feature.InputTokens!.Value + feature.OutputTokens!.Value : failed ? 0 : reservation.Tokens;
        long cost = !abandoned && feature.Cost is { } actual ? BudgetDefinition.ToNanos(actual) : failed ? 0 : reservation.Cost;
        _fleet?.End(reservation, tokens, cost);
        foreach (var change in _book.Settle(reservation, tokens, cost))
        {
            Log.LevelChanged(_logger, change.Budget, change.Subject ?? "everyone", BudgetCounterStatus.LevelName(change.From), BudgetCounterStatus.LevelName(change.To));
        }
    }

    /// <summary>
    /// Ends the reservation of a request whose handling failed unexpectedly: charged what it reserved (it may have been
    /// sent), its lease left for the next start to record.
    /// </summary>
    public void Abandon(ForwardingRequest request)
    {
        if (request.Reservation is { } reservation)
        {
            _book.Settle(reservation, reservation.Tokens, reservation.Cost);
            _fleet?.End(reservation, reservation.Tokens, reservation.Cost);
        }
    }

    /// <summary>The most the request may cost on <paramref name="route"/>: the dearest of its providers at their prices for the model; <see langword="null"/> when one has none.</summary>
    private static long? CostOf(GatewayRoute route, string? model, long prompt, long output)
    {
        long most = 0;
        foreach (var provider in route.Providers)
        {
            string? sent = model is not null && provider.Models is { } map && map.TryMap(model, out var mapped) ? mapped : model;
            if ((provider.Prices.Find(sent) ?? provider.Prices.Find(model)) is not { } price)
            {
                return null;
            }

            decimal cost = ((prompt * Math.Max(price.Input, price.CachedInput)) + (output * price.Output)) / 1_000_000m;
            most = Math.Max(most, BudgetDefinition.ToNanos(cost));
        }

        return most;
    }

    /// <summary>The <c>X-Bulwark-Budget</c> header of a served request: the advisory budgets it exceeded, else its tightest budget's level and share left.</summary>
    private static string? NoteOf(BudgetReservation reservation) =>
        reservation.AdvisoryExceeded.Count > 0 ? "advisory-exceeded; budget=" + string.Join(',', reservation.AdvisoryExceeded)
        : reservation.Tightest is { } tightest ? string.Create(CultureInfo.InvariantCulture, $"{BudgetCounterStatus.LevelName(tightest.Level)}; budget={tightest.Name}; remaining={tightest.RemainingShare:0.####}")
        : null;

    private static ProblemBudget Describe(BudgetRefusal refusal)
    {
        string detail = refusal.Kind switch
        {
            BudgetRefusalKind.TooLarge => $"The request's reservation ({refusal.AskedTokens:N0} tokens{CostText(refusal.AskedCost)}: its prompt bound plus its output cap) is more than budget '{refusal.Budget}' allows in a whole period; lower max_completion_tokens (or max_tokens). Nothing was sent to a provider.",
            BudgetRefusalKind.Unpriced => $"Budget '{refusal.Budget}' limits cost, but a provider this request may go to has no price for its model, so its cost has no bound. Nothing was sent to a provider.",
            BudgetRefusalKind.UnknownModel => $"Budget '{refusal.Budget}' counts one model, and this request's model could not be read (none, or 'model' given twice). Nothing was sent to a provider.",
            BudgetRefusalKind.Loading => $"Budget '{refusal.Budget}' is being counted from the usage ledger (the gateway started, or the budget changed); retry in a moment. Nothing was sent to a provider.",
            _ when refusal.ResetsAt is null => $"What is left of budget '{refusal.Budget}' is held by requests in flight; retry shortly (they may settle for less than they reserved). Nothing was sent to a provider.",
            _ => $"Budget '{refusal.Budget}' has not enough left for this request's reservation ({refusal.AskedTokens:N0} tokens{CostText(refusal.AskedCost)}); it resets at {refusal.ResetsAt:O}. Nothing was sent to a provider.",
        };
        return new ProblemBudget(refusal.Budget, refusal.Subject, refusal.RemainingTokens, refusal.RemainingCost, refusal.ResetsAt, detail, refusal.Kind switch { BudgetRefusalKind.Unpriced => "budget-unpriced", BudgetRefusalKind.UnknownModel => "budget-unknown-model", _ => "budget-exceeded" });
    }

    private static string CostText(decimal? cost) => cost is { } c && c > 0 ? string.Create(CultureInfo.InvariantCulture, $", {c} {Configuration.UsageConstants.Currency}") : string.Empty;

    /// <summary>Where a request on an AI route states its output cap: by the endpoint its path ends with.</summary>
    private static OutputCap OutputOf(string? path, RouteApi api)
    {
        if (path is null)
        {
            return OutputCap.NotCounted;
        }

        if (path.EndsWith("/chat/completions", StringComparison.Ordinal))
        {
            return OutputCap.MaxCompletionTokens;
        }

        if (path.EndsWith("/messages", StringComparison.Ordinal) || path.EndsWith("/completions", StringComparison.Ordinal))
        {
            return OutputCap.MaxTokens;
        }

        if (path.EndsWith("/responses", StringComparison.Ordinal))
        {
            return OutputCap.MaxOutputTokens;
        }

        return path.EndsWith("/embeddings", StringComparison.Ordinal) ? OutputCap.None : OutputCap.NotCounted;
    }

    private static string FieldOf(OutputCap kind) => kind switch
    {
        OutputCap.MaxCompletionTokens => "max_completion_tokens",
        OutputCap.MaxOutputTokens => "max_output_tokens",
        _ => "max_tokens",
    };

    /// <summary><paramref name="json"/> (an object) with <c>"name": value</c> as its first member.</summary>
    internal static byte[] AddField(byte[] json, string name, long value)
    {
        int open = Array.IndexOf(json, (byte)'{');
        int next = open + 1;
        while (next < json.Length && json[next] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            next++;
        }

        bool empty = next < json.Length && json[next] == (byte)'}';
        byte[] member = System.Text.Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"\"{name}\":{value}{(empty ? string.Empty : ",")}"));
        var result = new byte[json.Length + member.Length];
        json.AsSpan(0, open + 1).CopyTo(result);
        member.CopyTo(result, open + 1);
        json.AsSpan(open + 1).CopyTo(result.AsSpan(open + 1 + member.Length));
        return result;
    }

    private static async ValueTask<byte[]> ReadAllAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        request.Body.Position = 0;
        using var copy = new MemoryStream();
        await request.Body.CopyToAsync(copy, cancellationToken).ConfigureAwait(false);
        request.Body.Position = 0;
        return copy.ToArray();
    }

    private static long SaturatingAdd(long a, long b) => a > long.MaxValue - b ? long.MaxValue : a + b;

    private static long SaturatingMultiply(long a, int b) => b != 0 && a > long.MaxValue / b ? long.MaxValue : a * b;

    private enum OutputCap
    {
        NotCounted,
        None,
        MaxCompletionTokens,
        MaxTokens,
        MaxOutputTokens,
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.BudgetRefused, Level = LogLevel.Information, Message = "Budget {Budget} refused a request ({Kind}); correlation id {CorrelationId}")]
        public static partial void Refused(ILogger logger, string budget, BudgetRefusalKind kind, string correlationId);

        [LoggerMessage(EventId = EventIds.BudgetAdvisoryExceeded, Level = LogLevel.Warning, Message = "Advisory budget {Budget} is exceeded by a request it let through; correlation id {CorrelationId}")]
        public static partial void AdvisoryExceeded(ILogger logger, string budget, string correlationId);

        [LoggerMessage(EventId = EventIds.BudgetLevelChanged, Level = LogLevel.Warning, Message = "Budget {Budget} of {Subject} went from {From} to {To}")]
        public static partial void LevelChanged(ILogger logger, string budget, string subject, string from, string to);

        [LoggerMessage(EventId = EventIds.BudgetFellBack, Level = LogLevel.Information, Message = "Budget {Budget} refused a request on the route's providers; it goes to the route's budget fallback; correlation id {CorrelationId}")]
        public static partial void BudgetFallback(ILogger logger, string budget, string correlationId);
    }
}
