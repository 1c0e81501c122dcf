using Microsoft.Extensions.Configuration;

namespace Bulwark.Configuration;

/// <summary>Fills <see cref="BulwarkOptions"/> from a configuration section and the seed environment variables, keeping every error for validation.</summary>
internal static class BulwarkConfigurationReader
{
    /// <param name="section">The section.</param>
    /// <param name="options">The options to fill.</param>
    /// <param name="environment">Reads environment variables (the seed variables).</param>
    /// <param name="defaultPipeline">Creates the <c>default</c> pipeline when the configuration has none (the gateway's), or <see langword="null"/>.</param>
    public static void Read(IConfiguration section, BulwarkOptions options, Func<string, string?> environment, Func<BulwarkPipelineOptions>? defaultPipeline = null)
    {
        string path = section is IConfigurationSection named ? named.Path : "Bulwark";
        int before = options.ConfigurationErrors.Count;
        ConfigurationChecker.Check(section, options.GetType(), path, options.ConfigurationErrors, options.ConfigurationWarnings);
        if (options.ConfigurationErrors.Count == before)
        {
            section.Bind(options);
        }

        if (defaultPipeline is not null && !options.Pipelines.ContainsKey(BulwarkOptions.DefaultPipelineName))
        {
            options.Pipelines[BulwarkOptions.DefaultPipelineName] = defaultPipeline();
        }

        bool modeSetInFile = section.GetSection($"Pipelines:{BulwarkOptions.DefaultPipelineName}:CircuitBreaker:Mode").Value is not null;
        SeedEnvironmentVariables.Apply(options, environment, modeSetInFile);
    }
}
