namespace Bulwark.Pipelines;

/// <summary>
/// Gives access to the named pipelines configured under <c>Bulwark:Pipelines</c>.
/// Registered by <c>services.AddBulwark(...)</c>.
/// </summary>
public interface IBulwarkPipelineProvider
{
    /// <summary>Gets the names of the configured pipelines.</summary>
    IReadOnlyCollection<string> PipelineNames { get; }

    /// <summary>
    /// Gets the shared instance of a named pipeline: every caller of the same name shares its circuit breaker, bulkhead and
    /// retry budget. Built on first use and cached.
    /// </summary>
    /// <param name="name">The pipeline's name, case-insensitive.</param>
    /// <returns>The pipeline.</returns>
    /// <exception cref="KeyNotFoundException">No pipeline of that name is configured.</exception>
    BulwarkPipeline GetPipeline(string name);

    /// <summary>
    /// Gets a separate instance of a named pipeline, with its own circuit breaker, bulkhead and retry budget — one per provider,
    /// so that one failing provider never trips another's breaker. Cached by (<paramref name="name"/>, <paramref name="instanceName"/>).
    /// </summary>
    /// <param name="name">The pipeline's name, case-insensitive.</param>
    /// <param name="instanceName">The instance's name, for example the provider's; case-insensitive.</param>
    /// <returns>The pipeline instance.</returns>
    /// <exception cref="KeyNotFoundException">No pipeline of that name is configured.</exception>
    BulwarkPipeline GetPipeline(string name, string instanceName);
}
