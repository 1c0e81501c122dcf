using Microsoft.Extensions.Configuration;

namespace Bulwark.Configuration;

/// <summary>Fills <see cref="BulwarkOptions"/> from a configuration section and the seed environment variables, keeping every error for validation.</summary>
internal static class BulwarkConfigurationReader
{
    public static void Read(IConfiguration section, BulwarkOptions options, Func<string, string?> environment)
    {
        string path = section is IConfigurationSection named ? named.Path : "Bulwark";
        int before = options.ConfigurationErrors.Count;
        ConfigurationChecker.Check(section, options.GetType(), path, options.ConfigurationErrors, options.ConfigurationWarnings);
        if (options.ConfigurationErrors.Count == before)
        {
            section.Bind(options);
        }

        bool modeSetInFile = section.GetSection($"Pipelines:{BulwarkOptions.DefaultPipelineName}:CircuitBreaker:Mode").Value is not null;
        SeedEnvironmentVariables.Apply(options, environment, modeSetInFile);
    }
}
