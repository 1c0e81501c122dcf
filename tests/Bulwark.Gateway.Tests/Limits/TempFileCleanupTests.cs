using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Bulwark.Gateway.Tests.Infrastructure;

namespace Bulwark.Gateway.Tests.Limits;

/// <summary>
/// Bodies past 64 KiB are buffered in a temporary file; each test gives the gateway a directory of its own, so it sees
/// exactly the files its requests made, and checks that they are gone however the request ended.
/// </summary>
public sealed class TempFileCleanupTests : IDisposable
{
    private const int BodySize = 200 * 1024;

    private readonly string _directory = Directory.CreateTempSubdirectory("bulwark-limits-tests-").FullName;

    private int _filesSeenByProvider;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Put_LargeBufferedBody_Ok_TemporaryFileIsDeleted()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        primary.Behaviour = RecordFilesThen(Upstream.Ok);
        await using var gateway = await StartAsync(primary, secondary);

        using var response = await gateway.Client.PutAsync("/api/files/1", new ByteArrayContent(new byte[BodySize]));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, Volatile.Read(ref _filesSeenByProvider));
        await AssertNoTemporaryFileRemainsAsync(gateway);
    }

    [Fact]
    public async Task Put_LargeBufferedBody_ProvidersFail503_TemporaryFileIsDeletedAfterRetries()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        primary.Behaviour = RecordFilesThen(Upstream.Status(503));
        secondary.Behaviour = RecordFilesThen(Upstream.Status(503));
        await using var gateway = await StartAsync(primary, secondary);

        using var response = await gateway.Client.PutAsync("/api/files/2", new ByteArrayContent(new byte[BodySize]));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal(3, primary.Requests);
        Assert.Equal(3, secondary.Requests);
        Assert.Equal(1, Volatile.Read(ref _filesSeenByProvider));
        await AssertNoTemporaryFileRemainsAsync(gateway);
    }

    [Fact]
    public async Task Put_ClientCancelsMidBody_TemporaryFileIsDeleted()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        await using var gateway = await StartAsync(primary, secondary);

        using (var client = new TcpClient())
        {
            await client.ConnectAsync(gateway.BaseAddress.Host, gateway.BaseAddress.Port);
            var stream = client.GetStream();
            string head = $"PUT /api/files/3 HTTP/1.1\r\nHost: {gateway.BaseAddress.Authority}\r\nContent-Length: {BodySize.ToString(CultureInfo.InvariantCulture)}\r\n\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
            await stream.WriteAsync(new byte[BodySize / 2]);
            await stream.FlushAsync();

            // Half the body is past the 64 KiB threshold: the file exists before the client goes.
            await Poll.UntilAsync(() => Directory.GetFiles(_directory).Length == 1, "the body to spill to a temporary file");
            client.Client.Close(0);
        }

        await AssertNoTemporaryFileRemainsAsync(gateway);
        Assert.Equal(0, primary.Requests);
    }

    private Task<GatewayUnderTest> StartAsync(Upstream primary, Upstream secondary) => GatewayUnderTest.StartAsync(
        Configs.TwoProviders(primary.BaseAddress, secondary.BaseAddress, bulwarkExtra: """ "MaxBufferedBodyBytes": 1048576, """),
        bodyBufferDirectory: _directory);

    private Func<Microsoft.AspNetCore.Http.HttpContext, int, Task> RecordFilesThen(Func<Microsoft.AspNetCore.Http.HttpContext, int, Task> behaviour) => (context, n) =>
    {
        int files = Directory.GetFiles(_directory).Length;
        int seen;
        do
        {
            seen = Volatile.Read(ref _filesSeenByProvider);
        }
        while (files > seen && Interlocked.CompareExchange(ref _filesSeenByProvider, files, seen) != seen);

        return behaviour(context, n);
    };

    private async Task AssertNoTemporaryFileRemainsAsync(GatewayUnderTest gateway)
    {
        await gateway.WaitUntilIdleAsync();
        await Poll.UntilAsync(() => Directory.GetFiles(_directory).Length == 0, "every temporary body file to be deleted");
        Assert.Empty(Directory.GetFiles(_directory));
    }
}
