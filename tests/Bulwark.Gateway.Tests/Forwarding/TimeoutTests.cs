using System.Diagnostics;
using System.Net;
using Bulwark.Gateway.Tests.Infrastructure;

namespace Bulwark.Gateway.Tests.Forwarding;

public class TimeoutTests
{
    [Fact]
    public async Task Get_UpstreamHangs_RouteTimeout_Returns504AndAbortsTheUpstreamRequest()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        var aborted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        primary.Behaviour = Upstream.HangUntilAborted(aborted);
        await using var gateway = await GatewayUnderTest.StartAsync(
            Configs.TwoProviders(primary.BaseAddress, secondary.BaseAddress, routeExtra: ""","Timeout": "00:00:01" """));

        var clock = Stopwatch.StartNew();
        using var response = await Poll.WithinAsync(gateway.Client.GetAsync("/api/slow"), "the 504", TimeSpan.FromSeconds(10));

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(10));
        var problem = await Problem.ReadAsync(response);
        Assert.Equal("urn:bulwark:problem:timeout", problem.GetProperty("type").GetString());
        Assert.True(problem.GetProperty("retryable").GetBoolean());
        await Poll.WithinAsync(aborted.Task, "the upstream to see its request aborted");
        Assert.Equal(1, primary.Requests);
        Assert.Equal(0, secondary.Requests);
    }

    [Fact]
    public async Task Get_EveryUpstreamHangs_PipelineTimeout_Returns504()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        var primaryAborted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var secondaryAborted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        primary.Behaviour = Upstream.HangUntilAborted(primaryAborted);
        secondary.Behaviour = Upstream.HangUntilAborted(secondaryAborted);
        const string pipeline = """
            {
              "Retry": { "MaxRetries": 1, "Backoff": "Constant", "Jitter": "None", "BaseDelay": "00:00:00" },
              "Timeout": { "Attempt": "00:00:00.300", "Total": "00:00:02" }
            }
            """;
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.TwoProviders(primary.BaseAddress, secondary.BaseAddress, pipeline));

        using var response = await Poll.WithinAsync(gateway.Client.GetAsync("/api/slow"), "the 504", TimeSpan.FromSeconds(10));

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        var problem = await Problem.ReadAsync(response);
        Assert.Equal("urn:bulwark:problem:timeout", problem.GetProperty("type").GetString());
        Assert.Equal("4", response.Headers.GetValues("X-Bulwark-Attempts").Single());

        // Each provider: two attempts, each cut by the attempt timeout.
        var attempts = problem.GetProperty("attempts").EnumerateArray().ToList();
        Assert.Equal(["primary", "primary", "secondary", "secondary"], attempts.Select(a => a.GetProperty("provider").GetString()));
        Assert.All(attempts, a => Assert.Equal("timeout", a.GetProperty("outcome").GetString()));
        Assert.Equal(2, primary.Requests);
        Assert.Equal(2, secondary.Requests);
        await Poll.WithinAsync(Task.WhenAll(primaryAborted.Task, secondaryAborted.Task), "both upstreams to see their requests aborted");
    }
}
