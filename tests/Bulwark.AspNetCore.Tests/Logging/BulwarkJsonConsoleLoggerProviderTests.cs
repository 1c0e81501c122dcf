using System.Text.Json;
using Bulwark.AspNetCore.Logging;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bulwark.AspNetCore.Tests.Logging;

public sealed class BulwarkJsonConsoleLoggerProviderTests
{
    [Fact]
    public void AddBulwarkJsonConsole_WritesOneJsonLinePerEntryWithScopeFieldsAndHonoursConsoleLevels()
    {
        var output = new GatedStream();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Information",
            ["Logging:Console:LogLevel:Noisy"] = "Error",
        }).Build();

        using (var services = Services(output, configuration))
        {
            var factory = services.GetRequiredService<ILoggerFactory>();
            var logger = factory.CreateLogger("Orders");
            using (logger.BeginScope(new Dictionary<string, object?> { ["correlation_id"] = "c-42" }))
            {
                logger.LogInformation("order {OrderId} stored", 7);
            }

            factory.CreateLogger("Noisy").LogWarning("filtered by the Console alias");
            logger.LogDebug("below the default level");
        }

        var line = Assert.Single(output.Lines());
        using var json = JsonDocument.Parse(line);
        var entry = json.RootElement;
        Assert.Equal("Orders", entry.GetProperty("Category").GetString());
        Assert.Equal("Information", entry.GetProperty("LogLevel").GetString());
        Assert.Equal("order 7 stored", entry.GetProperty("Message").GetString());
        Assert.Equal(7, entry.GetProperty("OrderId").GetInt32());
        Assert.Equal("c-42", entry.GetProperty("correlation_id").GetString());
        Assert.EndsWith("Z", entry.GetProperty("Timestamp").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void AddBulwarkJsonConsole_FormatterOptionsFromConfiguration_Apply()
    {
        var output = new GatedStream();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Logging:Console:FormatterOptions:IncludeScopes"] = "false",
        }).Build();

        using (var services = Services(output, configuration))
        {
            var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Orders");
            using (logger.BeginScope(new Dictionary<string, object?> { ["correlation_id"] = "c-42" }))
            {
                logger.LogWarning("no scopes");
            }
        }

        using var json = JsonDocument.Parse(Assert.Single(output.Lines()));
        Assert.False(json.RootElement.TryGetProperty("correlation_id", out _));
        Assert.Equal("no scopes", json.RootElement.GetProperty("Message").GetString());
    }

    private static ServiceProvider Services(GatedStream output, IConfiguration configuration)
    {
        var services = new ServiceCollection();
        services.AddSingleton(new BulwarkJsonConsoleOutput(output));
        services.AddLogging(logging =>
        {
            logging.AddConfiguration(configuration.GetSection("Logging"));
            logging.AddBulwarkJsonConsole();
        });
        return services.BuildServiceProvider();
    }
}
