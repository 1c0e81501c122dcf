using System.Diagnostics.Metrics;
using System.Net;
using Bulwark.Retry;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Polly;

namespace Bulwark.Tests.Retry;

public class BulwarkRetryMeteringTests
{
    [Fact]
    public async Task ExecuteAsync_Retries_EventsReachPollyStrategyEventsMeter()
    {
        var pipelineName = "metering-" + Guid.NewGuid().ToString("N");
        var onRetry = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Polly" && instrument.Name == "resilience.polly.strategy.events")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<int>((_, value, tags, _) =>
        {
            string? name = null, pipeline = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "event.name")
                {
                    name = tag.Value as string;
                }
                else if (tag.Key == "pipeline.name")
                {
                    pipeline = tag.Value as string;
                }
            }

            if (pipeline == pipelineName && name == BulwarkRetryConstants.OnRetryEvent)
            {
                Interlocked.Add(ref onRetry, value);
            }
        });
        listener.Start();

        var calls = 0;
        var pipeline = new ResiliencePipelineBuilder<HttpStatusCode> { Name = pipelineName, TimeProvider = new FakeTimeProvider() }
            .AddBulwarkRetry(new BulwarkRetryStrategyOptions<HttpStatusCode> { BaseDelay = TimeSpan.Zero })
            .ConfigureTelemetry(NullLoggerFactory.Instance)
            .Build();

        var result = await pipeline.ExecuteAsync(_ => ValueTask.FromResult(++calls < 3 ? HttpStatusCode.ServiceUnavailable : HttpStatusCode.OK))
            .AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(HttpStatusCode.OK, result);
        Assert.Equal(2, Volatile.Read(ref onRetry));
    }
}
