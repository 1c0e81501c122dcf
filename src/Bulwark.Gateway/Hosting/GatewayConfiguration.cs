using System.Text;
using Bulwark.AspNetCore.Admin;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Reload;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Bulwark.Gateway.Hosting;

/// <summary>
/// Where the gateway's configuration comes from and how its options are read and validated: shared by <c>serve</c>
/// (through <see cref="GatewayHost"/>) and <c>check-config</c>, so both report the same errors.
/// </summary>
internal static class GatewayConfiguration
{
    /// <summary>Adds the file, the JSON text and the environment overrides that <paramref name="settings"/> name, in that order.</summary>
    /// <exception cref="InvalidDataException">The JSON is malformed.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static void AddSources(IConfigurationBuilder configuration, GatewayHostSettings settings)
    {
        if (settings.ConfigPath is { } path)
        {
            // As AddJsonFile, with child keys indexed: checking and binding stay linear in the number of routes.
            var file = new IndexedJsonConfigurationSource { Path = Path.GetFullPath(path), Optional = false, ReloadOnChange = false };
            file.ResolveFileProvider();
            configuration.Add(file);
        }

        if (settings.ConfigJson is { } json)
        {
            configuration.Add(new IndexedJsonStreamConfigurationSource { Stream = new MemoryStream(Encoding.UTF8.GetBytes(json)) });
        }

        if (settings.EnvironmentOverrides)
        {
            configuration.Add(new IndexedEnvironmentVariablesConfigurationSource());
        }
    }

    /// <summary>Registers <see cref="GatewayOptions"/>, read from the <c>Bulwark</c> section and validated with every error.</summary>
    public static void AddOptions(IServiceCollection services, IConfiguration configuration, Func<string, string?> environment, GatewayOptions? validated = null, Func<IEnumerable<string>>? environmentNames = null)
    {
        services.AddBulwarkOptions<GatewayOptions>(configuration, "Bulwark", environment, GatewayDefaults.Pipeline, GatewayConfigurationRules.Instance);
        if (validated is not null)
        {
            // Read and validated already: binding tens of thousands of routes again would double check-config's time.
            services.AddSingleton<IOptionsFactory<GatewayOptions>>(new ValidatedOptionsFactory<GatewayOptions>(validated));
        }

        // Route templates are checked against the routing's own constraint resolution (a web application has it already).
        services.AddRoutingCore();
        services.TryAddSingleton<RouteTemplateCheck>();
        services.AddSingleton<IValidateOptions<GatewayOptions>>(sp => new GatewayOptionsValidator(environment, sp.GetRequiredService<RouteTemplateCheck>(), environmentNames, configuration));
    }

    /// <summary>
    /// Reads and validates the configuration without building the gateway: the options <c>serve</c> would run with, and
    /// the configuration they came from.
    /// </summary>
    /// <exception cref="OptionsValidationException">The configuration is invalid; lists every error (gateway, then admin).</exception>
    /// <exception cref="InvalidDataException">The JSON is malformed.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static LoadedGatewayConfiguration Load(GatewayHostSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var builder = new ConfigurationBuilder();
        AddSources(builder, settings);
        var configuration = builder.Build();

        var services = new ServiceCollection();
        AddOptions(services, configuration, settings.Environment, environmentNames: settings.EnvironmentNames);
        services.AddBulwarkAdmin(configuration);
        using var provider = services.BuildServiceProvider();

        var failures = new List<string>();
        GatewayOptions? options = null;
        try
        {
            options = provider.GetRequiredService<IOptions<GatewayOptions>>().Value;
        }
        catch (OptionsValidationException e)
        {
            failures.AddRange(e.Failures);
        }

        try
        {
            _ = provider.GetRequiredService<IOptions<BulwarkAdminOptions>>().Value;
        }
        catch (OptionsValidationException e)
        {
            failures.AddRange(e.Failures);
        }

        if (failures.Count > 0 || options is null)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(GatewayOptions), failures);
        }

        return new LoadedGatewayConfiguration(configuration, options);
    }

    /// <summary>
    /// Builds the gateway (nothing listens, nothing starts) and runs the start-up validation of every other component
    /// (request log, telemetry, health, error rate), as <c>serve</c> does when it starts: with <see cref="Load"/>, what
    /// <c>check-config</c> and a live reload check.
    /// </summary>
    /// <param name="settings">Where the configuration comes from.</param>
    /// <param name="validated">What <see cref="Load"/> read from the same settings, used as it is; or <see langword="null"/> to read the sources again.</param>
    /// <exception cref="OptionsValidationException">A component's options are invalid; lists every error.</exception>
    public static async Task ValidateHostAsync(GatewayHostSettings settings, LoadedGatewayConfiguration? validated = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var app = GatewayHost.Build(settings with { MinimumLogLevel = LogLevel.None, Logging = null, DrainOnShutdown = false, InMemoryStore = true, Validated = validated, ValidationOnly = validated is not null });
        await using (app.ConfigureAwait(false))
        {
            try
            {
                app.Services.GetService<IStartupValidator>()?.Validate();
            }
            catch (AggregateException e) when (e.InnerExceptions.All(inner => inner is OptionsValidationException))
            {
                throw new OptionsValidationException(Options.DefaultName, typeof(GatewayOptions),
                    e.InnerExceptions.Cast<OptionsValidationException>().SelectMany(inner => inner.Failures));
            }
        }
    }

    /// <summary>The configuration file of <paramref name="settings"/> as the reloader follows it: a new content is read and checked as at start-up.</summary>
    /// <param name="settings">Where the configuration comes from; its <see cref="GatewayHostSettings.ConfigPath"/> is set.</param>
    public static ConfigurationFileSource FileSource(GatewayHostSettings settings) => new(
        settings.ConfigPath ?? throw new ArgumentException("The gateway has no configuration file to follow.", nameof(settings)),
        async json =>
        {
            var candidate = settings with { ConfigPath = null, ConfigJson = json };
            var loaded = Load(candidate);
            await ValidateHostAsync(candidate, loaded).ConfigureAwait(false);
            return loaded;
        });
}
