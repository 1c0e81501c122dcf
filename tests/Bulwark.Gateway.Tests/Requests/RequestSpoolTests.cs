using System.Net;
using Bulwark.Gateway.Tests.Infrastructure;

namespace Bulwark.Gateway.Tests.Requests;

/// <summary>
/// Bodies too large for memory, spooled as they arrive so that every attempt and failover re-sends them, against real
/// Kestrel providers that hash what they store; the spool directory is one of the test's own, checked empty afterwards.
/// </summary>
public sealed class RequestSpoolTests : IDisposable
{
    private const long MiB = 1024 * 1024;

    private readonly string _spool = Directory.CreateTempSubdirectory("bulwark-spool-test-").FullName;

    public void Dispose() => Directory.Delete(_spool, recursive: true);

    internal static string Config(Uri primary, Uri secondary, string spoolDirectory, string extra = "", long maxBodyBytes = 300 * MiB, string? pipeline = null) => $$"""
        {
          "Bulwark": {
            "MaxBufferedBodyBytes": 65536,
            "Limits": { "MaxRequestBodyBytes": {{maxBodyBytes}} },
            "Spool": { "Directory": "{{spoolDirectory}}" {{extra}} },
            "Pipelines": {
              "default": {{pipeline ?? """
                {
                  "Retry": { "MaxRetries": 2, "Backoff": "Constant", "Jitter": "None", "BaseDelay": "00:00:00" },
                  "CircuitBreaker": { "Mode": "ConsecutiveFailures", "FailureThreshold": 50, "BreakDuration": "00:00:30" },
                  "Timeout": { "Attempt": "00:01:00", "Total": "00:02:00" }
                }
                """}}
            },
            "Providers": {
              "primary":   { "BaseUrl": "{{primary.ToString().TrimEnd('/')}}" },
              "secondary": { "BaseUrl": "{{secondary.ToString().TrimEnd('/')}}" }
            },
            "Routes": [
              { "Path": "/bucket/{**key}", "Providers": [ "primary", "secondary" ], "Timeout": "00:02:00" }
            ]
          }
        }
        """;

