using Microsoft.Extensions.Options;

namespace Bulwark.AspNetCore.ErrorRate;

internal sealed class ErrorRateOptionsValidator : IValidateOptions<BulwarkErrorRateOptions>
{
    public ValidateOptionsResult Validate(string? name, BulwarkErrorRateOptions options)
    {
        var errors = new List<string>();
        if (options.Window < BulwarkErrorRateConstants.MinWindow || options.Window > BulwarkErrorRateConstants.MaxWindow)
        {
            errors.Add($"BulwarkErrorRateOptions.Window must be between 00:00:01 and 1.00:00:00; it is {options.Window}.");
        }

        if (options.BucketCount is < BulwarkErrorRateConstants.MinBucketCount or > BulwarkErrorRateConstants.MaxBucketCount)
        {
            errors.Add($"BulwarkErrorRateOptions.BucketCount must be between 1 and 3600; it is {options.BucketCount}.");
        }

        if (options.IsError is null)
        {
            errors.Add("BulwarkErrorRateOptions.IsError must not be null.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
