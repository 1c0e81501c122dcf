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

        ValidateBudget(options.Budget);
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

        ValidateBudget(options.Budget);
        return builder.AddStrategy(
            context => new BulwarkRetryResilienceStrategy<TResult>(options, context.TimeProvider, context.Telemetry),
            options);
    }

    // Polly validates the options object but not nested objects; report every budget error at once, in Polly's format.
    private static void ValidateBudget(RetryBudgetOptions? budget)
    {
        if (budget is null)
        {
            return;
        }

        var errors = new List<ValidationResult>();
        if (Validator.TryValidateObject(budget, new ValidationContext(budget), errors, validateAllProperties: true))
        {
            return;
        }

        var message = new StringBuilder("The retry budget options are invalid.").AppendLine().AppendLine().Append("Validation Errors:");
        foreach (var error in errors)
        {
            message.AppendLine().Append(error.ErrorMessage);
        }

        throw new ValidationException(message.ToString());
    }
}
