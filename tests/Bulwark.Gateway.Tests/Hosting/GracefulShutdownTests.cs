using System.Diagnostics;
using System.Net;
using Bulwark.Gateway.Hosting;
using Bulwark.Gateway.Tests.Infrastructure;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace Bulwark.Gateway.Tests.Hosting;

public class GracefulShutdownTests(ITestOutputHelper output)
{
    /// <summary>No bulkhead, and timeouts far beyond the test, so only the drain decides what happens.</summary>
    private const string PatientPipeline = """
        {
          "Retry": { "MaxRetries": 2, "Backoff": "Constant", "Jitter": "None", "BaseDelay": "00:00:00", "MaxRetryAfter": "00:00:00.050" },
          "CircuitBreaker": { "Mode": "ConsecutiveFailures", "FailureThreshold": 5, "BreakDuration": "00:00:30" },
          "Timeout": { "Attempt": "00:01:00", "Total": "00:02:00" }
        }
        """;

    [Fact]
    public async Task Sigterm_SlowRequestsInFlight_ReportsNotReady_RefusesNewRequests_FinishesEveryRequest_ExitsZero()
    {
        const int Concurrent = 200;
        var drainDelay = TimeSpan.FromSeconds(2);
        var drainTimeout = TimeSpan.FromSeconds(10);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var upstream = await Upstream.StartAsync();
        upstream.Behaviour = async (context, n) =>
        {
            await release.Task;
            await Upstream.Ok(context, n);
        };

        await using var gateway = await GatewayProcess.StartAsync(Configs.TwoProviders(
            upstream.BaseAddress,
            upstream.BaseAddress,
            PatientPipeline,
            bulwarkExtra: ShutdownSection(drainDelay, drainTimeout)));
        using var client = new HttpClient { BaseAddress = gateway.Address, Timeout = TimeSpan.FromSeconds(60) };
        var requests = Enumerable.Range(0, Concurrent).Select(i => client.GetAsync($"/api/slow/{i}")).ToArray();
        try
        {
            await Poll.UntilAsync(() => upstream.Requests == Concurrent, $"the upstream to hold all {Concurrent} requests", TimeSpan.FromSeconds(30));

            var clock = Stopwatch.StartNew();
            await gateway.TerminateAsync();

            // During the delay: not ready, still alive, on fresh connections.
            await UntilAsync(async () => await StatusOfAsync(gateway.Address, "/health/ready") == HttpStatusCode.ServiceUnavailable, "/health/ready to answer 503", drainDelay);
            var notReadyAfter = clock.Elapsed;
            Assert.Equal(HttpStatusCode.OK, await StatusOfAsync(gateway.Address, "/health/live"));
            Assert.True(clock.Elapsed < drainDelay, $"the readiness checks ran within the drain delay, not {clock.Elapsed}");

            // After the delay: a new request is refused cleanly, never forwarded.
            await UntilAsync(async () => await StatusOfAsync(gateway.Address, "/health/live") != HttpStatusCode.OK, "the gateway to stop taking requests", drainDelay + TimeSpan.FromSeconds(10));
            var refusingAfter = clock.Elapsed;
            Assert.True(refusingAfter >= drainDelay, $"the gateway served normally for the whole drain delay, but refused after {refusingAfter}");
            var late = await StatusOfAsync(gateway.Address, "/api/late");
            Assert.True(late is null or HttpStatusCode.ServiceUnavailable, $"a request after the delay is refused or answered 503, not {late}");
            Assert.Equal(Concurrent, upstream.Requests);

            release.SetResult();
            var responses = await Poll.WithinAsync(Task.WhenAll(requests), "every request in flight to finish", drainTimeout);
            var finishedAfter = clock.Elapsed;
            try
            {
                Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
            }
            finally
            {
                foreach (var response in responses)
                {
                    response.Dispose();
                }
            }

            await gateway.WaitForExitAsync(drainTimeout);
            var exitedAfter = clock.Elapsed;
            Assert.True(gateway.ExitCode == 0, $"exit code {gateway.ExitCode}; output:\n{gateway.OutputTail}");
            Assert.Contains("Drained: every request in flight finished", gateway.Output, StringComparison.Ordinal);
            output.WriteLine($"SIGTERM -> /health/ready 503: {notReadyAfter.TotalMilliseconds:0} ms; refusing: {refusingAfter.TotalMilliseconds:0} ms; {Concurrent} requests done: {finishedAfter.TotalMilliseconds:0} ms; exit 0: {exitedAfter.TotalMilliseconds:0} ms");
        }
        finally
        {
            release.TrySetResult();
        }
    }

