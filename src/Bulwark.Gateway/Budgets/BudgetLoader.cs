using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Ledger;
using Bulwark.Gateway.Routing;
using Bulwark.Gateway.Storage;
using Microsoft.Extensions.Primitives;

namespace Bulwark.Gateway.Budgets;

/// <summary>
/// Puts the budgets in place and counts their spend from the usage ledger: at start (after charging in full the leases a
/// stopped process left behind), when the configuration is reloaded, and when the admin API makes or removes one. A
/// budget being counted refuses strict requests (<see cref="BudgetRefusalKind.Loading"/>) until it is done.
/// </summary>
internal sealed partial class BudgetLoader : IHostedService, IDisposable
{
    private readonly BudgetBook _book;
    private readonly GatewayStore _store;
    private readonly UsageLedger _ledger;
    private readonly LiveGatewayConfiguration _live;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<BudgetLoader> _logger;
    private readonly SemaphoreSlim _applying = new(1, 1);
    private IDisposable? _reloads;

    private readonly Tokens.PromptTokenEstimator _estimator;

    public BudgetLoader(BudgetBook book, GatewayStore store, UsageLedger ledger, LiveGatewayConfiguration live, Tokens.PromptTokenEstimator estimator, TimeProvider timeProvider, ILogger<BudgetLoader> logger)
    {
        _estimator = estimator;
        _book = book;
        _store = store;
        _ledger = ledger;
        _live = live;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_store.Sqlite is { } sqlite && _store.IsAvailable)
        {
            try
            {
                var recovered = await sqlite.RecoverBudgetLeasesAsync(_timeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false);
                if (recovered.Count > 0)
                {
                    Log.Recovered(_logger, recovered.Count);
                }
            }
            catch (Bulwark.Storage.StoreUnavailableException e)
            {
                Log.LoadFailed(_logger, e.Message);
            }
        }

        await ApplyAsync(cancellationToken).ConfigureAwait(false);
        if (_book.Active && _live.Options.Routes.Any(static r => r.Api == RouteApi.OpenAI))
        {
            // The tokenizer of OpenAI's current models loads in the background (0.3 to 1 s), not on the first request.
            _ = Task.Run(() => _estimator.Preload("gpt-4o"), CancellationToken.None);
        }

        _reloads = ChangeToken.OnChange(_live.GetChangeToken, () => _ = ApplyAsync(CancellationToken.None));