    [Fact]
    public async Task Put_200MB_ProviderResetsAtHalf_RetriedFromTheSpool_StoredByteIdentical_TempFilesGone()
    {
        const long length = 200 * MiB;
        await using var primary = await HashingUpstream.StartAsync();
        await using var secondary = await HashingUpstream.StartAsync();
        // The first attempt is cut at 50%; the retry (the same provider) is taken whole.
        primary.ResetAfter = (n, _) => n == 1 ? length / 2 : null;
        await using var gateway = await GatewayUnderTest.StartAsync(Config(primary.BaseAddress, secondary.BaseAddress, _spool));
        string expected = PatternContent.Sha256Of(length, seed: 17);

        using var response = await gateway.Client.PutAsync("/bucket/videos/big.bin", new PatternContent(length, seed: 17));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("X-Bulwark-Retry"));
        Assert.Equal("2", response.Headers.GetValues("X-Bulwark-Attempts").Single());
        Assert.Equal(expected, primary.StoredHash("/bucket/videos/big.bin"));
        Assert.Equal(2, primary.Requests);
        Assert.Equal(0, secondary.Requests);
        Assert.True(primary.BytesReceived >= length + (length / 2), $"received {primary.BytesReceived}");
        await Poll.UntilAsync(() => Directory.GetFiles(_spool).Length == 0, "the spool file to be removed");
    }

    [Fact]
    public async Task Put_FirstProviderResetsTwice_FailsOverWithTheWholeBody()
    {
        const long length = 8 * MiB;
        await using var primary = await HashingUpstream.StartAsync();
        await using var secondary = await HashingUpstream.StartAsync();
        primary.ResetAfter = (_, _) => MiB;
        var pipeline = """{ "Retry": { "MaxRetries": 1, "Backoff": "Constant", "Jitter": "None", "BaseDelay": "00:00:00" } }""";
        await using var gateway = await GatewayUnderTest.StartAsync(Config(primary.BaseAddress, secondary.BaseAddress, _spool, pipeline: pipeline));

        using var response = await gateway.Client.PutAsync("/bucket/a.bin", new PatternContent(length, seed: 3));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("secondary", response.Headers.GetValues("X-Bulwark-Provider").Single());
        Assert.Equal(2, primary.Requests);
        Assert.Equal(PatternContent.Sha256Of(length, 3), secondary.StoredHash("/bucket/a.bin"));
        await Poll.UntilAsync(() => Directory.GetFiles(_spool).Length == 0, "the spool file to be removed");
    }

    [Fact]
    public async Task Put_FirstBytesReachTheProvider_BeforeTheClientHasSentTheRest()
    {
        const long length = 16 * MiB;
        await using var primary = await HashingUpstream.StartAsync();
        await using var secondary = await HashingUpstream.StartAsync();
        var firstBytes = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        primary.FirstBytes = _ => firstBytes.TrySetResult();
        await using var gateway = await GatewayUnderTest.StartAsync(Config(primary.BaseAddress, secondary.BaseAddress, _spool));
        var content = new PatternContent(length, seed: 5) { PauseAt = 2 * MiB };

        var sending = gateway.Client.PutAsync("/bucket/stream.bin", content);

        // The client holds back all but its first 2 MiB until the provider has bytes: a gateway that waited for the
        // whole body before the first attempt would never get here.
        await Poll.WithinAsync(content.Paused.Task.ContinueWith(_ => true), "the client to pause mid-body");
        await Poll.WithinAsync(firstBytes.Task.ContinueWith(_ => true), "the provider's first bytes while the client is still sending");
        content.Resume.SetResult(true);
        using var response = await Poll.WithinAsync(sending, "the upload to end", TimeSpan.FromSeconds(60));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(PatternContent.Sha256Of(length, 5), primary.StoredHash("/bucket/stream.bin"));
    }

    [Fact]
    public async Task Put_ProviderResetsWhileTheClientIsStillSending_TheRetryReadsTheSpoolAndWaitsThereForTheRest()
    {
        const long length = 12 * MiB;
        await using var primary = await HashingUpstream.StartAsync();
        await using var secondary = await HashingUpstream.StartAsync();
        // The first attempt is cut after 1 MiB; the retry reads the spool from its start and then waits there for the
        // client's next bytes (it cannot read the client's body again): the client is held at 8 MiB until the retry has
        // received all 8, and only then sends the rest.
        primary.ResetAfter = (n, _) => n == 1 ? MiB : null;
        await using var gateway = await GatewayUnderTest.StartAsync(Config(primary.BaseAddress, secondary.BaseAddress, _spool));
        var content = new PatternContent(length, seed: 9);
        var first = content.AddPause(3 * MiB);
        var second = content.AddPause(8 * MiB);

        var sending = gateway.Client.PutAsync("/bucket/slow.bin", content);
        await Poll.WithinAsync(first.Paused.Task.ContinueWith(_ => true), "the client to pause at 3 MiB");
        await Poll.UntilAsync(() => primary.ReceivedBy(1) >= MiB, "the first attempt to be cut");
        // The cut is seen by the gateway when its next bytes go out: the client sends them.
        first.Resume.SetResult(true);
        await Poll.WithinAsync(second.Paused.Task.ContinueWith(_ => true), "the client to pause at 8 MiB");
        try
        {
            await Poll.UntilAsync(() => primary.ReceivedBy(2) == 8 * MiB, "the retry to receive all the spool holds while the client is paused", TimeSpan.FromSeconds(60));
        }
        catch (Exception e)
        {
            // What the attempts got, to tell a retry that never started from one stuck on the spool.
            throw new InvalidOperationException($"The retry received {primary.ReceivedBy(2)} of {8 * MiB} bytes; attempts at the primary: {primary.Requests}, the first received {primary.ReceivedBy(1)}; attempts at the secondary: {secondary.Requests}.", e);
        }
        Assert.False(sending.IsCompleted);
        second.Resume.SetResult(true);
        using var response = await Poll.WithinAsync(sending, "the upload to end", TimeSpan.FromSeconds(60));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(PatternContent.Sha256Of(length, 9), primary.StoredHash("/bucket/slow.bin"));
        Assert.Equal(2, primary.Requests);
        Assert.Equal(length, primary.ReceivedBy(2));
    }

    [Fact]
    public async Task Put_ClientAbortsMidBody_NothingIsRetried_AndTheSpoolFileIsRemoved()
    {
        const long length = 32 * MiB;
        await using var primary = await HashingUpstream.StartAsync();
        await using var secondary = await HashingUpstream.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Config(primary.BaseAddress, secondary.BaseAddress, _spool));
        var content = new PatternContent(length, seed: 11) { PauseAt = 4 * MiB };

        var sending = gateway.Client.PutAsync("/bucket/abandoned.bin", content);
        await Poll.WithinAsync(content.Paused.Task.ContinueWith(_ => true), "the client to pause mid-body");
        await Poll.UntilAsync(() => Directory.GetFiles(_spool).Length == 1, "the spool file to exist while the body arrives");
        await Poll.UntilAsync(() => primary.ReceivedBy(1) > 0, "the first attempt to stream the body to the provider");
        content.Resume.SetResult(false);
        await Assert.ThrowsAnyAsync<Exception>(() => sending);

        await Poll.UntilAsync(() => gateway.ActiveRequests == 0, "the gateway to finish the request");
        await Poll.UntilAsync(() => Directory.GetFiles(_spool).Length == 0, "the spool file to be removed");
        Assert.Equal(1, primary.Requests);
        Assert.Equal(0, secondary.Requests);
        Assert.Null(primary.StoredHash("/bucket/abandoned.bin"));
    }

    [Fact]
    public async Task Put_BodyOverTheSpoolCap_Is507Problem_NothingIsSent()
    {
        await using var primary = await HashingUpstream.StartAsync();
        await using var secondary = await HashingUpstream.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Config(primary.BaseAddress, secondary.BaseAddress, _spool, extra: """, "MaxBytes": 1048576"""));

        using var response = await gateway.Client.PutAsync("/bucket/too-big.bin", new PatternContent(2 * MiB, seed: 1));

        Assert.Equal(HttpStatusCode.InsufficientStorage, response.StatusCode);
        var problem = await Problem.ReadAsync(response);
        Assert.Equal("urn:bulwark:problem:spool-full", problem.GetProperty("type").GetString());
        Assert.Contains("Nothing was sent to a provider", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.True(problem.GetProperty("retryable").GetBoolean());
        Assert.Equal(0, primary.Requests);
        Assert.Equal(0, secondary.Requests);
        Assert.Empty(Directory.GetFiles(_spool));

        // A body that fits the cap is spooled and served as usual.
        using var fits = await gateway.Client.PutAsync("/bucket/fits.bin", new PatternContent(MiB, seed: 2));
        Assert.Equal(HttpStatusCode.OK, fits.StatusCode);
    }

    [Fact]
    public async Task Put_ChunkedBodyOutgrowsTheSpoolCap_Is507_NothingMoreIsSent_NorRetried()
    {
        await using var primary = await HashingUpstream.StartAsync();
        await using var secondary = await HashingUpstream.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Config(primary.BaseAddress, secondary.BaseAddress, _spool, extra: """, "MaxBytes": 1048576"""));

        using var response = await gateway.Client.PutAsync("/bucket/chunked.bin", new PatternContent(4 * MiB, seed: 4, chunked: true));

        Assert.Equal(HttpStatusCode.InsufficientStorage, response.StatusCode);
        var problem = await Problem.ReadAsync(response);
        Assert.Equal("urn:bulwark:problem:spool-full", problem.GetProperty("type").GetString());
        // The cap may be reached before the first attempt sends anything, or during it: never a second attempt.
        Assert.True(primary.Requests <= 1);
        Assert.Equal(0, secondary.Requests);
        Assert.Null(primary.StoredHash("/bucket/chunked.bin"));
        await Poll.UntilAsync(() => Directory.GetFiles(_spool).Length == 0, "the spool file to be removed");
    }

    [Fact]
    public async Task Put_ChunkedBody_SpooledAndReplayed_ByteIdentical()
    {
        const long length = 6 * MiB;
        await using var primary = await HashingUpstream.StartAsync();
        await using var secondary = await HashingUpstream.StartAsync();
        primary.ResetAfter = (n, _) => n == 1 ? 3 * MiB : null;
        await using var gateway = await GatewayUnderTest.StartAsync(Config(primary.BaseAddress, secondary.BaseAddress, _spool));

        using var response = await gateway.Client.PutAsync("/bucket/chunked.bin", new PatternContent(length, seed: 6, chunked: true));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(PatternContent.Sha256Of(length, 6), primary.StoredHash("/bucket/chunked.bin"));
        Assert.Equal(2, primary.Requests);
    }

    [Fact]
    public async Task Put_ChunkedBodyOverMaxReplayableBodyBytes_Is413()
    {
        await using var primary = await HashingUpstream.StartAsync();
        await using var secondary = await HashingUpstream.StartAsync();
        string config = Config(primary.BaseAddress, secondary.BaseAddress, _spool).Replace("\"MaxBufferedBodyBytes\": 65536,", "\"MaxBufferedBodyBytes\": 65536, \"MaxReplayableBodyBytes\": 1048576,", StringComparison.Ordinal);
        await using var gateway = await GatewayUnderTest.StartAsync(config);

        using var response = await gateway.Client.PutAsync("/bucket/chunked.bin", new PatternContent(3 * MiB, seed: 7, chunked: true));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Null(primary.StoredHash("/bucket/chunked.bin"));
        Assert.Equal(0, secondary.Requests);
    }

    [Fact]
    public async Task Put_BodyOverMaxReplayableBodyBytes_StreamsOnce_AndSaysSo()
    {
        await using var primary = await HashingUpstream.StartAsync();
        await using var secondary = await HashingUpstream.StartAsync();
        primary.ResetAfter = (_, _) => MiB;
        string config = Config(primary.BaseAddress, secondary.BaseAddress, _spool).Replace("\"MaxBufferedBodyBytes\": 65536,", "\"MaxBufferedBodyBytes\": 65536, \"MaxReplayableBodyBytes\": 1048576,", StringComparison.Ordinal);
        await using var gateway = await GatewayUnderTest.StartAsync(config);

        using var response = await gateway.Client.PutAsync("/bucket/once.bin", new PatternContent(3 * MiB, seed: 8));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("never retried", response.Headers.GetValues("X-Bulwark-Retry").Single(), StringComparison.Ordinal);
        Assert.Equal(1, primary.Requests);
        Assert.Equal(0, secondary.Requests);
        Assert.Empty(Directory.GetFiles(_spool));
    }
}
