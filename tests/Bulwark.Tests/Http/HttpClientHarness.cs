using System.Collections.Concurrent;
using Bulwark.Pipelines;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Bulwark.Tests.Http;

/// <summary>
/// Services with <c>AddBulwark</c> on a fake clock and a named HttpClient to an upstream, with a recorder below the
/// Bulwark handler that sees every attempt.
/// </summary>
internal sealed class HttpClientHarness : IAsyncDisposable
{
    public const string ClientName = "upstream";

    private HttpClientHarness(ServiceProvider services, FakeTimeProvider time, ConcurrentQueue<(HttpRequestMessage Request, HttpResponseMessage? Response)> sent)
    {
        Services = services;
        Time = time;
        Sent = sent;
    }

    public ServiceProvider Services { get; }

    public FakeTimeProvider Time { get; }

    /// <summary>Gets every attempt that left the Bulwark handler, with its response (<see langword="null"/> when it threw).</summary>
    public ConcurrentQueue<(HttpRequestMessage Request, HttpResponseMessage? Response)> Sent { get; }

    public IBulwarkPipelineProvider Pipelines => Services.GetRequiredService<IBulwarkPipelineProvider>();

    public HttpClient Client => CreateClient(ClientName);

    public static HttpClientHarness Create(
        HttpPipelineSettings settings,
        UpstreamServer upstream,
        Action<IHttpClientBuilder> configureClient,
        Action<IServiceCollection>? configureServices = null)
    {
        var time = new FakeTimeProvider();
        var sent = new ConcurrentQueue<(HttpRequestMessage Request, HttpResponseMessage? Response)>();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);

        // The overload without environment seeding, so that a RETRY_* variable on the machine cannot change the test.
        services.AddBulwark(settings.ToConfiguration(), static _ => null);

        var client = services.AddHttpClient(ClientName, c => c.BaseAddress = upstream.BaseAddress);
        configureClient(client);
        client.AddHttpMessageHandler(() => new RecordingHandler(sent));
        configureServices?.Invoke(services);
        return new HttpClientHarness(services.BuildServiceProvider(), time, sent);
    }

    public HttpClient CreateClient(string name) => Services.GetRequiredService<IHttpClientFactory>().CreateClient(name);

    public ValueTask DisposeAsync() => Services.DisposeAsync();
}
