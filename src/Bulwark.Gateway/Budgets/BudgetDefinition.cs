using Bulwark.Gateway.Configuration;

namespace Bulwark.Gateway.Budgets;

/// <summary>One budget at run time: which requests it counts, whose spend each counter holds, its period and limits.</summary>
internal sealed class BudgetDefinition
{
    /// <summary>The nanos in one unit of currency: costs are counted in whole billionths, exactly, as the ledger stores them.</summary>
    public const long NanosPerUnit = 1_000_000_000;

    public BudgetDefinition(string name, GatewayBudgetOptions options, bool fromAdmin)
    {
        Name = name;
        Options = options;
        FromAdmin = fromAdmin;
        Per = options.Per;
        Key = options.Key;
        User = options.User;
        Team = options.Team;
        Tier = options.Tier;
        if (options.Model is { } model)
        {
            ModelPrefix = model.EndsWith('*');
            Model = ModelPrefix ? model[..^1] : model;
        }

        Period = options.Period;
        Window = options.Window ?? TimeSpan.Zero;
        CostLimit = options.Cost is { } cost ? ToNanos(cost) : null;
        TokenLimit = options.Tokens;
        Mode = options.Mode;
        Warning = options.Warning;
        Critical = options.Critical;
    }

    public string Name { get; }

    /// <summary>Gets the options it was made from, as configured or sent to the admin API.</summary>
    public GatewayBudgetOptions Options { get; }

    /// <summary>Gets whether it was made through the admin API (else it is configured).</summary>
    public bool FromAdmin { get; }

    public BudgetScope Per { get; }

    public string? Key { get; }

    public string? User { get; }

    public string? Team { get; }

    public string? Tier { get; }

    public string? Model { get; }

    public bool ModelPrefix { get; }

    public BudgetPeriod Period { get; }

    public TimeSpan Window { get; }

    /// <summary>Gets the cost limit in billionths of the currency, or <see langword="null"/> when cost is not limited.</summary>
    public long? CostLimit { get; }

    public long? TokenLimit { get; }

    public BudgetMode Mode { get; }

    public double Warning { get; }

    public double Critical { get; }

    /// <summary>
    /// Whether two definitions count the same requests the same way (so their counters stay valid); a budget that was
    /// or becomes Disabled counted nothing meanwhile, so it is counted again.
    /// </summary>
    public bool CountsLike(BudgetDefinition other) =>
        (Mode == BudgetMode.Disabled) == (other.Mode == BudgetMode.Disabled)
        && Per == other.Per && Key == other.Key && User == other.User && Team == other.Team && Tier == other.Tier
        && Model == other.Model && ModelPrefix == other.ModelPrefix && Period == other.Period && Window == other.Window;

    /// <summary>
    /// The counter a request of <paramref name="client"/> for <paramref name="model"/> counts in (<c>""</c> for a global
    /// budget), or <see langword="null"/> when the budget does not count it.
    /// </summary>
    public string? SubjectOf(in BudgetClient client, string? model)
    {
        if (Model is not null && (model is null || (ModelPrefix
            ? !model.StartsWith(Model, StringComparison.OrdinalIgnoreCase)
            : !string.Equals(Model, model, StringComparison.OrdinalIgnoreCase))))
        {
            return null;
        }

        return ClientSubject(client);
    }

    /// <summary>The counter requests of <paramref name="client"/> count in, whatever the model; <see langword="null"/> when none do.</summary>
    public string? ClientSubject(in BudgetClient client)
    {
        if ((Key is not null && !string.Equals(Key, client.KeyId, StringComparison.Ordinal))
            || (User is not null && !string.Equals(User, client.User, StringComparison.Ordinal))
            || (Team is not null && !string.Equals(Team, client.Team, StringComparison.Ordinal))
            || (Tier is not null && !string.Equals(Tier, client.Tier, StringComparison.Ordinal)))
        {
            return null;
        }

        return Per switch
        {
            BudgetScope.Global => string.Empty,
            BudgetScope.Key => client.KeyId,
            BudgetScope.User => client.User,
            BudgetScope.Team => client.Team,
            BudgetScope.Tier => client.Tier,
            _ => null,
        };
    }

    /// <summary>The start of the period <paramref name="now"/> is in, and its end (for a rolling window: the window ending now).</summary>
    public (DateTimeOffset Start, DateTimeOffset End) PeriodAt(DateTimeOffset now, TimeZoneInfo zone)
    {
        switch (Period)
        {
            case BudgetPeriod.Rolling:
                return (now - Window, now);
            case BudgetPeriod.Day:
            {
                var local = TimeZoneInfo.ConvertTime(now, zone).DateTime.Date;
                return (Utc(local, zone), Utc(local.AddDays(1), zone));
            }
            default:
            {
                var local = TimeZoneInfo.ConvertTime(now, zone).DateTime;
                var first = new DateTime(local.Year, local.Month, 1, 0, 0, 0, DateTimeKind.Unspecified);
                return (Utc(first, zone), Utc(first.AddMonths(1), zone));
            }
        }
    }

    /// <summary>The width of a rolling window's time bucket: the window in <see cref="BudgetsConstants.RollingBuckets"/> steps.</summary>
    /// <remarks>Rounded up: the 60 buckets cover at least the window, so spend leaves it late, never early.</remarks>
    public long BucketMilliseconds => Math.Max(1, ((long)Window.TotalMilliseconds + BudgetsConstants.RollingBuckets - 1) / BudgetsConstants.RollingBuckets);

    /// <summary>The instant a local midnight (or first of month) happens in <paramref name="zone"/>; where DST skips it, the first hour after.</summary>
    private static DateTimeOffset Utc(DateTime local, TimeZoneInfo zone)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(30);
        }

        return new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime();
    }

    /// <summary>An amount in billionths, rounded up; saturated at <see cref="long.MaxValue"/> (an amount no budget can hold).</summary>
    public static long ToNanos(decimal amount) => amount >= long.MaxValue / (decimal)NanosPerUnit ? long.MaxValue : (long)decimal.Ceiling(amount * NanosPerUnit);

    public static decimal FromNanos(long nanos) => nanos / (decimal)NanosPerUnit;
}
