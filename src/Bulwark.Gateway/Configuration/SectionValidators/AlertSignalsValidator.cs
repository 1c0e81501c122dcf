using System.Globalization;

namespace Bulwark.Gateway.Configuration.SectionValidators;

/// <summary><c>Bulwark:Alerts:Signals</c>: every threshold in its range.</summary>
internal sealed class AlertSignalsValidator : ISectionValidator
{
    private const string Path = GatewayConstants.ConfigurationRoot + ":Alerts:Signals";

    public void Validate(GatewayOptions options, List<string> errors)
    {
        if (options.Alerts?.Signals is not { } signals)
        {
            return;
        }

        if (signals.BreakerStuckOpenAfter < AlertSignalsConstants.MinBreakerStuckOpenAfter || signals.BreakerStuckOpenAfter > AlertSignalsConstants.MaxBreakerStuckOpenAfter)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{Path}:BreakerStuckOpenAfter must be in [{AlertSignalsConstants.MinBreakerStuckOpenAfter}, {AlertSignalsConstants.MaxBreakerStuckOpenAfter}]; it is {signals.BreakerStuckOpenAfter}."));
        }
    }
}
