using Bulwark.Gateway.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bulwark.Gateway.Tests.Infrastructure;

/// <summary>The gateway itself, in-process on 127.0.0.1 (port 0), built from JSON exactly as <c>bulwark serve</c> builds it.</summary>
internal sealed class GatewayUnderTest : IAsyncDisposable
{
    private readonly WebApplication _app;

    private GatewayUnderTest(WebApplication app, HttpClient client)
    {
        _app = app;
        Client = client;
    }

    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    public Uri BaseAddress => Client.BaseAddress!;

    public static async Task<GatewayUnderTest> StartAsync(string json, IReadOnlyDictionary<string, string>? environment = null, TimeProvider? timeProvider = null)
    {
        var app = GatewayHost.Build(new GatewayHostSettings(null, json, ["http://127.0.0.1:0"])
        {
            Environment = name => environment is not null && environment.TryGetValue(name, out var value) ? value : null,
            EnvironmentOverrides = false,
            TimeProvider = timeProvider,
            MinimumLogLevel = LogLevel.Warning,
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var client = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false }) { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(60) };
        return new GatewayUnderTest(app, client);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
