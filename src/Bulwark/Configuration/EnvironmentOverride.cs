namespace Bulwark.Configuration;

/// <summary>One seed environment variable present when the options were read, and the pipelines it changed.</summary>
public sealed class EnvironmentOverride
{
    internal EnvironmentOverride(string variable, IReadOnlyList<string> pipelines)
    {
        Variable = variable;
        Pipelines = pipelines;
    }

    /// <summary>The prefix that aims a seed variable at one pipeline: <c>BULWARK_PIPELINE_{NAME}_{VARIABLE}</c>.</summary>
    public const string PipelinePrefix = SeedEnvironmentVariables.PipelinePrefix;

    /// <summary>Gets the seed variables read, unprefixed: <c>RESILIENCE_ENABLED</c>, <c>RETRY_MAX_ATTEMPTS</c>, ….</summary>
    public static IReadOnlyList<string> VariableNames { get; } = SeedEnvironmentVariables.AllNames;

    /// <summary>
    /// Gets the name of <paramref name="variable"/> aimed at <paramref name="pipeline"/>: <c>BULWARK_PIPELINE_</c>, the
    /// pipeline's name upper-cased with anything but a letter or digit made <c>_</c>, <c>_</c>, the variable.
    /// </summary>
    /// <param name="pipeline">The pipeline's name, such as <c>uploads-s3</c>.</param>
    /// <param name="variable">One of <see cref="VariableNames"/>.</param>
    /// <returns>The prefixed name, such as <c>BULWARK_PIPELINE_UPLOADS_S3_RETRY_MAX_ATTEMPTS</c>.</returns>
    public static string PipelineVariable(string pipeline, string variable)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(variable);
        return PipelinePrefix + SeedEnvironmentVariables.KeyOf(pipeline) + "_" + variable;
    }

    /// <summary>Gets the variable's name, such as <c>RETRY_MAX_ATTEMPTS</c> or <c>BULWARK_PIPELINE_UPLOADS_RETRY_MAX_ATTEMPTS</c>.</summary>
    public string Variable { get; }

    /// <summary>Gets the names of the pipelines the variable changed, in order; empty when it changed none.</summary>
    public IReadOnlyList<string> Pipelines { get; }
}
