using System.Net;
using Bulwark.Gateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Bulwark.Gateway.Tests.Uploads;

/// <summary>A failed step of an S3 multipart upload, followed by AbortMultipartUpload at a Kestrel provider that records it.</summary>
public class MultipartAbortTests
{
    private static string Config(Uri provider, bool abort = true, string pipeline = Configs.FastPipeline) => $$"""
        {
          "Bulwark": {
            "Pipelines": { "default": {{pipeline}} },
            "Providers": { "s3": { "BaseUrl": "{{provider.ToString().TrimEnd('/')}}", "Headers": { "X-Provider-Token": { "Value": "configured" } },
                                   "Auth": { "Type": "Header", "HeaderName": "X-Storage-Key", "Format": "{0}", "ValueFromEnvironment": "STORAGE_KEY" } } },
            "Routes": [ { "Path": "/{bucket}/{**key}", "Providers": [ "s3" ] {{(abort ? """, "Uploads": { "AbortMultipartOnFailure": true }""" : string.Empty)}} } ]
          }
        }
        """;

    private static readonly Dictionary<string, string> Key = new() { ["STORAGE_KEY"] = "storage-key" };

    private static Func<HttpContext, int, Task> PartsFailAbortSucceeds => (context, _) =>
    {
        context.Response.StatusCode = HttpMethods.IsDelete(context.Request.Method) ? StatusCodes.Status204NoContent : StatusCodes.Status503ServiceUnavailable;
        return Task.CompletedTask;
    };

    [Fact]
    public async Task UploadPart_FailsAfterEveryRetry_TheUploadIsAbortedAtTheProvider()
    {
        await using var s3 = await Upstream.StartAsync();
        s3.Behaviour = PartsFailAbortSucceeds;
        var logs = new RecordingLoggerProvider();
        await using var gateway = await GatewayUnderTest.StartAsync(Config(s3.BaseAddress), Key, logs: logs, minimumLogLevel: LogLevel.Information);

        using var response = await gateway.Client.PutAsync("/photos/2026/big%20file.jpg?partNumber=3&uploadId=VXBsb2FkIElE", new ByteArrayContent(new byte[1000]));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("aborted at s3 (204)", response.Headers.GetValues("X-Bulwark-Multipart-Abort").Single());
        var received = s3.Snapshot();
        Assert.Equal(["PUT", "PUT", "PUT", "DELETE"], received.Select(r => r.Method));
        var abort = received[^1];
        Assert.Equal("/photos/2026/big%20file.jpg?uploadId=VXBsb2FkIElE", abort.RawTarget);
        Assert.Equal("configured", abort.Headers["X-Provider-Token"]);
        Assert.Equal("storage-key", abort.Headers["X-Storage-Key"]); // the provider's Auth, as on every attempt
        Assert.Empty(abort.Body);
        var line = Assert.Single(logs.WithEventId(2055));
        Assert.Contains("VXBsb2FkIElE aborted at provider s3 (204)", line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CompleteMultipartUpload_Fails_AbortFails_ItIsSaidAndLogged()
    {
        await using var s3 = await Upstream.StartAsync();
        s3.Behaviour = Upstream.Status(500);
        var logs = new RecordingLoggerProvider();
        await using var gateway = await GatewayUnderTest.StartAsync(Config(s3.BaseAddress), Key, logs: logs, minimumLogLevel: LogLevel.Information);

        using var response = await gateway.Client.PostAsync("/photos/a.jpg?uploadId=abc", new StringContent("<CompleteMultipartUpload/>"));

        Assert.Equal("failed at s3 (500)", response.Headers.GetValues("X-Bulwark-Multipart-Abort").Single());
        Assert.Equal("DELETE", s3.Snapshot()[^1].Method);
        Assert.Contains("could not be aborted at provider s3: it answered 500", Assert.Single(logs.WithEventId(2056)).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true, "/photos/a.jpg", 503)] // not a multipart step
    [InlineData(false, "/photos/a.jpg?uploadId=abc", 503)] // the route does not ask for it
    [InlineData(true, "/photos/a.jpg?uploadId=abc", 200)] // the step succeeded
    public async Task NoAbort_WhenNotAFailedMultipartStepOfARouteThatAsks(bool abort, string target, int status)
    {
        await using var s3 = await Upstream.StartAsync();
        s3.Behaviour = Upstream.Status(status);
        await using var gateway = await GatewayUnderTest.StartAsync(Config(s3.BaseAddress, abort), Key);

        using var response = await gateway.Client.PutAsync(target, new ByteArrayContent(new byte[10]));

        Assert.False(response.Headers.Contains("X-Bulwark-Multipart-Abort"));
        Assert.DoesNotContain(s3.Snapshot(), r => r.Method == "DELETE");
    }
}
