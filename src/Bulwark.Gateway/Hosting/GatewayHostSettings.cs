using Bulwark.Gateway.Configuration;

namespace Bulwark.Gateway.Hosting;

/// <summary>How to build a gateway: where its configuration comes from and where it listens.</summary>
/// <param name="ConfigPath">A JSON configuration file, or <see langword="null"/>.</param>
/// <param name="ConfigJson">JSON configuration text (tests, the demo), or <see langword="null"/>.</param>
/// <param name="Urls">The addresses to listen on.</param>
internal sealed record GatewayHostSettings(string? ConfigPath, string? ConfigJson, IReadOnlyList<string> Urls)
{
    /// <summary>Gets the environment the gateway reads: <c>Bulwark__...</c> overrides, header secrets, seed variables.</summary>
    public Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;

    /// <summary>Gets the names of the environment's variables, to find seed variables aimed at no pipeline (<c>BULWARK_PIPELINE_…</c>).</summary>
    public Func<IEnumerable<string>> EnvironmentNames { get; init; } = static () => System.Environment.GetEnvironmentVariables().Keys.Cast<string>();

    /// <summary>Gets a value indicating whether environment variables override the file (<c>Bulwark__Section__Key</c>).</summary>
    public bool EnvironmentOverrides { get; init; } = true;

    /// <summary>Gets the clock, or <see langword="null"/> for the system clock.</summary>
    public TimeProvider? TimeProvider { get; init; }

    /// <summary>Gets services added last, over the gateway's own (tests add alert signal sources), or <see langword="null"/>.</summary>
    public Action<IServiceCollection>? Services { get; init; }

    /// <summary>
    /// Gets a value indicating whether stopping the host drains first (<c>Bulwark:Shutdown</c>): <c>bulwark serve</c> does;
    /// the demo and in-process tests stop at once.
    /// </summary>
    public bool DrainOnShutdown { get; init; }

    /// <summary>Gets the minimum log level of the console.</summary>
    public Microsoft.Extensions.Logging.LogLevel MinimumLogLevel { get; init; } = Microsoft.Extensions.Logging.LogLevel.Information;

    /// <summary>Gets extra logging set-up applied after the gateway's own (tests add a provider that records), or <see langword="null"/>.</summary>
    public Action<ILoggingBuilder>? Logging { get; init; }

    /// <summary>Gets the directory large buffered request bodies spill to, or <see langword="null"/> for ASP.NET Core's (<c>ASPNETCORE_TEMP</c>, else the system's).</summary>
    public string? BodyBufferDirectory { get; init; }

    /// <summary>Gets the SQLite file to use instead of <c>Bulwark:Storage:Path</c>, or <see langword="null"/> for the configured one.</summary>
    public string? StorePath { get; init; }

    /// <summary>Gets a value indicating whether to keep state in memory whatever the configuration says: for <c>check-config</c>, which must not create or lock files.</summary>
    public bool InMemoryStore { get; init; }

    /// <summary>
    /// Gets the configuration already read and validated from these same sources (<c>check-config</c> loads it first), or
    /// <see langword="null"/>: the host then uses it, and its gateway options, as they are instead of reading the sources,
    /// binding and validating again.
    /// </summary>
    public LoadedGatewayConfiguration? Validated { get; init; }

    /// <summary>
    /// Gets a value indicating whether the gateway is built only for its components' start-up validation
    /// (<see cref="GatewayConfiguration.ValidateHostAsync"/>): no request pipeline, no route table, no store opened.
    /// </summary>
    public bool ValidationOnly { get; init; }
}
