using Bulwark.Deliveries;
using Bulwark.Storage.Sqlite.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Bulwark.Storage.Sqlite.Tests.DependencyInjection;

public sealed class BulwarkSqliteServiceCollectionExtensionsTests : IDisposable
{
    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public void AddBulwarkSqliteStore_Twice_OneStoreBehindBothInterfaces()
    {
        var services = new ServiceCollection();
        services.AddBulwarkSqliteStore(o => o.Path = _database.Path);
        services.AddBulwarkSqliteStore(o => o.Path = Path.Combine(_database.Directory, "other.db"));
        using var provider = services.BuildServiceProvider();

        var store = provider.GetRequiredService<SqliteBulwarkStore>();
        Assert.Same(store, provider.GetRequiredService<IDeliveryStore>());
        Assert.Same(store, provider.GetRequiredService<ICircuitBreakerStateStore>());
        Assert.Equal(_database.Path, store.FilePath);
        Assert.False(File.Exists(Path.Combine(_database.Directory, "other.db")));
        Assert.Single(provider.GetServices<IHostedService>());
    }

    [Fact]
    public void AddBulwarkSqliteStore_WithoutLogging_PipelinesStillResolve()
    {
        var services = new ServiceCollection();
        services.AddBulwark(o => o.Pipelines["payments"] = new Bulwark.Configuration.BulwarkPipelineOptions { CircuitBreaker = new() });
        services.AddBulwarkSqliteStore(o => o.Path = _database.Path);
        using var provider = services.BuildServiceProvider();

        var pipeline = provider.GetRequiredService<Bulwark.Pipelines.IBulwarkPipelineProvider>().GetPipeline("payments");

        Assert.NotNull(pipeline.CircuitBreaker);
    }

    [Fact]
    public async Task HostStart_OnACorruptFile_FailsWithTheStoresClearError()
    {
        File.WriteAllText(_database.Path, new string('#', 8192));
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddBulwarkSqliteStore(o => o.Path = _database.Path);
        builder.Services.AddBulwarkDeliveries();
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => host.StartAsync());

        Assert.Contains("corrupt or not a SQLite database", error.Message, StringComparison.Ordinal);
    }
}
