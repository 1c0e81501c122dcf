using System.Globalization;
using Microsoft.Extensions.Options;

namespace Bulwark.ErrorMonitoring.Detection;

/// <summary>Checks <see cref="ErrorPatternDetectorOptions"/> against their documented ranges, reporting every error at once.</summary>
public sealed class ErrorPatternDetectorOptionsValidator : IValidateOptions<ErrorPatternDetectorOptions>
{
    private const string Path = "Bulwark:Errors:Detection";

    /// <summary>Checks the options, listing every value out of range with its <c>Bulwark:Errors:Detection</c> path.</summary>
    /// <param name="name">The options' name; not used.</param>
    /// <param name="options">The options to check.</param>
    /// <returns>Success, or every error.</returns>
    public ValidateOptionsResult Validate(string? name, ErrorPatternDetectorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        List<string> errors = [];
        CheckInterval(options, errors);
        if (Present(options.NewError, "NewError", errors))
        {
            CheckNewError(options.NewError, errors);
        }

        if (Present(options.RepeatedError, "RepeatedError", errors))
        {
            CheckRepeatedError(options.RepeatedError, errors);
        }

        if (Present(options.ErrorRate, "ErrorRate", errors))
        {
            CheckErrorRate(options.ErrorRate, errors);
        }

        if (Present(options.Anomaly, "Anomaly", errors))
        {
            CheckAnomaly(options.Anomaly, errors);
        }

        if (Present(options.RecoveryFailure, "RecoveryFailure", errors))
        {
            CheckRecoveryFailure(options.RecoveryFailure, errors);
        }

        if (Present(options.SystemDegradation, "SystemDegradation", errors))
        {
            CheckSystemDegradation(options.SystemDegradation, errors);
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void CheckInterval(ErrorPatternDetectorOptions options, List<string> errors)
    {
        if (options.EvaluationInterval < ErrorDetectionConstants.MinEvaluationInterval || options.EvaluationInterval > ErrorDetectionConstants.MaxEvaluationInterval)
        {
            errors.Add(Format($"{Path}:EvaluationInterval must be in [{ErrorDetectionConstants.MinEvaluationInterval}, {ErrorDetectionConstants.MaxEvaluationInterval}]; it is {options.EvaluationInterval}."));
        }
    }

    private static void CheckNewError(NewErrorDetectionOptions options, List<string> errors)
    {
        if (options.WarmUp < TimeSpan.Zero || options.WarmUp > ErrorDetectionConstants.MaxWarmUp)
        {
            errors.Add(Format($"{Path}:NewError:WarmUp must be in [{TimeSpan.Zero}, {ErrorDetectionConstants.MaxWarmUp}]; it is {options.WarmUp}."));
        }
    }

    private static void CheckRepeatedError(RepeatedErrorDetectionOptions options, List<string> errors)
    {
        if (options.Threshold is < ErrorDetectionConstants.MinRepeatedThreshold or > ErrorDetectionConstants.MaxRepeatedThreshold)
        {
            errors.Add(Format($"{Path}:RepeatedError:Threshold must be in [{ErrorDetectionConstants.MinRepeatedThreshold}, {ErrorDetectionConstants.MaxRepeatedThreshold}]; it is {options.Threshold}."));
        }
    }

    private static void CheckErrorRate(ErrorRateDetectionOptions options, List<string> errors)
    {
        bool highValid = IsRate(options.HighRate);
        bool criticalValid = IsRate(options.CriticalRate);
        if (!highValid)
        {
            errors.Add(Format($"{Path}:ErrorRate:HighRate must be in (0, 1]; it is {options.HighRate}."));
        }

        if (!criticalValid)
        {
            errors.Add(Format($"{Path}:ErrorRate:CriticalRate must be in (0, 1]; it is {options.CriticalRate}."));
        }

        if (highValid && criticalValid && options.HighRate > options.CriticalRate)
        {
            errors.Add(Format($"{Path}:ErrorRate:HighRate ({options.HighRate}) must not exceed {Path}:ErrorRate:CriticalRate ({options.CriticalRate})."));
        }

        if (options.MinimumRequests is < ErrorDetectionConstants.MinMinimumRequests or > ErrorDetectionConstants.MaxMinimumRequests)
        {
            errors.Add(Format($"{Path}:ErrorRate:MinimumRequests must be in [{ErrorDetectionConstants.MinMinimumRequests}, {ErrorDetectionConstants.MaxMinimumRequests}]; it is {options.MinimumRequests}."));
        }
    }

    private static bool Present(object? section, string name, List<string> errors)
    {
        if (section is null)
        {
            errors.Add($"{Path}:{name} must not be null.");
            return false;
        }

        return true;
    }

    private static void CheckAnomaly(AnomalyDetectionOptions options, List<string> errors)
    {
        bool smoothingValid = IsRate(options.SmoothingFactor);
        if (!smoothingValid)
        {
            errors.Add(Format($"{Path}:Anomaly:SmoothingFactor must be in (0, 1]; it is {options.SmoothingFactor}."));
        }

        if (!IsRate(options.BaselineSmoothingFactor))
        {
            errors.Add(Format($"{Path}:Anomaly:BaselineSmoothingFactor must be in (0, 1]; it is {options.BaselineSmoothingFactor}."));
        }
        else if (smoothingValid && options.BaselineSmoothingFactor > options.SmoothingFactor)
        {
            errors.Add(Format($"{Path}:Anomaly:BaselineSmoothingFactor ({options.BaselineSmoothingFactor}) must not exceed {Path}:Anomaly:SmoothingFactor ({options.SmoothingFactor})."));
        }

        if (!(options.ControlLimitSigmas > 0 && options.ControlLimitSigmas <= ErrorDetectionConstants.MaxAnomalyControlLimitSigmas))
        {
            errors.Add(Format($"{Path}:Anomaly:ControlLimitSigmas must be in (0, {ErrorDetectionConstants.MaxAnomalyControlLimitSigmas}]; it is {options.ControlLimitSigmas}."));
        }

        if (options.WarmupSamples is < 1 or > ErrorDetectionConstants.MaxAnomalyWarmupSamples)
        {
            errors.Add(Format($"{Path}:Anomaly:WarmupSamples must be in [1, {ErrorDetectionConstants.MaxAnomalyWarmupSamples}]; it is {options.WarmupSamples}."));
        }

        if (options.MinimumRequests is < ErrorDetectionConstants.MinMinimumRequests or > ErrorDetectionConstants.MaxMinimumRequests)
        {
            errors.Add(Format($"{Path}:Anomaly:MinimumRequests must be in [{ErrorDetectionConstants.MinMinimumRequests}, {ErrorDetectionConstants.MaxMinimumRequests}]; it is {options.MinimumRequests}."));
        }

        if (!(options.MinimumErrorRate >= 0 && options.MinimumErrorRate <= 1))
        {
            errors.Add(Format($"{Path}:Anomaly:MinimumErrorRate must be in [0, 1]; it is {options.MinimumErrorRate}."));
        }
    }

    private static void CheckRecoveryFailure(RecoveryFailureDetectionOptions options, List<string> errors)
    {
        if (!IsRate(options.FailureRatio))
        {
            errors.Add(Format($"{Path}:RecoveryFailure:FailureRatio must be in (0, 1]; it is {options.FailureRatio}."));
        }

        if (options.MinimumAttempts is < 1 or > ErrorDetectionConstants.MaxMinimumRequests)
        {
            errors.Add(Format($"{Path}:RecoveryFailure:MinimumAttempts must be in [1, {ErrorDetectionConstants.MaxMinimumRequests}]; it is {options.MinimumAttempts}."));
        }
    }

    private static void CheckSystemDegradation(SystemDegradationDetectionOptions options, List<string> errors)
    {
        if (options.Fingerprints is < ErrorDetectionConstants.MinDegradationFingerprints or > ErrorDetectionConstants.MaxDegradationFingerprints)
        {
            errors.Add(Format($"{Path}:SystemDegradation:Fingerprints must be in [{ErrorDetectionConstants.MinDegradationFingerprints}, {ErrorDetectionConstants.MaxDegradationFingerprints}]; it is {options.Fingerprints}."));
        }

        if (options.MinimumOccurrences is < 1 or > ErrorDetectionConstants.MaxRepeatedThreshold)
        {
            errors.Add(Format($"{Path}:SystemDegradation:MinimumOccurrences must be in [1, {ErrorDetectionConstants.MaxRepeatedThreshold}]; it is {options.MinimumOccurrences}."));
        }
    }

    // Written so that NaN fails.
    private static bool IsRate(double value) => value > 0 && value <= 1;

    private static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
