using BenchmarkDotNet.Attributes;
using Bulwark.AspNetCore.Logging;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;

namespace Bulwark.Benchmarks.Observability;

/// <summary>
/// One request through Bulwark's four request middlewares — telemetry, correlation, request logging (the JSON line,
/// written to a null stream) and error-rate counting — added one by one, against the same four as
/// <c>UseBulwarkObservability</c>. The endpoint yields once, as a forwarded request waits for its provider, so every
/// middleware's async frame suspends and resumes as it does under load. Both rows make the same request context.
/// </summary>
[MemoryDiagnoser]
public class ObservabilityMiddlewareBenchmarks
{
    private ServiceProvider _services = null!;
    private RequestDelegate _fourMiddlewares = null!;
    private RequestDelegate _oneMiddleware = null!;

    [GlobalSetup]
    public void Setup()
    {
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddBulwarkJsonConsole());
        services.AddSingleton(new BulwarkJsonConsoleOutput(Stream.Null));
        services.AddBulwarkTelemetry(new ConfigurationBuilder().Build());
        services.AddBulwarkCorrelation();
        services.AddBulwarkRequestLogging();
        services.AddBulwarkErrorRate();
        _services = services.BuildServiceProvider();

        var four = new ApplicationBuilder(_services);
        four.UseBulwarkTelemetry();
        four.UseBulwarkCorrelation();
        four.UseBulwarkRequestLogging();
        four.UseBulwarkErrorRate();
        four.Run(EndpointAsync);
        _fourMiddlewares = four.Build();

        var one = new ApplicationBuilder(_services);
        one.UseBulwarkObservability();
        one.Run(EndpointAsync);
        _oneMiddleware = one.Build();
    }

    [GlobalCleanup]
    public void Cleanup() => _services.Dispose();

    [Benchmark(Baseline = true)]
    public Task FourMiddlewares() => _fourMiddlewares(Request());

    [Benchmark]
    public Task UseBulwarkObservability() => _oneMiddleware(Request());

    private static DefaultHttpContext Request()
    {
        var context = new DefaultHttpContext();
        context.Request.Method = HttpMethods.Get;
        context.Request.Path = "/api/item";
        context.Request.Headers.UserAgent = "benchmark/1.0";
        return context;
    }

    private static async Task EndpointAsync(HttpContext context)
    {
        await Task.Yield();
        context.Response.StatusCode = StatusCodes.Status200OK;
    }
}
