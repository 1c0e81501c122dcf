namespace Bulwark.Configuration;

/// <summary>The <c>Bulwark</c> configuration section: named pipelines (and, in the gateway, providers and routes).</summary>
public class BulwarkOptions
{
    /// <summary>The name of the pipeline that is created for the seed environment variables (RETRY_MAX_ATTEMPTS, ...) when the configuration has none.</summary>
    public const string DefaultPipelineName = "default";

    /// <summary>Gets or sets the named pipelines, by case-insensitive name.</summary>
    /// <value>Defaults to empty.</value>
    public IDictionary<string, BulwarkPipelineOptions> Pipelines { get; set; } =
        new Dictionary<string, BulwarkPipelineOptions>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets errors found while reading configuration, reported by validation together with every other error.</summary>
    internal List<string> ConfigurationErrors { get; } = [];

    /// <summary>Gets the paths of the settings that could not be read, and so were not bound: errors that follow from them are not reported.</summary>
    internal List<string> UnreadPaths { get; } = [];

    /// <summary>Gets warnings found while reading configuration (unknown keys).</summary>
    internal List<string> ConfigurationWarnings { get; } = [];

    /// <summary>Gets or sets what the seed environment variables changed, as read.</summary>
    internal IReadOnlyList<EnvironmentOverride> EnvironmentOverrides { get; set; } = [];

    /// <summary>
    /// Gets what each seed environment variable present (<c>RESILIENCE_ENABLED</c>, <c>RETRY_MAX_ATTEMPTS</c>, …, and their
    /// <c>BULWARK_PIPELINE_{NAME}_</c> forms) changed when these options were read from configuration: the pipelines it
    /// applied to, none when it changed nothing (another variable took precedence, or its value is the default).
    /// </summary>
    /// <returns>One entry per variable present, by name; empty for options configured in code or without such variables.</returns>
    public IReadOnlyList<EnvironmentOverride> GetEnvironmentOverrides() => EnvironmentOverrides;

    /// <summary>Gets the warnings found while reading these options from configuration (keys that set nothing).</summary>
    /// <returns>The warnings, each with its configuration path; empty for options configured in code.</returns>
    /// <remarks>A method rather than a property, so that configuration binding never takes it for a setting.</remarks>
    public IReadOnlyList<string> GetConfigurationWarnings() => ConfigurationWarnings;
}
