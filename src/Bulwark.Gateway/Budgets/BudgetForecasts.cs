using System.Globalization;
using System.Text.Json;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Forecasting;
using Bulwark.Gateway.Storage;
using Bulwark.Storage.Budgets;

namespace Bulwark.Gateway.Budgets;

/// <summary>
/// The spend forecast of each budget counter the status endpoints show: its hourly spend over the last five weeks from
/// the usage ledger (read once a minute for all counters) through <see cref="SpendForecaster"/>, in the budget's tighter
/// dimension (cost or tokens).
/// </summary>
internal sealed class BudgetForecasts
{
    /// <summary>How far back the hourly history goes: five weeks, enough for a day-of-week profile.</summary>
    public static readonly TimeSpan HistoryLength = TimeSpan.FromDays(35);

    /// <summary>How long one reading of the ledger's history serves every forecast.</summary>
    public static readonly TimeSpan HistoryCacheDuration = TimeSpan.FromMinutes(1);

    private readonly GatewayStore _store;
    private readonly BudgetBook _book;
    private readonly TimeProvider _timeProvider;
    private readonly SemaphoreSlim _reading = new(1, 1);
    private volatile History? _history;

    /// <summary>One reading of the ledger's hourly history, replaced whole (never torn).</summary>
    private sealed record History(DateTimeOffset ReadAt, DateTimeOffset From, IReadOnlyList<BudgetSpend> Sums);

    public BudgetForecasts(GatewayStore store, BudgetBook book, TimeProvider timeProvider)
    {
        _store = store;
        _book = book;
        _timeProvider = timeProvider;
    }

    /// <summary>The counter's forecast, or <see langword="null"/> when there is no ledger to forecast from.</summary>
    public async ValueTask<BudgetForecastView?> ForecastAsync(BudgetCounterStatus status, CancellationToken cancellationToken)
    {
        if (await HistoryAsync(cancellationToken).ConfigureAwait(false) is not { } history)
        {
            return null;
        }

        var budget = status.Budget;
        var now = _timeProvider.GetUtcNow();
        bool byCost = budget.CostLimit is { } costLimit
            && (budget.TokenLimit is not { } tokenLimit || (double)status.SpentCost / costLimit >= (double)status.SpentTokens / tokenLimit);
        int hours = (int)Math.Ceiling((now - history.From).TotalHours);
        var hourly = new double[Math.Max(1, hours)];
        string subject = status.Subject ?? string.Empty;
        foreach (var sum in history.Sums)
        {
            var client = new BudgetClient(sum.ClientKeyId, sum.User, sum.Team, sum.Tier);
            int index = (int)((sum.BucketStart - history.From).Ticks / TimeSpan.TicksPerHour);
            if (index >= 0 && index < hourly.Length && budget.SubjectOf(client, sum.Model) == subject)
            {
                hourly[index] += byCost ? (double)sum.Cost : sum.Tokens;
            }
        }

        double limit = byCost ? (double)BudgetDefinition.FromNanos(budget.CostLimit!.Value) : budget.TokenLimit!.Value;
        double spent = byCost ? (double)BudgetDefinition.FromNanos(status.SpentCost) : status.SpentTokens;
        var (start, end) = budget.Period == BudgetPeriod.Rolling ? (now - budget.Window, now + budget.Window) : (status.PeriodStart, status.PeriodEnd);
        var forecast = SpendForecaster.Forecast(new SpendHistory(history.From, hourly), now, start, end, spent, limit, _book.TimeZone);
        return new BudgetForecastView(byCost ? "cost" : "tokens", forecast);
    }

    private async ValueTask<History?> HistoryAsync(CancellationToken cancellationToken)
    {
        if (_store.BudgetStore is not { } budgetStore || !_store.IsAvailable)
        {
            return null;
        }

        var now = _timeProvider.GetUtcNow();
        if (_history is { } cached && now - cached.ReadAt < HistoryCacheDuration)
        {
            return cached;
        }

        await _reading.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_history is { } again && now - again.ReadAt < HistoryCacheDuration)
            {
                return again;
            }

            var hour = new DateTimeOffset(now.UtcDateTime.Date.AddHours(now.UtcDateTime.Hour), TimeSpan.Zero);
            var from = hour - HistoryLength;
            try
            {
                var sums = await budgetStore.SumBudgetSpendAsync(from, hour.AddHours(1), TimeSpan.FromHours(1), cancellationToken).ConfigureAwait(false);
                var read = new History(now, from, sums);
                _history = read;
                return read;
            }
            catch (Bulwark.Storage.StoreUnavailableException)
            {
                return null;
            }
        }
        finally
        {
            _reading.Release();
        }
    }
}

/// <summary>A forecast as the status endpoints show it: in which dimension, and the forecaster's figures.</summary>
internal sealed record BudgetForecastView(string Dimension, SpendForecast Forecast)
{
    public void Write(Utf8JsonWriter json)
    {
        json.WriteStartObject("forecast");
        json.WriteString("dimension", Dimension);
        json.WriteString("method", Forecast.Method.ToString());
        json.WriteNumber("ratePerHour", Math.Round(Forecast.RatePerHour, 9));
        json.WriteNumber("projectedAtPeriodEnd", Math.Round(Forecast.ProjectedAtPeriodEnd, 9));
        json.WriteString("exhaustionAt", Forecast.ExhaustionAt?.ToString("O", CultureInfo.InvariantCulture));
        json.WriteString("exhaustionEarliest", Forecast.ExhaustionEarliest?.ToString("O", CultureInfo.InvariantCulture));
        json.WriteString("exhaustionLatest", Forecast.ExhaustionLatest?.ToString("O", CultureInfo.InvariantCulture));
        json.WriteEndObject();
    }
}
