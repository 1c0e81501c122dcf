using Microsoft.Extensions.Options;

namespace Bulwark.AspNetCore.Health;

internal sealed class HealthOptionsValidator : IValidateOptions<BulwarkHealthOptions>
{
    public ValidateOptionsResult Validate(string? name, BulwarkHealthOptions options)
    {
        var errors = new List<string>();
        if (!(options.ErrorRateDegradedPercent > 0 && options.ErrorRateDegradedPercent <= 100))
        {
            errors.Add($"BulwarkHealthOptions.ErrorRateDegradedPercent must be greater than 0 and at most 100; it is {options.ErrorRateDegradedPercent}.");
        }

        if (options.ErrorRateMinimumRequests is < 1 or > 1_000_000)
        {
            errors.Add($"BulwarkHealthOptions.ErrorRateMinimumRequests must be between 1 and 1000000; it is {options.ErrorRateMinimumRequests}.");
        }

        if (options.RateSampleInterval < BulwarkHealthConstants.MinRateSampleInterval || options.RateSampleInterval > BulwarkHealthConstants.MaxRateSampleInterval)
        {
            errors.Add($"BulwarkHealthOptions.RateSampleInterval must be between 00:00:00.1 and 01:00:00; it is {options.RateSampleInterval}.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
