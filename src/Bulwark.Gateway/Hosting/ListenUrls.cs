using Bulwark.Gateway.Configuration;
using Microsoft.Extensions.Options;

namespace Bulwark.Gateway.Hosting;

/// <summary>
/// Where the gateway listens, and which setting said so. The first that gives an address wins: <c>--urls</c>, then the
/// <c>ASPNETCORE_URLS</c> environment variable, then <c>Bulwark:Urls</c> in the configuration (the file, or its
/// <c>Bulwark__Urls</c> override), then <see cref="ListenAddress.Default"/>.
/// </summary>
/// <param name="Urls">The addresses.</param>
/// <param name="Source">Where they came from: <c>--urls</c>, <c>ASPNETCORE_URLS</c>, <c>Bulwark:Urls</c> or <c>default</c>.</param>
internal sealed record ListenUrls(IReadOnlyList<string> Urls, string Source)
{
    public const string EnvironmentVariable = "ASPNETCORE_URLS";

    /// <summary>Resolves the addresses.</summary>
    /// <exception cref="OptionsValidationException">An address from the command line or the environment is not one Kestrel can listen on.</exception>
    public static ListenUrls Resolve(IReadOnlyList<string> commandLine, Func<string, string?> environment, IConfiguration configuration)
    {
        if (commandLine.Count > 0)
        {
            return Checked(new ListenUrls(commandLine, "--urls"));
        }

        if (environment(EnvironmentVariable) is { } variable && ListenAddress.Split(variable) is { Count: > 0 } fromEnvironment)
        {
            return Checked(new ListenUrls(fromEnvironment, EnvironmentVariable));
        }

        // Validated with the rest of the configuration (Bulwark:Urls), every error listed with the others.
        if (configuration[$"{GatewayConstants.ConfigurationRoot}:Urls"] is { } configured && ListenAddress.Split(configured) is { Count: > 0 } fromConfiguration)
        {
            return new ListenUrls(fromConfiguration, $"{GatewayConstants.ConfigurationRoot}:Urls");
        }

        return new ListenUrls([ListenAddress.Default], "default");
    }

    private static ListenUrls Checked(ListenUrls urls)
    {
        var errors = urls.Urls.Select(a => ListenAddress.Check(a) is { } problem ? $"{urls.Source}: '{a}' {problem}" : null).OfType<string>().ToList();
        return errors.Count == 0 ? urls : throw new OptionsValidationException(urls.Source, typeof(ListenUrls), errors);
    }
}
