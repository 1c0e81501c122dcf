using Microsoft.Extensions.Options;

namespace Bulwark.Deliveries;

/// <summary>Checks <see cref="DeliveryOptions"/> against their documented ranges, reporting every error at once.</summary>
/// <remarks>
/// <c>AddBulwarkDeliveries</c> registers it; validate options read another way (a section of a larger options class) with
/// it to get the same errors.
/// </remarks>
public sealed class DeliveryOptionsValidator : IValidateOptions<DeliveryOptions>
{
    /// <summary>Checks the options, listing every value out of range with its <c>Bulwark:Deliveries</c> path.</summary>
    /// <param name="name">The options' name; not used.</param>
    /// <param name="options">The options to check.</param>
    /// <returns>Success, or every error.</returns>
    public ValidateOptionsResult Validate(string? name, DeliveryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        List<string> errors = [];
        Check(errors, options.MaxAttempts is >= 1 and <= 1000, "Bulwark:Deliveries:MaxAttempts must be in [1, 1000].");
        CheckRange(errors, "TimeToLive", options.TimeToLive, TimeSpan.FromSeconds(1), TimeSpan.FromDays(30));
        CheckRange(errors, "BaseDelay", options.BaseDelay, TimeSpan.Zero, TimeSpan.FromHours(1));
        CheckRange(errors, "MaxDelay", options.MaxDelay, TimeSpan.Zero, TimeSpan.FromDays(1));
        CheckRange(errors, "AttemptTimeout", options.AttemptTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        CheckRange(errors, "LeaseDuration", options.LeaseDuration, TimeSpan.FromSeconds(2), TimeSpan.FromDays(1));
        CheckRange(errors, "PollInterval", options.PollInterval, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(1));
        CheckRange(errors, "RetainDeliveredFor", options.RetainDeliveredFor, TimeSpan.FromMinutes(1), TimeSpan.FromDays(365));
        CheckRange(errors, "SweepInterval", options.SweepInterval, TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1));
        Check(errors, options.MaxConcurrentDeliveries is >= 1 and <= 256, "Bulwark:Deliveries:MaxConcurrentDeliveries must be in [1, 256].");
        Check(errors, options.MaxKeptResponseBytes is >= 0 and <= 16 * 1024 * 1024, "Bulwark:Deliveries:MaxKeptResponseBytes must be in [0, 16777216].");
        Check(errors, options.LeaseDuration > options.AttemptTimeout, $"Bulwark:Deliveries:LeaseDuration ({options.LeaseDuration}) must be longer than AttemptTimeout ({options.AttemptTimeout}), or a slow attempt would be taken for stuck work and delivered twice.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void CheckRange(List<string> errors, string name, TimeSpan value, TimeSpan min, TimeSpan max) =>
        Check(errors, value >= min && value <= max, $"Bulwark:Deliveries:{name} must be in [{min}, {max}]; it is {value}.");

    private static void Check(List<string> errors, bool ok, string error)
    {
        if (!ok)
        {
            errors.Add(error);
        }
    }
}
