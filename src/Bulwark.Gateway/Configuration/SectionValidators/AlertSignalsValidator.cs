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

        if (signals.PerformanceImpactMinimumErrors is < 1 or > AlertSignalsConstants.MaxPerformanceImpactMinimumErrors)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{Path}:PerformanceImpactMinimumErrors must be in [1, {AlertSignalsConstants.MaxPerformanceImpactMinimumErrors}]; it is {signals.PerformanceImpactMinimumErrors}."));
        }

        if (signals.SecurityBurstThreshold is < 1 or > AlertSignalsConstants.MaxSecurityBurstThreshold)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{Path}:SecurityBurstThreshold must be in [1, {AlertSignalsConstants.MaxSecurityBurstThreshold}]; it is {signals.SecurityBurstThreshold}."));
        }
    }
}
