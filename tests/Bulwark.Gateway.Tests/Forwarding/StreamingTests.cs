using System.Net;
using System.Text;
using Bulwark.Gateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Bulwark.Gateway.Tests.Forwarding;

public class StreamingTests
{
    [Fact]
    public async Task Get_ServerSentEvents_FirstEventReachesClientBeforeUpstreamWritesSecond()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        var clientHasFirst = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        primary.Behaviour = async (context, _) =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync("data: one\n\n", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);

            // Only a gateway that passed the first event on unbuffered lets the client signal this.
            await clientHasFirst.Task.WaitAsync(Poll.DefaultTimeout, context.RequestAborted);
            await context.Response.WriteAsync("data: two\n\n", context.RequestAborted);
        };
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.TwoProviders(primary.BaseAddress, secondary.BaseAddress));

        using var response = await gateway.Client.GetAsync("/api/stream", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        await using var body = await response.Content.ReadAsStreamAsync();

        var first = await Poll.WithinAsync(ReadUntilAsync(body, "data: one\n\n"), "the first event while the upstream holds the second back");
        Assert.Equal("data: one\n\n", first);
        clientHasFirst.SetResult();
        var rest = await Poll.WithinAsync(new StreamReader(body).ReadToEndAsync(), "the rest of the stream");
        Assert.Equal("data: two\n\n", rest);
    }

    [Fact]
    public async Task Get_StreamOutlivingEveryTimeout_IsNotCut()
    {
        // Timeouts bound the wait for an answer, not how long an answer may stream: an LLM token stream or SSE feed
        // can run far longer than the attempt, pipeline and route timeouts.
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        var timeouts = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        primary.Behaviour = async (context, _) =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync("data: one\n\n", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await timeouts.Task.WaitAsync(Poll.DefaultTimeout, context.RequestAborted);
            await context.Response.WriteAsync("data: two\n\n", context.RequestAborted);
        };
        const string pipeline = """
            { "Timeout": { "Attempt": "00:00:01", "Total": "00:00:02" } }
            """;
        await using var gateway = await GatewayUnderTest.StartAsync(
            Configs.TwoProviders(primary.BaseAddress, secondary.BaseAddress, pipeline, routeExtra: ", \"Timeout\": \"00:00:05\""),
            timeProvider: time);

        using var response = await gateway.Client.GetAsync("/api/stream", HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();
        Assert.Equal("data: one\n\n", await Poll.WithinAsync(ReadUntilAsync(body, "data: one\n\n"), "the first event"));

        time.Advance(TimeSpan.FromMinutes(1)); // past the attempt, pipeline and route timeouts
        timeouts.SetResult();
        var rest = await Poll.WithinAsync(new StreamReader(body).ReadToEndAsync(), "the rest of the stream");
        Assert.Equal("data: two\n\n", rest);
        Assert.Equal(1, primary.Requests);
    }

    [Fact]
    public async Task Get_UpstreamCutsStreamMidBody_ClientSeesAnErrorNotACleanEnd()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        var clientHasPartial = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        primary.Behaviour = async (context, _) =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync("data: partial\n\n", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);

            // Cut only once the response is committed to the client: before that, a reset is a retryable attempt.
            await clientHasPartial.Task.WaitAsync(Poll.DefaultTimeout, context.RequestAborted);
            context.Abort();
        };
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.TwoProviders(primary.BaseAddress, secondary.BaseAddress));

        using var response = await gateway.Client.GetAsync("/api/stream", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var body = await response.Content.ReadAsStreamAsync();
        Assert.Equal("data: partial\n\n", await Poll.WithinAsync(ReadUntilAsync(body, "data: partial\n\n"), "the partial stream"));
        clientHasPartial.SetResult();

        var error = await Poll.WithinAsync(
            Assert.ThrowsAnyAsync<IOException>(() => new StreamReader(body).ReadToEndAsync()),
            "the cut stream to surface");
        Assert.NotNull(error);
        Assert.Equal(1, primary.Requests);
        Assert.Equal(0, secondary.Requests);
    }

    private static async Task<string> ReadUntilAsync(Stream stream, string expected)
    {
        var text = new StringBuilder();
        var buffer = new byte[256];
        while (text.Length < expected.Length)
        {
            int read = await stream.ReadAsync(buffer);
            if (read == 0)
            {
                break;
            }

            text.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }

        return text.ToString();
    }
}
