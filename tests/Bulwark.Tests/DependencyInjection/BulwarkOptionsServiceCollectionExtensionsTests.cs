using System.Text;
using Bulwark.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Bulwark.Tests.DependencyInjection;

public class BulwarkOptionsServiceCollectionExtensionsTests
{
    [Fact]
    public void AddBulwarkOptions_DerivedOptions_ReportReadingThenPipelinesThenOwnErrors_WithoutErrorsOfUnreadValues()
    {
        var configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes("""
            { "App": { "Workers": "many", "Pipelines": { "p": { "Retry": { "MaxRetries": 500 } } } } }
            """))).Build();
        var services = new ServiceCollection();
        services.AddBulwarkOptions<AppOptions>(configuration, "App", static _ => null);
        services.AddSingleton<IValidateOptions<AppOptions>, AppOptionsValidator>();
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<AppOptions>>().Value);

        // The unreadable Workers is reported once, by the reading; the validator's rule about the stand-in value is left out.
        Assert.Equal(3, error.Failures.Count());
        Assert.StartsWith("App:Workers: ", error.Failures.First(), StringComparison.Ordinal);
        Assert.Equal(
            [
                "App:Pipelines:p:Retry:MaxRetries: 500 is out of range; allowed 0 to 100.",
                "App:Name: is required.",
            ],
            error.Failures.Skip(1));
    }

    [Fact]
    public void AddBulwarkOptions_ValidDerivedOptions_BindOwnSettingsAndPipelines()
    {
        var configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes("""
            { "App": { "Name": "orders", "Workers": 4, "Pipelines": { "p": { "Retry": { "MaxRetries": 2 } } } } }
            """))).Build();
        var services = new ServiceCollection();
        services.AddBulwarkOptions<AppOptions>(configuration, "App");
        services.AddSingleton<IValidateOptions<AppOptions>, AppOptionsValidator>();
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<AppOptions>>().Value;

        Assert.Equal(("orders", 4, 2), (options.Name, options.Workers, options.Pipelines["p"].Retry!.MaxRetries));
        Assert.Empty(options.GetConfigurationWarnings());
    }

    [Fact]
    public async Task AddBulwarkOptions_InvalidBesideAnotherInvalidOptionsType_TheHostsStartReportsBoth()
    {
        var configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes("""
            { "App": { "Name": "orders", "Workers": 4, "Pipelines": { "p": { "Retry": { "MaxRetries": 500 } } } } }
            """))).Build();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddBulwarkOptions<AppOptions>(configuration, "App");
        builder.Services.AddSingleton<IValidateOptions<AppOptions>, AppOptionsValidator>();
        builder.Services.AddOptions<OtherOptions>().Validate(static _ => false, "Other: refused.").ValidateOnStart();
        using var host = builder.Build();

        // The start-up validation reports every options type that fails, the pipelines' among them: nothing reads the
        // options before it (the configuration warning log reads them when it logs).
        var error = await Assert.ThrowsAsync<AggregateException>(() => host.StartAsync());
        var failures = error.InnerExceptions.Cast<OptionsValidationException>().SelectMany(static e => e.Failures).ToList();
        Assert.Contains("App:Pipelines:p:Retry:MaxRetries: 500 is out of range; allowed 0 to 100.", failures);
        Assert.Contains("Other: refused.", failures);
    }

    [Theory]
    [InlineData("4", "4")]
    [InlineData("\"many\"", null)]
    public void AddBulwarkOptions_RulesBind_BindsInsteadOfTheReflectionBinder_AndSeesNoUnreadValue(string workers, string? seen)
    {
        var configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes($$"""
            { "App": { "Name": "orders", "Workers": {{workers}} } }
            """))).Build();
        var bound = new List<string?>();
        var rules = new ConfigurationRules
        {
            // Records the Workers it was given and binds values of its own: the reflection binder would have bound 4.
            Bind = (section, options) =>
            {
                bound.Add(section["Workers"]);
                ((AppOptions)options).Name = section["Name"] + " (bound by the rules)";
                ((AppOptions)options).Workers = 7;
            },
        };
        var services = new ServiceCollection();
        services.AddBulwarkOptions<AppOptions>(configuration, "App", static _ => null, rules: rules);
        services.AddSingleton<IValidateOptions<AppOptions>, AppOptionsValidator>();
        using var provider = services.BuildServiceProvider();

        if (seen is null)
        {
            // The unreadable value is left out of what the binder sees, and reported by the reading.
            var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<AppOptions>>().Value);
            Assert.StartsWith("App:Workers: ", error.Failures.Single(), StringComparison.Ordinal);
        }
        else
        {
            var options = provider.GetRequiredService<IOptions<AppOptions>>().Value;
            Assert.Equal(("orders (bound by the rules)", 7), (options.Name, options.Workers));
        }

        Assert.Equal([seen], bound);
    }

    public sealed class OtherOptions
    {
        public int Value { get; set; }
    }

    public sealed class AppOptions : BulwarkOptions
    {
        public string? Name { get; set; }

        public int Workers { get; set; }
    }

    private sealed class AppOptionsValidator : IValidateOptions<AppOptions>
    {
        public ValidateOptionsResult Validate(string? name, AppOptions options)
        {
            List<string> errors = [];
            if (options.Workers < 1)
            {
                errors.Add($"App:Workers: {options.Workers} is out of range; allowed 1 or more.");
            }

            if (string.IsNullOrEmpty(options.Name))
            {
                errors.Add("App:Name: is required.");
            }

            return BulwarkOptionsValidator.Validate(options, "App", errors);
        }
    }
}
