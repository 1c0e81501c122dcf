using System.Diagnostics;
using System.Diagnostics.Metrics;
using Bulwark.AspNetCore.ProviderHealth;
using Bulwark.AspNetCore.Providers;
using Bulwark.Failover;
using static Bulwark.AspNetCore.Telemetry.TelemetryNames;

namespace Bulwark.AspNetCore.Telemetry;

/// <summary>
/// The instruments of the <c>Bulwark</c> meter, created through <see cref="IMeterFactory"/>. Recorded by the telemetry
/// middleware (<c>UseBulwarkTelemetry</c>) from each request and its <see cref="Requests.BulwarkRequestFeature"/>.
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>Instrument</term><description>Meaning and attributes</description></listheader>
/// <item><term><c>http.server.request.duration</c> (histogram, s)</term><description>each request; <c>http.request.method</c>, <c>http.route</c>, <c>http.response.status_code</c>, <c>error.type</c> when it failed.</description></item>
/// <item><term><c>http.client.request.duration</c> (histogram, s)</term><description>each attempt that reached a provider; <c>bulwark.provider</c>, <c>bulwark.attempt.outcome</c> (success, failure, timeout, cancelled), <c>http.response.status_code</c> when known.</description></item>
/// <item><term><c>bulwark.retries</c> (counter)</term><description>attempts after a provider's first; <c>bulwark.provider</c>.</description></item>
/// <item><term><c>bulwark.failovers</c> (counter)</term><description>moves from one provider to the next within a request; <c>bulwark.provider</c> (left), <c>bulwark.failover.target</c>.</description></item>
/// <item><term><c>bulwark.rejections</c> (counter)</term><description>attempts a provider refused or skipped; <c>bulwark.provider</c>, <c>bulwark.rejection.reason</c> (circuit_open, isolated, bulkhead, rate_limited, other).</description></item>
/// <item><term><c>bulwark.circuit_breaker.state</c> (gauge)</term><description>per provider with a breaker: 0 closed, 1 half-open, 2 open, 3 isolated.</description></item>
/// <item><term><c>bulwark.bulkhead.active</c>, <c>bulwark.bulkhead.queued</c> (gauges)</term><description>per provider with a bulkhead.</description></item>
/// <item><term><c>bulwark.provider.health_score</c> (gauge)</term><description>per provider, 0–100, when <see cref="IProviderStatistics"/> is registered.</description></item>
/// <item><term><c>gen_ai.client.operation.duration</c> (histogram, s)</term><description>each request on an AI API route; <c>gen_ai.system</c> and its newer name <c>gen_ai.provider.name</c>, <c>gen_ai.operation.name</c>, <c>gen_ai.request.model</c> and <c>gen_ai.response.model</c> when known (the first 200 distinct names; later ones <c>_OTHER</c>), <c>bulwark.provider</c> when one answered, <c>error.type</c> when it failed.</description></item>
/// <item><term><c>gen_ai.client.token.usage</c> (histogram, {token})</term><description>the input and output tokens a provider reported; the attributes above and <c>gen_ai.token.type</c> (input, output).</description></item>
/// <item><term><c>bulwark.gen_ai.cost</c> (counter, USD)</term><description>the cost of each request whose model has a configured price; the attributes above and <c>bulwark.cost.currency</c>.</description></item>
/// <item><term><c>bulwark.config.reloads</c> (counter)</term><description>each changed configuration file the gateway read; <c>bulwark.config.reload.outcome</c> (applied, rejected).</description></item>
/// </list>
/// </remarks>
public sealed class BulwarkMetrics
{
    private readonly Histogram<double> _serverDuration;
    private readonly Histogram<double> _clientDuration;
    private readonly Counter<long> _retries;
    private readonly Counter<long> _failovers;
    private readonly Counter<long> _rejections;
    private readonly Counter<long> _reloads;
    private readonly Histogram<double> _genAiDuration;
    private readonly Histogram<long> _genAiTokens;
    private readonly Counter<double> _genAiCost;
    // Apart: junk names a client asks for cannot crowd out the names providers answer with.
    private readonly BoundedTagValues _requestModels = new(MaxModelTagValues);
    private readonly BoundedTagValues _responseModels = new(MaxModelTagValues);