        // Counters of users whose period ended with nothing in flight are dropped hourly: memory follows the active users.
        _sweep = _timeProvider.CreateTimer(static book => ((BudgetBook)book!).Sweep(), _book, SweepInterval, SweepInterval);
    }

    /// <summary>How often idle counters are dropped.</summary>
    public static readonly TimeSpan SweepInterval = TimeSpan.FromHours(1);

    private ITimer? _sweep;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
        _sweep?.Dispose();
        _retry?.Dispose();
        _reloads?.Dispose();
        _applying.Dispose();
    }

    /// <summary>Reads a budget definition sent to the admin API (the configuration's shape, as JSON); throws on a value that cannot be read.</summary>
    public static GatewayBudgetOptions Parse(string json)
    {
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json));
        var section = new ConfigurationBuilder().AddJsonStream(stream).Build();
        var options = new GatewayBudgetOptions();
        section.Bind(options, static binder => binder.ErrorOnUnknownConfiguration = true);
        return options;
    }

    /// <summary>Puts the configured and the admin-made budgets in place, counting new and changed ones from the ledger.</summary>
    public async Task ApplyAsync(CancellationToken cancellationToken)
    {
        await _applying.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var options = _live.Options;
            var budgets = options.Budgets.Items.Select(static b => new BudgetDefinition(b.Key, b.Value, fromAdmin: false)).ToList();
            if (_store.Sqlite is { } sqlite && _store.IsAvailable)
            {
                try
                {
                    foreach (var stored in await sqlite.ListBudgetsAsync(cancellationToken).ConfigureAwait(false))
                    {
                        if (!options.Budgets.Items.ContainsKey(stored.Name))
                        {
                            budgets.Add(new BudgetDefinition(stored.Name, Parse(stored.Definition), fromAdmin: true));
                        }
                    }
                }
                catch (Exception e) when (e is Bulwark.Storage.StoreUnavailableException or InvalidOperationException or FormatException or System.Text.Json.JsonException)
                {
                    // Fails closed: the admin-made budgets in force stay (their counters with them), none is dropped.
                    Log.LoadFailed(_logger, e.Message);
                    budgets.AddRange(_book.Budgets.Where(b => b.FromAdmin && !options.Budgets.Items.ContainsKey(b.Name)));
                }
            }

            var zone = BudgetRules.FindTimeZone(options.Budgets.TimeZone) ?? TimeZoneInfo.Utc;
            var loading = _book.Replace(budgets, zone);
                if (loading.Count == 0 || _store.Sqlite is not { } ledger || !_store.IsAvailable)
            {
                return;
            }

            // Rows settled before the budgets changed are written first, so the sums hold them (those settled since are
            // counted by the book itself; one in both is counted twice: too much, never too little).
            await _ledger.FlushAsync(cancellationToken).ConfigureAwait(false);
            var now = _timeProvider.GetUtcNow();
            foreach (var budget in loading)
            {
                try
                {
                    var (from, to, bucket) = RangeOf(budget, now, zone);
                    var sums = await ledger.SumBudgetSpendAsync(from, to, bucket, cancellationToken).ConfigureAwait(false);
                    _book.CompleteLoading(budget, sums);
                }
                catch (Bulwark.Storage.StoreUnavailableException e)
                {
                    // It stays loading: strict requests it counts are refused until a later reload counts it.
                    Log.LoadFailed(_logger, e.Message);
                }
            }

            Log.Loaded(_logger, budgets.Count, loading.Count);
        }
        finally
        {
            _applying.Release();
        }

        if (_book.AnyLoading)
        {
            // A budget whose count failed is tried again: until it is counted, strict requests it counts are refused.
            Interlocked.Exchange(ref _retry, _timeProvider.CreateTimer(static loader => _ = ((BudgetLoader)loader!).ApplyAsync(CancellationToken.None), this, LoadRetryInterval, Timeout.InfiniteTimeSpan))?.Dispose();
        }
    }

    /// <summary>
    /// What the usage ledger holds for <paramref name="budget"/> in its current period (or window), by client, model and
    /// bucket: what a counter of the fleet that Redis does not know is seeded with.
    /// </summary>
    /// <exception cref="Bulwark.Storage.StoreUnavailableException">The store cannot be read.</exception>
    public async Task<IReadOnlyList<Bulwark.Storage.Sqlite.Budgets.BudgetSpend>> SpendOfAsync(BudgetDefinition budget, CancellationToken cancellationToken)
    {
        if (_store.IsInMemory)
        {
            // Nothing is kept across a restart: there is nothing spent before to count.
            return [];
        }

        if (_store.Sqlite is not { } ledger || !_store.IsAvailable)
        {
            throw new Bulwark.Storage.StoreUnavailableException(Bulwark.Storage.StoreUnavailableReason.CannotOpen, "The usage ledger cannot be read: the gateway runs without its store.");
        }

        await _ledger.FlushAsync(cancellationToken).ConfigureAwait(false);
        var (from, to, bucket) = RangeOf(budget, _timeProvider.GetUtcNow(), _book.TimeZone);
        return await ledger.SumBudgetSpendAsync(from, to, bucket, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>How soon a budget whose count from the ledger failed is counted again.</summary>
    public static readonly TimeSpan LoadRetryInterval = TimeSpan.FromSeconds(10);

    private ITimer? _retry;

    /// <summary>The ledger range a budget is counted from, and the bucket its sums come in.</summary>
    private static (DateTimeOffset From, DateTimeOffset To, TimeSpan Bucket) RangeOf(BudgetDefinition budget, DateTimeOffset now, TimeZoneInfo zone)
    {
        if (budget.Period == BudgetPeriod.Rolling)
        {
            long width = budget.BucketMilliseconds;
            long current = now.ToUnixTimeMilliseconds() / width;
            return (DateTimeOffset.FromUnixTimeMilliseconds((current - BudgetsConstants.RollingBuckets) * width), DateTimeOffset.FromUnixTimeMilliseconds((current + 1) * width), TimeSpan.FromMilliseconds(width));
        }

        var (start, end) = budget.PeriodAt(now, zone);
        return (start, end, end - start);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.BudgetsLoaded, Level = LogLevel.Information, Message = "{Count} budget(s) in place; {Counted} counted from the usage ledger")]
        public static partial void Loaded(ILogger logger, int count, int counted);

        [LoggerMessage(EventId = EventIds.BudgetLeasesRecovered, Level = LogLevel.Warning, Message = "{Count} budget reservation(s) were in flight when the gateway last stopped; each is charged in full (its provider may have served it) and recorded in the usage ledger")]
        public static partial void Recovered(ILogger logger, int count);

        [LoggerMessage(EventId = EventIds.BudgetLoadFailed, Level = LogLevel.Error, Message = "Budgets could not be counted from the store ({Reason}); strict budgets refuse the requests they count until they are")]
        public static partial void LoadFailed(ILogger logger, string reason);
    }
}
