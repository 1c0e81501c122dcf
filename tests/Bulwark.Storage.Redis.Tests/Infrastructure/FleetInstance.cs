using System.Net;
using Bulwark.CircuitBreaker;
using Bulwark.Pipelines;
using Bulwark.SharedState;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Polly.CircuitBreaker;

namespace Bulwark.Storage.Redis.Tests.Infrastructure;

/// <summary>
/// One instance of a service that uses Bulwark in-process with its breakers shared on Redis: a host with the named
/// pipeline <c>default</c> (consecutive-failure breaker: 5 failures, 2 s break, one probe that closes it) and an HttpClient
/// to the provider. Each instance is what one replica behind a load balancer would be.
/// </summary>
public sealed class FleetInstance : IAsyncDisposable
{
    public const int FailureThreshold = 5;

    private readonly IHost _host;
    private readonly HttpClient _client = new();
    private readonly Uri _provider;

    private FleetInstance(IHost host, Uri provider)
    {
        _host = host;
        _provider = provider;
        Pipeline = host.Services.GetRequiredService<IBulwarkPipelineProvider>().GetPipeline("default", "provider");
    }

    public BulwarkPipeline Pipeline { get; }

    public CircuitBreakerHandle Breaker => Pipeline.CircuitBreaker!;

    public CircuitBreakerStateSharing Sharing => _host.Services.GetRequiredService<CircuitBreakerStateSharing>();

    public IServiceProvider Services => _host.Services;

    public RedisConnection Redis => _host.Services.GetRequiredService<RedisConnection>();

    public static async Task<FleetInstance> StartAsync(string redis, Uri provider, string id, TimeSpan probeGrace)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Bulwark:Pipelines:default:CircuitBreaker:Mode"] = "ConsecutiveFailures",
            ["Bulwark:Pipelines:default:CircuitBreaker:FailureThreshold"] = $"{FailureThreshold}",
            ["Bulwark:Pipelines:default:CircuitBreaker:BreakDuration"] = "00:00:02",
            ["Bulwark:Pipelines:default:CircuitBreaker:BreakDurationGrowthFactor"] = "1",
            ["Bulwark:Pipelines:default:CircuitBreaker:HalfOpenMaxCalls"] = "1",
            ["Bulwark:Pipelines:default:CircuitBreaker:SuccessThreshold"] = "1",
        });
        builder.Services.AddBulwark(builder.Configuration.GetSection("Bulwark"));
        builder.Services.AddBulwarkRedisBreakerSharing(o => o.Configuration = redis, s =>
        {
            s.InstanceId = id;
            s.ProbeGrace = probeGrace;
        });
        var host = builder.Build();
        await host.StartAsync();
        return new FleetInstance(host, provider);
    }

    /// <summary>Sends one request through the pipeline: the outcome as the caller sees it.</summary>
    public async Task<Outcome> SendAsync()
    {
        try
        {
            return await Pipeline.ExecuteAsync(async ct =>
            {
                using var response = await _client.GetAsync(_provider, ct);
                if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                {
                    throw new HttpRequestException("provider down", null, response.StatusCode);
                }

                return Outcome.Served;
            });
        }
        catch (BrokenCircuitException)
        {
            return Outcome.BreakerOpen;
        }
        catch (HttpRequestException)
        {
            return Outcome.Failed;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        _client.Dispose();
    }
}

public enum Outcome
{
    Served,
    Failed,
    BreakerOpen,
}
