using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using Bulwark.CircuitBreaker;
using Microsoft.Extensions.Options;

namespace Bulwark.Configuration;

/// <summary>
/// Validates the whole <c>Bulwark</c> section at once: configuration values that could not be read, every range, and the
/// rules that span fields. Each error names its configuration path and what is allowed.
/// </summary>
/// <remarks>
/// <c>AddBulwark</c> registers it. Options derived from <see cref="BulwarkOptions"/> (registered with <c>AddBulwarkOptions</c>)
/// are validated by their own <see cref="IValidateOptions{TOptions}"/>, which ends with
/// <see cref="Validate(BulwarkOptions, string, IEnumerable{string})"/> to add these checks to its own.
/// </remarks>
public sealed class BulwarkOptionsValidator : IValidateOptions<BulwarkOptions>
{
    private readonly string _rootPath;

    /// <summary>Initializes a new instance of the <see cref="BulwarkOptionsValidator"/> class.</summary>
    /// <param name="rootPath">The configuration path of the section, which starts every error.</param>
    public BulwarkOptionsValidator(string rootPath = "Bulwark")
    {
        ArgumentException.ThrowIfNullOrEmpty(rootPath);
        _rootPath = rootPath;
    }

    /// <summary>Checks the options, listing every error with its configuration path.</summary>
    /// <param name="name">The options' name; not used.</param>
    /// <param name="options">The options to check.</param>
    /// <returns>Success, or every error.</returns>
    public ValidateOptionsResult Validate(string? name, BulwarkOptions options) => Validate(options, _rootPath, []);

    /// <summary>
    /// Checks options derived from <see cref="BulwarkOptions"/>: the values that could not be read from configuration, then
    /// the pipelines, then <paramref name="derivedErrors"/> (the derived options' own). An error that follows from a value
    /// that could not be read is left out, since that value's own error says it.
    /// </summary>
    /// <param name="options">The options to check.</param>
    /// <param name="rootPath">The configuration path of the section, which starts every error.</param>
    /// <param name="derivedErrors">The errors the caller found in the options' own settings, each starting with its path.</param>
    /// <returns>Success, or every error in that order.</returns>
    public static ValidateOptionsResult Validate(BulwarkOptions options, string rootPath, IEnumerable<string> derivedErrors)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(rootPath);
        ArgumentNullException.ThrowIfNull(derivedErrors);
        var errors = new List<string>(options.ConfigurationErrors);
        errors.AddRange(ValidatePipelines(options, rootPath).Concat(derivedErrors).Where(e => !UnreadSetting.IsDerived(e, options.UnreadPaths)));
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    internal static List<string> ValidatePipelines(BulwarkOptions options, string rootPath)
    {
        var errors = new List<string>();
        foreach (var (pipelineName, pipeline) in options.Pipelines)
        {
            string prefix = $"{rootPath}:Pipelines:{pipelineName}";
            if (string.IsNullOrWhiteSpace(pipelineName))
            {
                errors.Add($"{rootPath}:Pipelines: a pipeline name must not be empty.");
            }

            if (pipeline is null)
            {
                continue;
            }

            if (pipeline.Retry is { } retry)
            {
                ValidateAnnotations(retry, $"{prefix}:Retry", errors);
                if (retry.Budget is { } budget)
                {
                    ValidateAnnotations(budget, $"{prefix}:Retry:Budget", errors);
                }
            }

            if (pipeline.CircuitBreaker is { } breaker)
            {
                ValidateAnnotations(breaker, $"{prefix}:CircuitBreaker", errors);
                foreach (var error in CircuitBreakerOptionsValidator.Validate(breaker))
                {
                    errors.Add($"{prefix}:CircuitBreaker:{error.MemberNames.First()}: {error.ErrorMessage}");
                }
            }

            if (pipeline.Bulkhead is { } bulkhead)
            {
                ValidateAnnotations(bulkhead, $"{prefix}:Bulkhead", errors);
            }

            if (pipeline.Fallback is { } fallback)
            {
                ValidateAnnotations(fallback, $"{prefix}:Fallback", errors);
            }

            if (pipeline.Timeout is { } timeout)
            {
                ValidateTimeout(timeout.Attempt, $"{prefix}:Timeout:Attempt", errors);
                ValidateTimeout(timeout.Total, $"{prefix}:Timeout:Total", errors);
                if (timeout is { Attempt: { } attempt, Total: { } total } && attempt >= total)
                {
                    errors.Add($"{prefix}:Timeout:Attempt: {ConfigurationChecker.Format(attempt)} must be less than Timeout:Total ({ConfigurationChecker.Format(total)}), or no retry could ever start.");
                }
            }

            if (pipeline.TransientStatusCodes is { } codes)
            {
                for (int i = 0; i < codes.Count; i++)
                {
                    if (codes[i] is < 100 or > 999)
                    {
                        errors.Add($"{prefix}:TransientStatusCodes:{i}: {codes[i]} is out of range; allowed 100 to 999.");
                    }
                }
            }
        }

        return errors;
    }

    private static void ValidateTimeout(TimeSpan? value, string path, List<string> errors)
    {
        if (value is { } v && (v < TimeSpan.FromMilliseconds(1) || v > TimeSpan.FromDays(1)))
        {
            errors.Add($"{path}: {ConfigurationChecker.Format(v)} is out of range; allowed 00:00:00.001 to 1.00:00:00.");
        }
    }

    private static void ValidateAnnotations(object instance, string prefix, List<string> errors)
    {
        foreach (var property in instance.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var attributes = property.GetCustomAttributes<ValidationAttribute>(inherit: true).ToList();
            if (attributes.Count == 0)
            {
                continue;
            }

            object? value = property.GetValue(instance);
            foreach (var attribute in attributes)
            {
                if (attribute.IsValid(value))
                {
                    continue;
                }

                string path = $"{prefix}:{property.Name}";
                errors.Add(attribute switch
                {
                    RangeAttribute range => $"{path}: {ConfigurationChecker.Format(value)} is out of range; allowed {DescribeRange(range)}.",
                    RequiredAttribute => $"{path}: is required.",
                    _ => $"{path}: {attribute.FormatErrorMessage(property.Name)}",
                });
            }
        }
    }

    private static string DescribeRange(RangeAttribute range)
    {
        string min = Convert.ToString(range.Minimum, CultureInfo.InvariantCulture) ?? string.Empty;
        string max = Convert.ToString(range.Maximum, CultureInfo.InvariantCulture) ?? string.Empty;
        string low = range.MinimumIsExclusive ? $"greater than {min}" : min;
        string high = range.MaximumIsExclusive ? $"less than {max}" : max;
        return range.MinimumIsExclusive ? $"{low} up to {high}" : $"{low} to {high}";
    }
}
