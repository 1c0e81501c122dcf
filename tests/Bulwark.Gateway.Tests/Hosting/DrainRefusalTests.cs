using Bulwark.Gateway.Hosting;
using Bulwark.Gateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Gateway.Tests.Hosting;

/// <summary>
/// The drain's refusal, in-process: once the drain delay is over, a request arriving on a connection kept alive is
/// answered 503 problem+json with <c>Retry-After</c> and the connection closed, while a request already in flight
/// finishes. The process test cannot reach this path: Kestrel stops listening, and closes idle connections, at the
/// moment the refusal starts, so its late request is refused at the socket instead.
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

            // What the drain does once its delay is over, before the server stops.
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
}
