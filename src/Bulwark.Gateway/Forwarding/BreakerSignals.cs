using System.Globalization;
using Bulwark.AspNetCore.Providers;
using Bulwark.Gateway.Alerts;
using Bulwark.Gateway.Configuration;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;

namespace Bulwark.Gateway.Forwarding;

/// <summary>
/// <c>breaker-open</c> for each provider whose breaker is open at the evaluation — Error (its requests fail over or fail),
/// Warning when an operator isolated it; and <c>breaker-stuck-open</c>, Critical, once a breaker has not been seen closed
/// (open, or cycling between open and half-open) for <see cref="GatewayAlertSignalsOptions.BreakerStuckOpenAfter"/>,
/// measured from the first evaluation that saw it so. Labels: <c>provider</c>.
/// </summary>
internal sealed class BreakerSignals(IBulwarkProviderCatalog catalog, IOptions<GatewayOptions> options) : IAlertSignalSource
{
    public const string OpenRule = "breaker-open";
    public const string StuckRule = "breaker-stuck-open";

    private readonly TimeSpan _stuckAfter = options.Value.Alerts.Signals.BreakerStuckOpenAfter;
    private readonly Dictionary<string, DateTimeOffset> _notClosedSince = new(StringComparer.Ordinal);

    public ValueTask<IReadOnlyList<AlertSignal>> EvaluateAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var signals = new List<AlertSignal>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var provider in catalog.Providers)
        {
            if (provider.CircuitBreaker is not { IsBound: true } breaker || !seen.Add(provider.Name))
            {
                continue;
            }

            var state = breaker.State;
            if (state is CircuitState.Closed or CircuitState.Isolated)
            {
                // An isolated breaker is an operator's decision, not a provider stuck failing.
                _notClosedSince.Remove(provider.Name);
            }
            else if (!_notClosedSince.ContainsKey(provider.Name))
            {
                _notClosedSince[provider.Name] = now;
            }

            var labels = new Dictionary<string, string>(StringComparer.Ordinal) { ["provider"] = provider.Name };
            if (state == CircuitState.Open)
            {
                signals.Add(new AlertSignal(OpenRule, labels, AlertSeverity.Error, $"Circuit breaker of provider '{provider.Name}' is open",
                    "Requests to the provider are refused at once; routes fail over to their next provider, or fail when it was the last."));
            }
            else if (state == CircuitState.Isolated)
            {
                signals.Add(new AlertSignal(OpenRule, labels, AlertSeverity.Warning, $"Circuit breaker of provider '{provider.Name}' is isolated",
                    "An operator isolated the provider: every request to it is refused until its breaker is closed or reset."));
            }

            if (_notClosedSince.TryGetValue(provider.Name, out var since) && now - since >= _stuckAfter)
            {
                var open = now - since;
                signals.Add(new AlertSignal(StuckRule, labels, AlertSeverity.Critical, $"Circuit breaker of provider '{provider.Name}' has not closed for {Minutes(open)} minutes",
                    string.Create(CultureInfo.InvariantCulture, $"The breaker has been open or half-open since {since:O} (threshold {_stuckAfter}): its trial calls keep failing. The provider is likely down."),
                    open.TotalSeconds));
            }
        }

        // Providers removed by a reload.
        if (_notClosedSince.Count > seen.Count)
        {
            foreach (string gone in _notClosedSince.Keys.Where(k => !seen.Contains(k)).ToList())
            {
                _notClosedSince.Remove(gone);
            }
        }

        return ValueTask.FromResult<IReadOnlyList<AlertSignal>>(signals);
    }

    private static string Minutes(TimeSpan span) => Math.Floor(span.TotalMinutes).ToString(CultureInfo.InvariantCulture);
}
