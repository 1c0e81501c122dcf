using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Bulwark.Gateway.ProviderAuth;
using Bulwark.Gateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;

namespace Bulwark.Gateway.Tests.ProviderAuth;

/// <summary>
/// <c>AwsSigV4</c> through the gateway against a real S3-compatible server that checks every signature (s3rver), and
/// against recording upstreams for what the server does not check (the body's hash).
/// </summary>
public class AwsSigV4Tests
{
    [Fact]
    public async Task PutThenGet_ThroughTheGateway_SignedForTheStoresHost_IsByteIdentical()
    {
        await using var s3 = await S3rverServer.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(StoreConfig(s3.BaseAddress), SecretEnvironment(S3rverServer.SecretAccessKey));
        byte[] payload = RandomNumberGenerator.GetBytes(300_000);

        using var put = await gateway.Client.PutAsync($"/{S3rverServer.Bucket}/clips/take%201.bin", new ByteArrayContent(payload));
        Assert.True(put.StatusCode == HttpStatusCode.OK, await put.Content.ReadAsStringAsync());
        using var get = await gateway.Client.GetAsync($"/{S3rverServer.Bucket}/clips/take%201.bin");

        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(SHA256.HashData(payload), SHA256.HashData(await get.Content.ReadAsByteArrayAsync()));
    }

    [Fact]
    public async Task SpooledUpload_FirstProviderCutsItThreeTimes_FailsOverSignedForTheStore_StoredByteIdentical()
    {
        await using var s3 = await S3rverServer.StartAsync();
        await using var cutting = await HashingUpstream.StartAsync();
        cutting.ResetAfter = (_, _) => 1024 * 1024;
        string config = StoreConfig(s3.BaseAddress, cutting.BaseAddress, bulwarkExtra: """ "MaxBufferedBodyBytes": 65536, """);
        await using var gateway = await GatewayUnderTest.StartAsync(config, SecretEnvironment(S3rverServer.SecretAccessKey));
        byte[] payload = RandomNumberGenerator.GetBytes(8 * 1024 * 1024);

        // Over the buffer, so spooled and signed as a stream (its hash is not known before it has all arrived); every
        // attempt reads the spool again, the store's included, and the store checks the signature.
        using var put = await gateway.Client.PutAsync($"/{S3rverServer.Bucket}/spooled.bin", new ByteArrayContent(payload));
        Assert.True(put.StatusCode == HttpStatusCode.OK, await put.Content.ReadAsStringAsync());
        Assert.Equal(3, cutting.Requests);

        // Read back through a gateway that knows only the store (the first provider would answer the GET itself).
        await using var reader = await GatewayUnderTest.StartAsync(StoreConfig(s3.BaseAddress), SecretEnvironment(S3rverServer.SecretAccessKey));
        using var get = await reader.Client.GetAsync($"/{S3rverServer.Bucket}/spooled.bin");
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(SHA256.HashData(payload), SHA256.HashData(await get.Content.ReadAsByteArrayAsync()));
    }