    /// <summary>
    /// The most distinct model names the <c>gen_ai.*</c> metrics tag, per process, for requested and for answered models
    /// each: a client names the model it asks for, so beyond these a name is tagged <see cref="OtherModelTagValue"/> (each
    /// distinct value is a time series).
    /// </summary>
    public const int MaxModelTagValues = 200;

    /// <summary>The model tag of a request whose model name is beyond the first <see cref="MaxModelTagValues"/>.</summary>
    public const string OtherModelTagValue = "_OTHER";

    /// <summary>Initializes a new instance of the <see cref="BulwarkMetrics"/> class.</summary>
    /// <param name="meterFactory">Creates the <c>Bulwark</c> meter (and disposes of it with the container).</param>
    /// <param name="catalog">The providers whose breakers and bulkheads the gauges read; no gauge values without it.</param>
    /// <param name="statistics">The provider statistics the health-score gauge reads; no health-score values without it.</param>
    public BulwarkMetrics(IMeterFactory meterFactory, IBulwarkProviderCatalog? catalog = null, IProviderStatistics? statistics = null)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        Meter = meterFactory.Create(new MeterOptions(BulwarkTelemetry.MeterName));
        var buckets = new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets };
        _serverDuration = Meter.CreateHistogram(ServerDuration, "s", "Duration of HTTP server requests.", tags: null, advice: buckets);
        _clientDuration = Meter.CreateHistogram(ClientDuration, "s", "Duration of each attempt sent to a provider.", tags: null, advice: buckets);
        _retries = Meter.CreateCounter<long>(Retries, "{retry}", "Attempts after the first one on the same provider.");
        _failovers = Meter.CreateCounter<long>(Failovers, "{failover}", "Moves from one provider to the next within a request.");
        _rejections = Meter.CreateCounter<long>(Rejections, "{rejection}", "Attempts refused by a provider's breaker, bulkhead or rate limiter, or skipped because its circuit was open.");

        _reloads = Meter.CreateCounter<long>(ConfigReloads, "{reload}", "Changed configuration files read by the gateway, applied or rejected.");
        _genAiDuration = Meter.CreateHistogram(GenAiOperationDuration, "s", "GenAI operation duration.", tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = GenAiDurationBuckets });
        _genAiTokens = Meter.CreateHistogram(GenAiTokenUsage, "{token}", "Measures number of input and output tokens used.", tags: null, advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = TokenBuckets });
        _genAiCost = Meter.CreateCounter<double>(GenAiCost, "USD", "Cost of AI requests at the configured prices per model.");

        Meter.CreateObservableGauge(BreakerState, () => ObserveBreakers(catalog), "{state}", "Circuit breaker state: 0 closed, 1 half-open, 2 open, 3 isolated.");
        Meter.CreateObservableGauge(BulkheadActive, () => ObserveBulkheads(catalog, queued: false), "{request}", "Executions holding a bulkhead slot.");
        Meter.CreateObservableGauge(BulkheadQueued, () => ObserveBulkheads(catalog, queued: true), "{request}", "Executions waiting for a bulkhead slot.");
        Meter.CreateObservableGauge(HealthScore, () => ObserveHealth(statistics), "1", "Provider health score, 0 to 100.");
    }

    /// <summary>Gets the <c>Bulwark</c> meter.</summary>
    public Meter Meter { get; }

    internal void RecordRequest(TimeSpan duration, string method, string? route, int statusCode, string? errorType)
    {
        if (!_serverDuration.Enabled)
        {
            return;
        }

        var tags = new TagList
        {
            { Method, method },
            { StatusCode, TagValues.Box(statusCode) },
        };
        if (route is not null)
        {
            tags.Add(Route, route);
        }

        if (errorType is not null)
        {
            tags.Add(ErrorType, errorType);
        }

        _serverDuration.Record(duration.TotalSeconds, tags);
    }

    internal void RecordGenAi(Requests.BulwarkRequestFeature feature, TimeSpan duration, string? errorType)
    {
        if (!_genAiDuration.Enabled && !_genAiTokens.Enabled && !_genAiCost.Enabled)
        {
            return;
        }

        var tags = new TagList { { GenAiSystem, feature.GenAiSystem }, { GenAiProviderName, feature.GenAiSystem } };
        if (feature.GenAiOperation is { } operation)
        {
            tags.Add(GenAiOperation, operation);
        }

        if (feature.RequestModel is { } requested)
        {
            tags.Add(GenAiRequestModel, _requestModels.Tag(requested));
        }

        if (feature.ResponseModel is { } answered)
        {
            tags.Add(GenAiResponseModel, _responseModels.Tag(answered));
        }

        if (feature.Provider is { } provider)
        {
            tags.Add(Provider, provider);
        }

        var withoutError = tags;
        if (errorType is not null)
        {
            tags.Add(ErrorType, errorType);
        }

        _genAiDuration.Record(duration.TotalSeconds, tags);
        if (feature.InputTokens is { } input)
        {
            var inputTags = withoutError;
            inputTags.Add(GenAiTokenType, "input");
            _genAiTokens.Record(input, inputTags);
        }

        if (feature.OutputTokens is { } output)
        {
            var outputTags = withoutError;
            outputTags.Add(GenAiTokenType, "output");
            _genAiTokens.Record(output, outputTags);
        }

        if (feature.Cost is { } cost)
        {
            var costTags = withoutError;
            costTags.Add(Currency, feature.CostCurrency);
            _genAiCost.Add((double)cost, costTags);
        }
    }

    /// <summary>Counts a changed configuration the application read, on <c>bulwark.config.reloads</c>.</summary>
    /// <param name="applied">Whether it was applied (<c>applied</c>) or refused as invalid (<c>rejected</c>).</param>
    public void RecordConfigurationReload(bool applied) =>
        _reloads.Add(1, new KeyValuePair<string, object?>(ReloadOutcome, applied ? "applied" : "rejected"));

    internal void RecordAttempt(in FailoverAttempt attempt, string outcome, string? previousProvider)
    {
        if (AttemptOutcomes.ReachedProvider(outcome) || outcome == AttemptOutcomes.Cancelled)
        {
            if (_clientDuration.Enabled)
            {
                var tags = new TagList
                {
                    { Provider, attempt.Provider },
                    { Outcome, outcome },
                };
                if (attempt.StatusCode is { } status)
                {
                    tags.Add(StatusCode, TagValues.Box(status));
                }

                _clientDuration.Record(attempt.Duration.TotalSeconds, tags);
            }
        }
        else if (AttemptOutcomes.RejectionReason(attempt) is { } reason)
        {
            _rejections.Add(1, new KeyValuePair<string, object?>(Provider, attempt.Provider), new KeyValuePair<string, object?>(RejectionReason, reason));
        }

        if (attempt.AttemptNumber > 1)
        {
            _retries.Add(1, new KeyValuePair<string, object?>(Provider, attempt.Provider));
        }

        if (previousProvider is not null && !string.Equals(previousProvider, attempt.Provider, StringComparison.Ordinal))
        {
            _failovers.Add(1, new KeyValuePair<string, object?>(Provider, previousProvider), new KeyValuePair<string, object?>(FailoverTarget, attempt.Provider));
        }
    }

    private static IEnumerable<Measurement<int>> ObserveBreakers(IBulwarkProviderCatalog? catalog)
    {
        if (catalog is null)
        {
            yield break;
        }

        foreach (var provider in catalog.Providers)
        {
            if (provider.CircuitBreaker is { } breaker)
            {
                yield return new Measurement<int>(BreakerStates.ToGaugeValue(breaker.State), new KeyValuePair<string, object?>(Provider, provider.Name));
            }
        }
    }

    private static IEnumerable<Measurement<int>> ObserveBulkheads(IBulwarkProviderCatalog? catalog, bool queued)
    {
        if (catalog is null)
        {
            yield break;
        }

        foreach (var provider in catalog.Providers)
        {
            if (provider.Bulkhead is { } bulkhead)
            {
                yield return new Measurement<int>(queued ? bulkhead.Queued : bulkhead.Active, new KeyValuePair<string, object?>(Provider, provider.Name));
            }
        }
    }

    private static IEnumerable<Measurement<int>> ObserveHealth(IProviderStatistics? statistics)
    {
        if (statistics is null)
        {
            yield break;
        }

        foreach (var snapshot in statistics.Snapshot())
        {
            yield return new Measurement<int>(snapshot.HealthScore, new KeyValuePair<string, object?>(Provider, snapshot.Provider));
        }
    }
}
