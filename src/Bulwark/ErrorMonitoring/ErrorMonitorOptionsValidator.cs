using System.Globalization;
using Microsoft.Extensions.Options;

namespace Bulwark.ErrorMonitoring;

/// <summary>Checks <see cref="ErrorMonitorOptions"/> against their documented ranges, reporting every error at once.</summary>
public sealed class ErrorMonitorOptionsValidator : IValidateOptions<ErrorMonitorOptions>
{
    /// <summary>Checks the options, listing every value out of range with its <c>Bulwark:Errors</c> path.</summary>
    /// <param name="name">The options' name; not used.</param>
    /// <param name="options">The options to check.</param>
    /// <returns>Success, or every error.</returns>
    public ValidateOptionsResult Validate(string? name, ErrorMonitorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        List<string> errors = [];
        if (options.MaxFingerprints is < ErrorMonitoringConstants.MinMaxFingerprints or > ErrorMonitoringConstants.MaxMaxFingerprints)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"Bulwark:Errors:MaxFingerprints must be in [{ErrorMonitoringConstants.MinMaxFingerprints}, {ErrorMonitoringConstants.MaxMaxFingerprints}]; it is {options.MaxFingerprints}."));
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
