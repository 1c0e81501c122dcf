using Bulwark.Gateway.Forwarding;
using Bulwark.Gateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Gateway.Tests.Hosting;

/// <summary>
/// The drain's refusal on a kept-alive connection, in-process. Once the drain delay is over the gateway refuses and
/// Kestrel stops at the same moment, closing connections that sit idle; a request that has already begun on a kept-alive
/// connection is still read to its end, and it is that request which gets 503 problem+json with <c>Retry-After</c>
/// (the process test only sees fresh connections refused at the socket).
/// </summary>
public class DrainRefusalTests
{
    [Fact]
    public async Task Refusing_RequestOnKeptAliveConnection_Gets503ProblemWithRetryAfter_ClosesIt_AndTheRequestInFlightFinishes()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var upstream = await Upstream.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.TwoProviders(upstream.BaseAddress, upstream.BaseAddress));
        using var connection = await RawConnection.OpenAsync(gateway.BaseAddress);
        var first = await connection.GetAsync("/api/first");
        Assert.Equal(200, first.Status);

        upstream.Behaviour = async (context, n) =>
        {
            await release.Task;
            await Upstream.Ok(context, n);
        };
        var held = gateway.Client.GetAsync("/api/held");
        try
        {
            await Poll.UntilAsync(() => upstream.Requests == 2, "the upstream to hold the second request");

            // The drain's switch alone (what it flips once its delay is over), without stopping the server.
            gateway.Services.GetRequiredService<InFlightRequests>().Refuse();
            var refused = await connection.GetAsync("/api/late");

            Assert.Equal(503, refused.Status);
            Assert.Equal("application/problem+json", refused.Values("Content-Type").Single());
            Assert.True(int.Parse(refused.Values("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) > 0);
            Assert.Equal("close", refused.Values("Connection").Single());
            Assert.Contains("\"type\":\"urn:bulwark:problem:shutting-down\"", refused.Body, StringComparison.Ordinal);
            Assert.True(await connection.IsClosedByServerAsync(), "the gateway closes the connection after refusing");
            Assert.Equal(2, upstream.Requests);

            release.SetResult();
            using var finished = await Poll.WithinAsync(held, "the request in flight to finish");
            Assert.Equal(System.Net.HttpStatusCode.OK, finished.StatusCode);
        }
        finally
        {
            release.TrySetResult();
        }
    }

    [Fact]
    public async Task Drain_RequestStartedOnKeptAliveConnection_FinishedAfterTheDelay_Gets503ProblemWithRetryAfter()
    {
        await using var upstream = await Upstream.StartAsync();
        using var file = ConfigFile.Create(Configs.TwoProviders(upstream.BaseAddress, upstream.BaseAddress, bulwarkExtra: """
            "Shutdown": { "DrainDelay": "00:00:00", "DrainTimeout": "00:00:10" },
            """));
        await using var gateway = await GatewayUnderTest.StartFromFileAsync(file.Path, drainOnShutdown: true);
        using var connection = await RawConnection.OpenAsync(gateway.BaseAddress);
        Assert.Equal(200, (await connection.GetAsync("/api/first")).Status);

        // The next request has begun on the kept-alive connection when the drain starts, and ends after it refuses.
        await connection.WriteAsync("GET /api/late HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var stopping = gateway.StopAsync(deadline.Token);
        var inFlight = gateway.Services.GetRequiredService<InFlightRequests>();
        await Poll.UntilAsync(() => inFlight.IsRefusing, "the drain to start refusing");
        await connection.WriteAsync("\r\n");
        var refused = await connection.ReadResponseAsync();

        Assert.Equal(503, refused.Status);
        Assert.Equal("application/problem+json", refused.Values("Content-Type").Single());
        Assert.NotEmpty(refused.Values("Retry-After"));
        Assert.Contains("\"type\":\"urn:bulwark:problem:shutting-down\"", refused.Body, StringComparison.Ordinal);
        Assert.Equal(1, upstream.Requests);
        await Poll.WithinAsync(stopping, "the drain to finish");
    }
}
