using System.ComponentModel.DataAnnotations;
using System.Text;
using Bulwark.RetryBudget;
using Bulwark.Retry;

namespace Polly;

/// <summary>
/// Adds the Bulwark retry strategy to a resilience pipeline.
/// </summary>
public static class BulwarkRetryResiliencePipelineBuilderExtensions
{
    /// <summary>
    /// Adds the Bulwark retry strategy to a non-generic pipeline.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="options">The options; validated now.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ValidationException">The options, or their <see cref="BulwarkRetryStrategyOptions{TResult}.Budget"/>, are invalid.</exception>
    public static ResiliencePipelineBuilder AddBulwarkRetry(this ResiliencePipelineBuilder builder, BulwarkRetryStrategyOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);

        Validate(options, options.Budget);
        return builder.AddStrategy(
            context => new BulwarkRetryResilienceStrategy<object>(options, context.TimeProvider, context.Telemetry),
            options);
    }

    /// <summary>
    /// Adds the Bulwark retry strategy to a generic pipeline.
    /// </summary>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="options">The options; validated now.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ValidationException">The options, or their <see cref="BulwarkRetryStrategyOptions{TResult}.Budget"/>, are invalid.</exception>
    public static ResiliencePipelineBuilder<TResult> AddBulwarkRetry<TResult>(this ResiliencePipelineBuilder<TResult> builder, BulwarkRetryStrategyOptions<TResult> options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);

        Validate(options, options.Budget);
        return builder.AddStrategy(
            context => new BulwarkRetryResilienceStrategy<TResult>(options, context.TimeProvider, context.Telemetry),
            options);
    }

    // Polly validates the options object but not nested objects; report every budget error at once, in Polly's format.
    /// <summary>Throws one exception listing every error of the options and of their budget together.</summary>
    private static void Validate(object options, RetryBudgetOptions? budget)
    {
        var errors = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), errors, validateAllProperties: true);
        if (budget is not null)
        {
            var budgetErrors = new List<ValidationResult>();
            Validator.TryValidateObject(budget, new ValidationContext(budget), budgetErrors, validateAllProperties: true);
            errors.AddRange(budgetErrors.Select(e => new ValidationResult("Budget: " + e.ErrorMessage, e.MemberNames)));
        }

        if (errors.Count == 0)
        {
            return;
        }

        var message = new StringBuilder("The retry options are invalid.").AppendLine().AppendLine().Append("Validation Errors:");
        foreach (var error in errors)
        {
            message.AppendLine().Append(error.ErrorMessage);
        }

        throw new ValidationException(message.ToString());
    }
}
