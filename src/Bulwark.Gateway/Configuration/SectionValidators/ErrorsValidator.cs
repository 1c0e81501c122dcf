using System.Globalization;
using Bulwark.ErrorMonitoring;

namespace Bulwark.Gateway.Configuration.SectionValidators;

/// <summary><c>Bulwark:Errors</c>: the engine's monitor and detector rules, and the intake's rate in range.</summary>
internal sealed class ErrorsValidator : ISectionValidator
{
    public void Validate(GatewayOptions options, List<string> errors)
    {
        if (options.Errors is not { } settings)
        {
            return;
        }

        if (new ErrorMonitorOptionsValidator().Validate(null, new ErrorMonitorOptions { MaxFingerprints = settings.MaxFingerprints }) is { Failed: true } failed)
        {
            errors.AddRange(failed.Failures);
        }

        if (settings.Detection is null)
        {
            errors.Add($"{GatewayConstants.ConfigurationRoot}:Errors:Detection must not be null.");
        }
        else if (new Bulwark.ErrorMonitoring.Detection.ErrorPatternDetectorOptionsValidator().Validate(null, settings.Detection) is { Failed: true } detection)
        {
            errors.AddRange(detection.Failures);
        }

        if (settings.IntakeRequestsPerMinute is < 1 or > ErrorsConstants.MaxIntakeRequestsPerMinute)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{GatewayConstants.ConfigurationRoot}:Errors:IntakeRequestsPerMinute must be in [1, {ErrorsConstants.MaxIntakeRequestsPerMinute}]; it is {settings.IntakeRequestsPerMinute}."));
        }
    }
}
