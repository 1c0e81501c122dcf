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
        CheckNewError(options.NewError, errors);
        CheckRepeatedError(options.RepeatedError, errors);
        CheckErrorRate(options.ErrorRate, errors);
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

    // Written so that NaN fails.
    private static bool IsRate(double value) => value > 0 && value <= 1;

    private static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