    [Fact]
    public async Task ListWithAQuery_SignsTheQuery_AndTheStoreAccepts()
    {
        await using var s3 = await S3rverServer.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(StoreConfig(s3.BaseAddress), SecretEnvironment(S3rverServer.SecretAccessKey));
        using (var put = await gateway.Client.PutAsync($"/{S3rverServer.Bucket}/a/caf%C3%A9.txt", new StringContent("x")))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        using var list = await gateway.Client.GetAsync($"/{S3rverServer.Bucket}?list-type=2&prefix=a%2F&max-keys=10");

        string body = await list.Content.ReadAsStringAsync();
        Assert.True(list.StatusCode == HttpStatusCode.OK, body);
        Assert.Contains("<Key>a/café.txt</Key>", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RetriesThenFailover_EachAttemptIsSignedAnew_WithItsOwnDate_ForItsProvidersHost()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var failing = await Upstream.StartAsync();
        failing.Behaviour = (context, _) =>
        {
            // A second passes with each failed attempt: the next one must carry a date (and signature) of its own.
            time.Advance(TimeSpan.FromSeconds(1));
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return Task.CompletedTask;
        };
        await using var s3 = await S3rverServer.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(StoreConfig(s3.BaseAddress, failing.BaseAddress), SecretEnvironment(S3rverServer.SecretAccessKey), timeProvider: time);
        byte[] payload = RandomNumberGenerator.GetBytes(10_000);

        using var put = await gateway.Client.PutAsync($"/{S3rverServer.Bucket}/after-failover.bin", new ByteArrayContent(payload));

        // The store checks the signature of the last attempt: made for its own host, not the failing one's.
        Assert.True(put.StatusCode == HttpStatusCode.OK, await put.Content.ReadAsStringAsync());
        Assert.Equal("4", put.Headers.GetValues("X-Bulwark-Attempts").Single());
        var tried = failing.Snapshot();
        Assert.Equal(3, tried.Length);
        Assert.Equal(3, tried.Select(static r => r.Headers["x-amz-date"]).Distinct().Count());
        Assert.Equal(3, tried.Select(static r => r.Headers["Authorization"]).Distinct().Count());
        using var get = await gateway.Client.GetAsync($"/{S3rverServer.Bucket}/after-failover.bin");
        Assert.Equal(payload, await get.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task WrongSecret_TheStoresSignatureRefusal_ReachesTheClient_SentOnce_AndIsLogged()
    {
        await using var s3 = await S3rverServer.StartAsync();
        var logs = new RecordingLoggerProvider();
        await using var gateway = await GatewayUnderTest.StartAsync(StoreConfig(s3.BaseAddress), SecretEnvironment("not-the-secret"), logs: logs);

        using var put = await gateway.Client.PutAsync($"/{S3rverServer.Bucket}/refused.bin", new ByteArrayContent([1, 2, 3]));

        Assert.Equal(HttpStatusCode.Forbidden, put.StatusCode);
        Assert.Contains("<Code>SignatureDoesNotMatch</Code>", await put.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("1", put.Headers.GetValues("X-Bulwark-Attempts").Single());
        var refused = Assert.Single(logs.WithEventId(EventIds.ProviderCredentialsRejected));
        Assert.Contains("store", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(logs.Records, r => r.Message.Contains("not-the-secret", StringComparison.Ordinal));
    }

    [Fact]
    public async Task BufferedBody_IsSignedWithItsSha256_StreamedBody_WithUnsignedPayload_EmptyWithTheEmptyHash()
    {
        await using var upstream = await Upstream.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(StoreConfig(upstream.BaseAddress, bulwarkExtra: """ "MaxBufferedBodyBytes": 200000, """), SecretEnvironment("secret"));
        byte[] spooled = RandomNumberGenerator.GetBytes(150_000);
        byte[] streamed = RandomNumberGenerator.GetBytes(250_000);

        using (var first = await gateway.Client.PutAsync("/uploads/spooled", new ByteArrayContent(spooled)))
        using (var second = await gateway.Client.PutAsync("/uploads/streamed", new ByteArrayContent(streamed)))
        using (var third = await gateway.Client.GetAsync("/uploads/spooled"))
        {
            Assert.Equal(HttpStatusCode.OK, third.StatusCode);
        }

        var received = upstream.Snapshot();
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(spooled)), received[0].Headers["x-amz-content-sha256"]);
        Assert.Equal("UNSIGNED-PAYLOAD", received[1].Headers["x-amz-content-sha256"]);
        Assert.Equal(AwsSigV4Signer.EmptyPayloadHash, received[2].Headers["x-amz-content-sha256"]);
        Assert.All(received, r => Assert.Matches(@"^\d{8}T\d{6}Z$", r.Headers["x-amz-date"]));
        Assert.All(received, r => Assert.Contains("SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=", r.Headers["Authorization"], StringComparison.Ordinal));
    }

    [Fact]
    public async Task SessionCredentials_SendTheSecurityToken_AndReplaceTheClientsOwnSignature()
    {
        await using var upstream = await Upstream.StartAsync();
        string json = StoreConfig(upstream.BaseAddress).Replace("\"Region\": \"us-east-1\",", "\"Region\": \"eu-west-3\", \"SessionTokenFromEnvironment\": \"S3_SESSION\",", StringComparison.Ordinal);
        await using var gateway = await GatewayUnderTest.StartAsync(json, new Dictionary<string, string> { ["S3_SECRET"] = "secret", ["S3_SESSION"] = "session-token-1" });

        using var request = new HttpRequestMessage(HttpMethod.Get, "/uploads/key");
        request.Headers.Authorization = new AuthenticationHeaderValue("AWS4-HMAC-SHA256", "Credential=CLIENT/20200101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=00");
        request.Headers.Add("x-amz-date", "20200101T000000Z");
        request.Headers.Add("x-amz-meta-origin", "client");
        using var response = await gateway.Client.SendAsync(request);

        var headers = Assert.Single(upstream.Snapshot()).Headers;
        Assert.Equal("session-token-1", headers["x-amz-security-token"]);
        Assert.NotEqual("20200101T000000Z", headers["x-amz-date"]);
        Assert.Matches(@"^AWS4-HMAC-SHA256 Credential=S3RVER/\d{8}/eu-west-3/s3/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-meta-origin;x-amz-security-token, Signature=[0-9a-f]{64}$", headers["Authorization"]);
    }

    internal static Dictionary<string, string> SecretEnvironment(string secret) => new() { ["S3_SECRET"] = secret };

    /// <summary>A route <c>/uploads/{**rest}</c> (the store's bucket) to the store, after <paramref name="first"/> when given, each provider signing with the store's account.</summary>
    internal static string StoreConfig(Uri store, Uri? first = null, string? bulwarkExtra = null)
    {
        const string auth = """
            "Auth": { "Type": "AwsSigV4", "Region": "us-east-1", "AccessKeyId": "S3RVER", "SecretAccessKeyFromEnvironment": "S3_SECRET" }
            """;
        string firstProvider = first is null ? string.Empty : $$""" "first": { "BaseUrl": "{{first.ToString().TrimEnd('/')}}", {{auth}} }, """;
        string providers = first is null ? "\"store\"" : "\"first\", \"store\"";
        return $$"""
            {
              "Bulwark": {
                {{bulwarkExtra}}
                "Pipelines": { "default": {{Configs.FastPipeline}} },
                "Providers": {
                  {{firstProvider}}
                  "store": { "BaseUrl": "{{store.ToString().TrimEnd('/')}}", {{auth}} }
                },
                "Routes": [ { "Path": "/uploads/{**rest}", "Providers": [ {{providers}} ] } ]
              }
            }
            """;
    }
}
