using Bulwark.Configuration;
using Bulwark.Pipelines;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Bulwark's named pipelines.</summary>
public static class BulwarkServiceCollectionExtensions
{
    /// <summary>
    /// Registers the named pipelines of a <c>Bulwark</c> configuration section (its <c>Pipelines</c> subsection, each with
    /// optional <c>Retry</c>, <c>CircuitBreaker</c>, <c>Timeout</c>, <c>Bulkhead</c> and <c>Fallback</c>), plus the seed
    /// environment variables (RETRY_MAX_ATTEMPTS, CIRCUIT_BREAKER_FAILURE_THRESHOLD, ...) mapped onto the <c>default</c> pipeline.
    /// The options are validated when the host starts; every error is reported at once with its configuration path.
    /// Resolve <see cref="IBulwarkPipelineProvider"/> to use them. Calling it again applies another section on top of the first.
    /// With an <c>ILoggerFactory</c> registered, the pipelines report to Polly's telemetry (its logs and its
    /// <c>Polly</c> meter), with Polly's <c>TelemetryOptions</c> as configured in the container (severity provider,
    /// enrichers, listeners, result formatter; default: Polly's defaults) and the container's logger factory.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="section">The <c>Bulwark</c> section, for example <c>configuration.GetSection("Bulwark")</c>.</param>
    /// <returns>The same services, for chaining.</returns>
    public static IServiceCollection AddBulwark(this IServiceCollection services, IConfiguration section) =>
        services.AddBulwark(section, Environment.GetEnvironmentVariable);

    /// <summary>Registers named pipelines configured in code, validated when the host starts.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Configures the options.</param>
    /// <returns>The same services, for chaining.</returns>
    public static IServiceCollection AddBulwark(this IServiceCollection services, Action<BulwarkOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<BulwarkOptions>().Configure(configure).ValidateOnStart();
        return AddCore(services, "Bulwark");
    }

    internal static IServiceCollection AddBulwark(this IServiceCollection services, IConfiguration section, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(section);
        services.AddOptions<BulwarkOptions>()
            .Configure(options => BulwarkConfigurationReader.Read(section, options, environment))
            .ValidateOnStart();
        return AddCore(services, section is IConfigurationSection named ? named.Path : "Bulwark");
    }

    /// <summary>
    /// Registers options derived from <see cref="BulwarkOptions"/> (an application's, which add their own settings beside
    /// the pipelines), read from the section at <paramref name="sectionPath"/> of <paramref name="configuration"/> as
    /// <see cref="AddBulwark(IServiceCollection, IConfiguration)"/> reads its section: the same seed environment variables,
    /// and a value that cannot be read, or a key that sets nothing, reported with its path.
    /// <see cref="IOptions{BulwarkOptions}"/> resolves to them and <see cref="IBulwarkPipelineProvider"/> builds their pipelines.
    /// </summary>
    /// <remarks>
    /// Register an <see cref="IValidateOptions{TOptions}"/> for <typeparamref name="TOptions"/> that checks its own settings
    /// and returns <see cref="BulwarkOptionsValidator.Validate(BulwarkOptions, string, IEnumerable{string})"/> with its errors,
    /// so that the pipelines and the reading are checked too. When <paramref name="configuration"/> is an
    /// <see cref="IConfigurationRoot"/>, the section is copied from its providers once per read, which keeps reading tens of
    /// thousands of keys fast.
    /// </remarks>
    /// <typeparam name="TOptions">The options class.</typeparam>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration that holds the section.</param>
    /// <param name="sectionPath">The section's path, for example <c>Bulwark</c>.</param>
    /// <param name="environment">Reads an environment variable (the seed variables), or <see langword="null"/> for the process's.</param>
    /// <param name="defaultPipeline">Creates the <c>default</c> pipeline when the section configures none, or <see langword="null"/> for none.</param>
    /// <param name="rules">How the section is checked before binding, or <see langword="null"/> for <see cref="ConfigurationRules.Default"/> (unknown keys are warnings).</param>
    /// <returns>The options builder, to chain more configuration.</returns>
    public static OptionsBuilder<TOptions> AddBulwarkOptions<TOptions>(
        this IServiceCollection services,
        IConfiguration configuration,
        string sectionPath,
        Func<string, string?>? environment = null,
        Func<BulwarkPipelineOptions>? defaultPipeline = null,
        ConfigurationRules? rules = null)
        where TOptions : BulwarkOptions
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentException.ThrowIfNullOrEmpty(sectionPath);
        var readEnvironment = environment ?? Environment.GetEnvironmentVariable;
        var builder = services.AddOptions<TOptions>()
            .Configure(options =>
            {
                // Copied once from the providers when read: checking and binding tens of thousands of routes through the
                // configuration root would ask every provider again for each section. A section with an explicit null is
                // read through the root, where the binder binds the null as it does everywhere else.
                IConfiguration section = configuration is IConfigurationRoot root && ConfigurationSnapshot.Of(root, sectionPath) is { HasExplicitNull: false } snapshot
                    ? snapshot
                    : configuration.GetSection(sectionPath);
                BulwarkConfigurationReader.Read(section, options, readEnvironment, defaultPipeline, rules);
            })
            .ValidateOnStart();
        services.TryAddSingleton<IOptions<BulwarkOptions>>(sp => Options.Options.Create<BulwarkOptions>(sp.GetRequiredService<IOptions<TOptions>>().Value));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IBulwarkPipelineProvider, BulwarkPipelineProvider>();
        AddWarningLog(services);
        return builder;
    }

    private static IServiceCollection AddCore(IServiceCollection services, string rootPath)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BulwarkOptions>>(new BulwarkOptionsValidator(rootPath)));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IBulwarkPipelineProvider, BulwarkPipelineProvider>();
        return AddWarningLog(services);
    }

    // Unknown keys are logged when the host starts (or by the pipeline provider, without a host), once.
    private static IServiceCollection AddWarningLog(IServiceCollection services)
    {
        if (!services.Any(static d => d.ServiceType == typeof(ConfigurationWarningLog)))
        {
            services.AddSingleton(static sp => new ConfigurationWarningLog(sp));
            services.AddHostedService(static sp => sp.GetRequiredService<ConfigurationWarningLog>());
        }

        return services;
    }
}
