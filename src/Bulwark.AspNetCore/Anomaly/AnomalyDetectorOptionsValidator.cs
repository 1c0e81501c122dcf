using Microsoft.Extensions.Options;

namespace Bulwark.AspNetCore.Anomaly;

/// <summary>Checks every field of <see cref="AnomalyDetectorOptions"/> and reports all errors at once.</summary>
internal sealed class AnomalyDetectorOptionsValidator : IValidateOptions<AnomalyDetectorOptions>
{
    public ValidateOptionsResult Validate(string? name, AnomalyDetectorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        Check(errors, options.LatencySmoothingFactor is > 0 and <= 1, "LatencySmoothingFactor must be in (0, 1].");
        Check(errors, options.LatencyBaselineSmoothingFactor is > 0 and <= 1, "LatencyBaselineSmoothingFactor must be in (0, 1].");
        Check(errors, options.LatencyConsecutiveBreaches is >= 1 and <= 100_000, "LatencyConsecutiveBreaches must be between 1 and 100000.");
        Check(errors, options.ErrorRateSmoothingFactor is > 0 and <= 1, "ErrorRateSmoothingFactor must be in (0, 1].");
        Check(errors, options.ErrorRateBaselineSmoothingFactor is > 0 and <= 1, "ErrorRateBaselineSmoothingFactor must be in (0, 1].");
        Check(errors, options.ErrorRateConsecutiveBreaches is >= 1 and <= 100_000, "ErrorRateConsecutiveBreaches must be between 1 and 100000.");
        Check(errors, options.ControlLimitSigmas is > 0 and <= 10, "ControlLimitSigmas must be in (0, 10].");
        Check(errors, options.RecoverySamples is >= 1 and <= 100_000, "RecoverySamples must be between 1 and 100000.");
        Check(errors, options.WarmupSamples is >= 2 and <= 100_000, "WarmupSamples must be between 2 and 100000.");
        Check(errors, options.MinimumRelativeDeviation is >= 0 and <= 10, "MinimumRelativeDeviation must be in [0, 10].");
        Check(errors, options.MinimumErrorRate is >= 0 and <= 0.5, "MinimumErrorRate must be in [0, 0.5].");
        Check(errors, options.RebaselineAfter is >= 1 and <= 10_000_000, "RebaselineAfter must be between 1 and 10000000.");
        Check(
            errors,
            options.RebaselineAfter >= options.LatencyConsecutiveBreaches && options.RebaselineAfter >= options.ErrorRateConsecutiveBreaches,
            "RebaselineAfter must not be below LatencyConsecutiveBreaches or ErrorRateConsecutiveBreaches.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Check(List<string> errors, bool valid, string message)
    {
        if (!valid)
        {
            errors.Add(message);
        }
    }
}
