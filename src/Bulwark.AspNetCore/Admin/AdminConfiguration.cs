using Microsoft.Extensions.Configuration;

namespace Bulwark.AspNetCore.Admin;

/// <summary>The configuration that the admin system status summarizes (masked).</summary>
/// <remarks>
/// <c>AddBulwarkAdmin</c> registers the configuration it is given unless an instance is registered before it: register one
/// to summarize another view, such as the configuration in force when the application reloads its own.
/// </remarks>
public sealed class AdminConfiguration
{
    /// <summary>Initializes a new instance of the <see cref="AdminConfiguration"/> class.</summary>
    /// <param name="configuration">The configuration whose <c>Bulwark</c> section the status summarizes.</param>
    public AdminConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        Configuration = configuration;
    }

    /// <summary>Gets the configuration whose <c>Bulwark</c> section the status summarizes.</summary>
    public IConfiguration Configuration { get; }
}
