using System.Text;
using Bulwark.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Bulwark.Tests.Configuration;

internal static class ConfigurationFixture
{
    public const string IssueExample = """
        {
          "Bulwark": {
            "Pipelines": {
              "default": {
                "Retry": { "MaxRetries": 3, "Backoff": "Exponential", "Jitter": "Full", "BaseDelay": "00:00:00.050", "MaxDelay": "00:00:02" },
                "CircuitBreaker": { "Mode": "Adaptive", "MinimumThroughput": 20, "SamplingDuration": "00:00:10", "BreakDuration": "00:00:05", "HalfOpenMaxCalls": 1, "SuccessThreshold": 2 },
                "Timeout": { "Attempt": "00:00:02", "Total": "00:00:10" },
                "Bulkhead": { "MaxConcurrency": 200, "QueueLimit": 200, "MaxWait": "00:00:01" }
              }
            }
          }
        }
        """;

    public static IConfigurationSection Section(string json) =>
        new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build().GetSection("Bulwark");

    public static ServiceProvider Services(string json, IReadOnlyDictionary<string, string>? environment = null, Action<IServiceCollection>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddBulwark(Section(json), name => environment is not null && environment.TryGetValue(name, out var v) ? v : null);
        configure?.Invoke(services);
        return services.BuildServiceProvider();
    }

    /// <summary>What ValidateOnStart reports: every failure.</summary>
    public static IReadOnlyList<string> Errors(string json, IReadOnlyDictionary<string, string>? environment = null)
    {
        using var provider = Services(json, environment);
        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<BulwarkOptions>>().Value);
        return [.. error.Failures];
    }

    public static BulwarkOptions Options(string json, IReadOnlyDictionary<string, string>? environment = null)
    {
        using var provider = Services(json, environment);
        return provider.GetRequiredService<IOptions<BulwarkOptions>>().Value;
    }
}
