using System.Net.Http.Headers;
using System.Text.Json;
using Bulwark.AspNetCore.Providers;
using Bulwark.Bulkhead;
using Bulwark.CircuitBreaker;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Polly;
using Polly.CircuitBreaker;

namespace Bulwark.AspNetCore.Tests.Infrastructure;

/// <summary>
/// A real Kestrel app on 127.0.0.1 (port 0) with Bulwark's health, error-rate and admin endpoints, two providers with
/// real breakers ("alpha", "beta") and a real bulkhead on "beta", all on a <see cref="FakeTimeProvider"/>.
/// </summary>
internal sealed class TestApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestApp(WebApplication app, FakeTimeProvider time, Provider alpha, Provider beta, HttpClient client, StubCheck store)
    {
        _app = app;
        Store = store;
        Time = time;
        Alpha = alpha;
        Beta = beta;
        Client = client;
    }

    public FakeTimeProvider Time { get; }

    public Provider Alpha { get; }

    public Provider Beta { get; }

    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    public FakeLogCollector Logs => _app.Services.GetRequiredService<FakeLogCollector>();

    public StubCheck Store { get; }

    public static async Task<TestApp> StartAsync(Dictionary<string, string?>? configuration = null, int errorRateMinimumRequests = 20, Action<IServiceCollection>? services = null)
    {
        var time = new FakeTimeProvider();
        var alpha = Provider.Create("alpha", time, bulkhead: false);
        var beta = Provider.Create("beta", time, bulkhead: true);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection(configuration ?? []);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        builder.Services.AddFakeLogging();
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddSingleton<IBulwarkProviderCatalog>(new BulwarkProviderCatalog([alpha.Info, beta.Info]));
        var store = new StubCheck();
        builder.Services.AddBulwarkHealth(options => options.ErrorRateMinimumRequests = errorRateMinimumRequests)
            .AddCheck("store", store, tags: ["ready"]);
        builder.Services.AddBulwarkAdmin(builder.Configuration);
        services?.Invoke(builder.Services);

        var app = builder.Build();
        app.UseBulwarkErrorRate();
        app.MapGet("/ok", static () => "ok");
        app.MapGet("/fail", static (HttpContext context) => context.Response.StatusCode = 500);
        app.MapGet("/not-found", static (HttpContext context) => context.Response.StatusCode = 404);
        app.MapGet("/throw", static string () => throw new InvalidOperationException("boom"));
        app.MapBulwarkHealth();
        app.MapBulwarkAdmin();
        await app.StartAsync();

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var client = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(10) };
        return new TestApp(app, time, alpha, beta, client, store);
    }

    public async Task<(HttpResponseMessage Response, JsonElement Json)> GetJsonAsync(string path, string? token = null) =>
        await SendJsonAsync(HttpMethod.Get, path, token);

    public async Task<(HttpResponseMessage Response, JsonElement Json)> SendJsonAsync(HttpMethod method, string path, string? token = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        var response = await Client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        var json = body.Length == 0 ? default : JsonDocument.Parse(body).RootElement.Clone();
        return (response, json);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>A provider: a real breaker (2 failures in a row open it) and, optionally, a real bulkhead of 1 slot and no queue.</summary>
    internal sealed class Provider
    {
        public required BulwarkProviderInfo Info { get; init; }

        public required ResiliencePipeline Breaker { get; init; }

        public ResiliencePipeline? Bulkhead { get; init; }

        public CircuitState State => Info.CircuitBreaker!.State;

        public static Provider Create(string name, TimeProvider time, bool bulkhead)
        {
            var breakerHandle = new CircuitBreakerHandle();
            var breaker = new ResiliencePipelineBuilder { TimeProvider = time }
                .AddBulwarkCircuitBreaker(new BulwarkCircuitBreakerStrategyOptions
                {
                    Mode = CircuitBreakerMode.ConsecutiveFailures,
                    FailureThreshold = 2,
                    Handle = breakerHandle,
                })
                .Build();
            BulkheadHandle? bulkheadHandle = bulkhead ? new BulkheadHandle() : null;
            var bulkheadPipeline = bulkheadHandle is null ? null : new ResiliencePipelineBuilder { TimeProvider = time }
                .AddBulwarkBulkhead(new BulwarkBulkheadStrategyOptions { MaxConcurrency = 1, QueueLimit = 0, Handle = bulkheadHandle })
                .Build();
            return new Provider { Info = new(name, breakerHandle, bulkheadHandle), Breaker = breaker, Bulkhead = bulkheadPipeline };
        }

        public void Fail(int times)
        {
            for (var i = 0; i < times; i++)
            {
                try
                {
                    Breaker.Execute(static () => throw new HttpRequestException("provider down"));
                }
                catch (HttpRequestException)
                {
                }
            }
        }

        public void Succeed() => Breaker.Execute(static () => { });
    }

    /// <summary>A ready check whose status the test sets, standing in for a store.</summary>
    internal sealed class StubCheck : IHealthCheck
    {
        public HealthStatus Status { get; set; } = HealthStatus.Healthy;

        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(new HealthCheckResult(Status, "stub store"));
    }
}
