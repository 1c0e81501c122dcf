using System.ComponentModel.DataAnnotations;

namespace Bulwark.CircuitBreaker;

/// <summary>Cross-field rules of <see cref="BulwarkCircuitBreakerStrategyOptions{TResult}"/>; single-field ranges are DataAnnotations.</summary>
internal static class CircuitBreakerOptionsValidator
{
    /// <summary>Lists every cross-field error; property names are relative to the options object.</summary>
    public static List<ValidationResult> Validate<TResult>(BulwarkCircuitBreakerStrategyOptions<TResult> options)
    {
        var errors = new List<ValidationResult>();
        if (options.MinThreshold > options.MaxThreshold)
        {
            errors.Add(new ValidationResult(
                $"MinThreshold ({options.MinThreshold}) must not exceed MaxThreshold ({options.MaxThreshold}).",
                [nameof(options.MinThreshold)]));
        }

        if (options.MaxBreakDuration < options.BreakDuration)
        {
            errors.Add(new ValidationResult(
                $"MaxBreakDuration ({options.MaxBreakDuration}) must not be below BreakDuration ({options.BreakDuration}).",
                [nameof(options.MaxBreakDuration)]));
        }

        if (options.InitialBaselineWeight > options.BaselineHorizon * CircuitBreakerConstants.MaxInitialBaselineWeightInHorizons)
        {
            errors.Add(new ValidationResult(
                $"InitialBaselineWeight ({options.InitialBaselineWeight}) must not exceed {CircuitBreakerConstants.MaxInitialBaselineWeightInHorizons} × BaselineHorizon ({options.BaselineHorizon}): " +
                "the dependency's own history would need more than 2.4 horizons of traffic to outweigh the initial baseline.",
                [nameof(options.InitialBaselineWeight)]));
        }

        if (options.Handle is { IsBound: true })
        {
            errors.Add(new ValidationResult(
                "The CircuitBreakerHandle is already bound to another circuit breaker; create one handle per breaker.",
                [nameof(options.Handle)]));
        }

        return errors;
    }

    /// <summary>Throws one exception listing every error: the ranges (DataAnnotations) and the cross-field rules together.</summary>
    public static void ThrowIfInvalid<TResult>(BulwarkCircuitBreakerStrategyOptions<TResult> options)
    {
        var errors = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), errors, validateAllProperties: true);
        errors.AddRange(Validate(options));
        if (errors.Count > 0)
        {
            throw new ValidationException(
                "The 'BulwarkCircuitBreakerStrategyOptions' are invalid. Validation Errors:" + Environment.NewLine +
                string.Join(Environment.NewLine, errors.Select(e => e.ErrorMessage)));
        }
    }
}
