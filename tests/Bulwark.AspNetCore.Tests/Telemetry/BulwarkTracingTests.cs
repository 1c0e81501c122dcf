using System.Collections.Concurrent;
using System.Diagnostics;

namespace Bulwark.AspNetCore.Tests.Telemetry;

public sealed class BulwarkTracingTests : IDisposable
{
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ConcurrentDictionary<ActivityTraceId, TaskCompletionSource> _rootStopped = new();
    private readonly ActivityListener _listener;

    public BulwarkTracingTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Bulwark",
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                _stopped.Enqueue(activity);
                if (activity.GetTagItem("http.request.method") is not null && _rootStopped.TryGetValue(activity.TraceId, out var stopped))
                {
                    stopped.TrySetResult();
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    [Fact]
    public async Task Request_WithAttempts_HasRequestSpanAndOneChildSpanPerAttempt()
    {
        await using var app = await BulwarkMetricsTests.StartAsync();
        var traceId = ActivityTraceId.CreateRandom();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/orders/7", UriKind.Relative));
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");

        var stopped = Expect(traceId);
        using var response = await app.Client.SendAsync(request);
        var spans = await SpansOfTraceAsync(traceId, stopped);

        var root = Assert.Single(spans, s => s.DisplayName == "GET /orders/{id}");
        Assert.Equal("/orders/{id}", root.GetTagItem("http.route"));
        Assert.Equal(200, root.GetTagItem("http.response.status_code"));
        Assert.Equal(5, root.GetTagItem("bulwark.attempts"));

        var attempts = spans.Where(s => s.ParentSpanId == root.SpanId).OrderBy(s => s.StartTimeUtc).ToList();
        Assert.Equal(
            [("attempt a", "a", 1, "failure", ActivityKind.Client), ("attempt a", "a", 2, "timeout", ActivityKind.Client), ("attempt b", "b", 0, "skipped", ActivityKind.Internal), ("attempt c", "c", 1, "rejected", ActivityKind.Internal), ("attempt d", "d", 1, "success", ActivityKind.Client)],
            attempts.Select(s => (s.DisplayName, (string)s.GetTagItem("bulwark.provider")!, (int)s.GetTagItem("bulwark.attempt.number")!, (string)s.GetTagItem("bulwark.attempt.outcome")!, s.Kind)));
        // Activity gives a zero-length span one tick.
        Assert.Equal(
            [TimeSpan.FromMilliseconds(40), TimeSpan.FromMilliseconds(30), TimeSpan.FromTicks(1), TimeSpan.FromTicks(1), TimeSpan.FromMilliseconds(20)],
            attempts.Select(s => s.Duration));
        Assert.Equal(ActivityStatusCode.Error, attempts[0].Status);
        Assert.Equal(503, attempts[0].GetTagItem("http.response.status_code"));
        Assert.Equal("Bulwark.Bulkhead.BulkheadRejectedException", attempts[3].GetTagItem("error.type"));
        Assert.Equal(ActivityStatusCode.Unset, attempts[4].Status);
        Assert.Equal(root.StartTimeUtc, attempts[0].StartTimeUtc);
        Assert.Equal(attempts[0].StartTimeUtc + attempts[0].Duration, attempts[1].StartTimeUtc);
    }

    [Fact]
    public async Task Request_Failed_RequestSpanIsAnError()
    {
        await using var app = await BulwarkMetricsTests.StartAsync();
        var traceId = ActivityTraceId.CreateRandom();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/failed", UriKind.Relative));
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");

        var stopped = Expect(traceId);
        using var response = await app.Client.SendAsync(request);
        var span = Assert.Single(await SpansOfTraceAsync(traceId, stopped));

        Assert.Equal("POST /failed", span.DisplayName);
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal("providers-failed", span.GetTagItem("error.type"));
    }

    public void Dispose() => _listener.Dispose();

    private Task Expect(ActivityTraceId traceId) =>
        _rootStopped.GetOrAdd(traceId, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>The middleware ends the request span (after its attempt spans) once the response is sent: wait for it, bounded.</summary>
    private async Task<List<Activity>> SpansOfTraceAsync(ActivityTraceId traceId, Task rootStopped)
    {
        await rootStopped.WaitAsync(TimeSpan.FromSeconds(10));
        return [.. _stopped.Where(a => a.TraceId == traceId)];
    }
}