    [Fact]
    public async Task Sigterm_RequestOutlastsDrainTimeout_CancelsIt_LogsItsCorrelationId_ExitsThree()
    {
        var drainTimeout = TimeSpan.FromSeconds(1);
        var aborted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var upstream = await Upstream.StartAsync();
        upstream.Behaviour = Upstream.HangUntilAborted(aborted);
        await using var gateway = await GatewayProcess.StartAsync(Configs.TwoProviders(
            upstream.BaseAddress,
            upstream.BaseAddress,
            PatientPipeline,
            bulwarkExtra: ShutdownSection(TimeSpan.Zero, drainTimeout)));

        string correlationId = "drain-" + Guid.NewGuid().ToString("N");
        using var client = new HttpClient { BaseAddress = gateway.Address, Timeout = TimeSpan.FromSeconds(60) };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/forever");
        request.Headers.Add("X-Correlation-ID", correlationId);
        var pending = client.SendAsync(request);
        await Poll.UntilAsync(() => upstream.Requests == 1, "the upstream to hold the request", TimeSpan.FromSeconds(30));

        var clock = Stopwatch.StartNew();
        await gateway.TerminateAsync();
        await gateway.WaitForExitAsync(drainTimeout + TimeSpan.FromSeconds(15));
        var exitedAfter = clock.Elapsed;

        Assert.True(gateway.ExitCode == Bulwark.Gateway.Cli.GatewayCli.DrainTimedOut, $"exit code {gateway.ExitCode}; output:\n{gateway.OutputTail}");
        Assert.Contains(
            gateway.Output.Split('\n'),
            line => line.Contains("Drain timeout: cancelled GET /api/forever", StringComparison.Ordinal) && line.Contains(correlationId, StringComparison.Ordinal));
        await Poll.WithinAsync(aborted.Task, "the upstream call to be cancelled", TimeSpan.FromSeconds(10));
        HttpResponseMessage? answer = null;
        var outcome = await Record.ExceptionAsync(async () => answer = await Poll.WithinAsync(pending, "the client to see the end of its request", TimeSpan.FromSeconds(10)));
        using (answer)
        {
            Assert.True(outcome is HttpRequestException || (answer is not null && answer.StatusCode != HttpStatusCode.OK), $"the cancelled request must not succeed: {outcome}, {answer?.StatusCode}");
        }

        Assert.True(exitedAfter >= drainTimeout, $"the gateway waited the drain timeout before cancelling, but exited after {exitedAfter}");
        output.WriteLine($"SIGTERM -> exit 3: {exitedAfter.TotalMilliseconds:0} ms (drain timeout {drainTimeout.TotalMilliseconds:0} ms)");
    }

    [Fact]
    public void Build_ShutdownOutOfRange_ReportsEveryErrorExactly()
    {
        using var primary = ClosedPort.Open();
        var settings = new GatewayHostSettings(null, Configs.TwoProviders(primary.Address, primary.Address, bulwarkExtra: """
            "Shutdown": { "DrainDelay": "00:05:00.001", "DrainTimeout": "00:00:00.999" },
            """), ["http://127.0.0.1:0"])
        {
            Environment = _ => null,
            EnvironmentOverrides = false,
        };

        var error = Assert.Throws<OptionsValidationException>(() => GatewayHost.Build(settings));

        Assert.Equal(
            [
                "Bulwark:Shutdown:DrainDelay: 00:05:00.0010000 is out of range; allowed 00:00:00 to 00:05:00.",
                "Bulwark:Shutdown:DrainTimeout: 00:00:00.9990000 is out of range; allowed 00:00:01 to 00:10:00.",
            ],
            error.Failures);
    }

    private static string ShutdownSection(TimeSpan delay, TimeSpan timeout) =>
        $$"""
        "Shutdown": { "DrainDelay": "{{delay:c}}", "DrainTimeout": "{{timeout:c}}" },
        """;

    /// <summary>The status of a GET on a fresh connection, or <see langword="null"/> when the connection is refused or reset.</summary>
    private static async Task<HttpStatusCode?> StatusOfAsync(Uri gateway, string path)
    {
        using var client = new HttpClient { BaseAddress = gateway, Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var response = await client.GetAsync(path);
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable && path.StartsWith("/api/", StringComparison.Ordinal))
            {
                var problem = await Problem.ReadAsync(response);
                Assert.Equal("urn:bulwark:problem:shutting-down", problem.GetProperty("type").GetString());
                Assert.NotNull(response.Headers.RetryAfter);
            }

            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    private static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        while (!await condition())
        {
            if (deadline.Elapsed > timeout)
            {
                Assert.Fail($"Timed out after {timeout.TotalSeconds:0.#} s waiting for: {what}");
            }

            await timer.WaitForNextTickAsync();
        }
    }
}
