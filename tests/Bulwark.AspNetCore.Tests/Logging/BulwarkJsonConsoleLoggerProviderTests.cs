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

    [Fact]
    public void AddBulwarkJsonConsole_AfterTheConsoleLogger_ReplacesItSoNothingIsWrittenTwice()
    {
        var services = new ServiceCollection();
        services.AddLogging(logging =>
        {
            logging.AddConsole();
            logging.AddBulwarkJsonConsole();
        });
        using var provider = services.BuildServiceProvider();

        var loggerProvider = Assert.Single(provider.GetServices<ILoggerProvider>());
        Assert.IsType<BulwarkJsonConsoleLoggerProvider>(loggerProvider);
    }

    [Fact]
    public void AddBulwarkJsonConsole_IndentedInConfiguration_StillOneLinePerEntry()
    {
        var output = new GatedStream();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Logging:Console:FormatterOptions:JsonWriterOptions:Indented"] = "true",
        }).Build();

        using (var services = Services(output, configuration))
        {
            services.GetRequiredService<ILoggerFactory>().CreateLogger("Orders").LogWarning("one {Line}", "only");
        }

        using var json = JsonDocument.Parse(Assert.Single(output.Lines()));
        Assert.Equal("only", json.RootElement.GetProperty("Line").GetString());
    }

    [Fact]
    public void AddBulwarkJsonConsole_ConfigureCallback_AppliesAfterConfiguration()
    {
        var output = new GatedStream();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Logging:Console:FormatterOptions:IncludeScopes"] = "false",
        }).Build();

        using (var services = Services(output, configuration, options => options.IncludeScopes = true))
        {
            var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Orders");
            using (logger.BeginScope(new Dictionary<string, object?> { ["correlation_id"] = "c-7" }))
            {
                logger.LogWarning("scoped");
            }
        }

        using var json = JsonDocument.Parse(Assert.Single(output.Lines()));
        Assert.Equal("c-7", json.RootElement.GetProperty("correlation_id").GetString());
    }

    [Fact]
    public void AddBulwarkJsonConsole_QueueSettingsFromConfiguration_Apply()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Logging:Console:MaxQueueLength"] = "17",
            ["Logging:Console:QueueFullMode"] = "DropWrite",
        }).Build();

        using var services = Services(new GatedStream(), configuration);

        var provider = Assert.IsType<BulwarkJsonConsoleLoggerProvider>(Assert.Single(services.GetServices<ILoggerProvider>()));
        Assert.Equal(17, provider.Writer.MaxQueueLength);
        Assert.True(provider.Writer.DropsWhenFull);
    }

    [Fact]
    public async Task AddBulwarkJsonConsole_DropWriteWithAFullQueue_WritesAWarningEntryWithTheCount()
    {
        var output = new GatedStream(open: false);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Logging:Console:MaxQueueLength"] = "1",
            ["Logging:Console:QueueFullMode"] = "DropWrite",
        }).Build();

        using (var services = Services(output, configuration))
        {
            var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Orders");
            logger.LogWarning("being written");
            await output.WaitForWriteAsync();
            logger.LogWarning("queued");
            logger.LogWarning("dropped");
            output.Open();
        }

        var lines = output.Lines().Select(static l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.Equal(3, lines.Length);
        Assert.Equal("being written", lines[0].GetProperty("Message").GetString());
        Assert.Equal("queued", lines[2].GetProperty("Message").GetString());
        var warning = lines[1];
        Assert.Equal("Warning", warning.GetProperty("LogLevel").GetString());
        Assert.Equal(3103, warning.GetProperty("EventId").GetInt32());
        Assert.Equal("LogLinesDropped", warning.GetProperty("EventName").GetString());
        Assert.Equal(1, warning.GetProperty("dropped_lines").GetInt64());
        Assert.StartsWith("1 log line(s) dropped", warning.GetProperty("Message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void AddBulwarkJsonConsole_FormatterOptionsChangeInConfiguration_FollowedWithoutARestart()
    {
        var output = new GatedStream();
        var source = new Dictionary<string, string?> { ["Logging:Console:FormatterOptions:IncludeScopes"] = "true" };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(source).Build();

        using (var services = Services(output, configuration))
        {
            var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Orders");
            using (logger.BeginScope(new Dictionary<string, object?> { ["correlation_id"] = "c-1" }))
            {
                logger.LogWarning("before");
                configuration["Logging:Console:FormatterOptions:IncludeScopes"] = "false";
                configuration.Reload();
                logger.LogWarning("after");
            }
        }

        var lines = output.Lines().Select(static l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.Equal(2, lines.Length);
        Assert.True(lines[0].TryGetProperty("correlation_id", out _));
        Assert.False(lines[1].TryGetProperty("correlation_id", out _));
    }

    private static ServiceProvider Services(GatedStream output, IConfiguration configuration, Action<Microsoft.Extensions.Logging.Console.JsonConsoleFormatterOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton(new BulwarkJsonConsoleOutput(output));
        services.AddLogging(logging =>
        {
            logging.AddConfiguration(configuration.GetSection("Logging"));
            logging.AddBulwarkJsonConsole(configure);
        });
        return services.BuildServiceProvider();
    }
}
