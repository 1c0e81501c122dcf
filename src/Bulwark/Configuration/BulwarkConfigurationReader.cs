using Microsoft.Extensions.Configuration;

namespace Bulwark.Configuration;

/// <summary>Fills <see cref="BulwarkOptions"/> from a configuration section and the seed environment variables, keeping every error for validation.</summary>
internal static class BulwarkConfigurationReader
{
    /// <param name="section">The section.</param>
    /// <param name="options">The options to fill.</param>
    /// <param name="environment">Reads environment variables (the seed variables).</param>
    /// <param name="defaultPipeline">Creates the <c>default</c> pipeline when the configuration has none (the gateway's), or <see langword="null"/>.</param>
    /// <param name="rules">How unknown keys are reported; <see langword="null"/> for warnings.</param>
    public static void Read(IConfiguration section, BulwarkOptions options, Func<string, string?> environment, Func<BulwarkPipelineOptions>? defaultPipeline = null, ConfigurationRules? rules = null)
    {
        string path = section is IConfigurationSection named ? named.Path : "Bulwark";
        var unread = new List<UnreadSetting>();
        ConfigurationChecker.Check(section, options.GetType(), path, options.ConfigurationErrors, options.ConfigurationWarnings, unread, rules);
        if (unread.Count == 0)
        {
            Bind(section, options, rules);
        }
        else
        {
            // Everything else still binds, so that validation reports the other errors too, and none that only follows
            // from a value it could not read (such as "no route" when one route's timeout is not a duration).
            BindReadable(section, path, options, unread, rules);
            options.UnreadPaths.AddRange(unread.Select(static u => u.Path));
        }

        if (defaultPipeline is not null && !options.Pipelines.ContainsKey(BulwarkOptions.DefaultPipelineName))
        {
            options.Pipelines[BulwarkOptions.DefaultPipelineName] = defaultPipeline();
        }

        SeedEnvironmentVariables.Apply(options, environment, pipeline => section.GetSection($"Pipelines:{pipeline}:CircuitBreaker:Mode").Value is not null);
    }

    private static void BindReadable(IConfiguration section, string path, BulwarkOptions options, List<UnreadSetting> unread, ConfigurationRules? rules)
    {
        var left = new HashSet<string>(unread.Select(static u => u.Path), StringComparer.OrdinalIgnoreCase);
        var values = new List<KeyValuePair<string, string?>>();
        foreach (var pair in section.AsEnumerable())
        {
            if (!IsUnder(pair.Key, left))
            {
                values.Add(pair);
            }
        }

        foreach (var setting in unread)
        {
            if (setting.StandIn is { } standIn)
            {
                values.Add(standIn);
            }
        }

        using var readable = new ConfigurationRoot([new IndexedMemoryConfigurationProvider(values)]);
        Bind(readable.GetSection(path), options, rules);
    }

    private static void Bind(IConfiguration section, BulwarkOptions options, ConfigurationRules? rules)
    {
        if (rules?.Bind is { } bind)
        {
            bind(section, options);
        }
        else
        {
            section.Bind(options);
        }
    }

    private static bool IsUnder(string key, HashSet<string> paths)
    {
        if (paths.Contains(key))
        {
            return true;
        }

        for (int i = key.IndexOf(':', StringComparison.Ordinal); i > 0; i = key.IndexOf(':', i + 1))
        {
            if (paths.Contains(key[..i]))
            {
                return true;
            }
        }

        return false;
    }
}
