using BenchmarkDotNet.Attributes;
using Bulwark.AspNetCore.Logging;
using Bulwark.Gateway.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Bulwark.Benchmarks.Gateway;

/// <summary>
/// One GET through the gateway's whole request path in this process, over loopback: client → gateway (default
/// pipeline, every middleware) → upstream, beside the same request sent directly to the upstream and through a plain
/// YARP forwarder. The memory diagnoser counts every allocation in the process (client, server, upstream), so the
/// gateway's own allocations per request are its row minus the direct row; plain YARP's row shows what forwarding alone
/// costs. With logging on (the gateway's normal Information level, written to a null console) and off.
/// </summary>
[MemoryDiagnoser]
public class GatewayRequestBenchmarks
{
    private static readonly byte[] Body = """{"id":42,"name":"item","ok":true}"""u8.ToArray();
    private readonly List<WebApplication> _apps = [];
    private HttpClient _direct = null!;
    private HttpClient _yarp = null!;
    private HttpClient _gateway = null!;
    private HttpClient _gatewayQuiet = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var upstream = await StartAsync(Upstream());
        _direct = Client(upstream);
        _yarp = Client(await StartAsync(Bulwark.GatewayFigures.PlainForwarder.Build(upstream)));
        _gateway = Client(await StartAsync(Gateway(upstream, LogLevel.Information)));
        _gatewayQuiet = Client(await StartAsync(Gateway(upstream, LogLevel.Error)));
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        foreach (var client in new[] { _direct, _yarp, _gateway, _gatewayQuiet })
        {
            client.Dispose();
        }

        foreach (var app in _apps)
        {
            await app.DisposeAsync();
        }
    }

    [Benchmark(Baseline = true)]
    public Task<int> Direct() => GetAsync(_direct);

    [Benchmark]
    public Task<int> PlainYarp() => GetAsync(_yarp);

    [Benchmark]
    public Task<int> BulwarkGateway() => GetAsync(_gateway);

    [Benchmark]
    public Task<int> BulwarkGatewayLoggingOff() => GetAsync(_gatewayQuiet);

    private static async Task<int> GetAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/api/item");
        byte[] body = await response.Content.ReadAsByteArrayAsync();
        return body.Length + (int)response.StatusCode;
    }

    private async Task<Uri> StartAsync(WebApplication app)
    {
        _apps.Add(app);
        await app.StartAsync();
        return new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    private static HttpClient Client(Uri address) =>
        new(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = address };

    private static WebApplication Upstream()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.Run(static context =>
        {
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = Body.Length;
            return context.Response.Body.WriteAsync(Body).AsTask();
        });
        return app;
    }

    private static WebApplication Gateway(Uri upstream, LogLevel level)
    {
        string json = $$"""
            {
              "Bulwark": {
                "Providers": { "upstream": { "BaseUrl": "{{upstream.ToString().TrimEnd('/')}}" } },
                "Routes": [ { "Path": "/api/{**rest}", "Providers": [ "upstream" ] } ]
              }
            }
            """;
        return GatewayHost.Build(new GatewayHostSettings(null, json, ["http://127.0.0.1:0"])
        {
            EnvironmentOverrides = false,
            Environment = _ => null,
            MinimumLogLevel = level,

            // The gateway's JSON console goes nowhere: the benchmark measures producing and writing the line, not the terminal.
            Logging = static logging => logging.Services.AddSingleton(new BulwarkJsonConsoleOutput(Stream.Null)),
        });
    }
}
