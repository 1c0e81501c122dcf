using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Bulwark.Gateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Bulwark.Gateway.Tests.ProviderAuth;

/// <summary><c>OAuth2ClientCredentials</c> against a real token endpoint (Kestrel) and a provider that checks the bearer token.</summary>
public class OAuth2ClientCredentialsTests
{
    private const string AdminToken = "admin-token-for-provider-auth-tests";

    [Fact]
    public async Task FirstRequest_FetchesATokenByTheClientCredentialsGrant_LaterRequestsReuseIt()
    {
        await using var tokens = await TokenServer.StartAsync();
        await using var provider = await Upstream.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Config(provider.BaseAddress, tokens.Endpoint, """ "Scopes": [ "read", "write" ], "Audience": "https://api.example" """), Secrets);

        for (int i = 0; i < 3; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/items");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "client-own-token");
            using var response = await gateway.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var fetch = Assert.Single(tokens.Snapshot());
        Assert.Equal("client_credentials", fetch.Form["grant_type"]);
        Assert.Equal("read write", fetch.Form["scope"]);
        Assert.Equal("https://api.example", fetch.Form["audience"]);
        Assert.Equal(("gateway-client", "client s3cret:&"), fetch.BasicCredentials());
        Assert.All(provider.Snapshot(), r => Assert.Equal("Bearer token-1", r.Headers["Authorization"]));
    }

    [Fact]
    public async Task HundredConcurrentRequests_WithoutAToken_FetchOneToken()
    {
        await using var tokens = await TokenServer.StartAsync();
        tokens.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var provider = await Upstream.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Config(provider.BaseAddress, tokens.Endpoint, pipeline: """{ "Retry": { "MaxRetries": 0 }, "Bulkhead": { "MaxConcurrency": 200, "QueueLimit": 200 } }"""), Secrets);

        var requests = Enumerable.Range(0, 100).Select(i => gateway.Client.GetAsync($"/api/items/{i}")).ToArray();
        await Poll.UntilAsync(() => gateway.ActiveRequests == 100 && tokens.Requests >= 1, "all 100 requests to wait for the token");
        tokens.Gate.SetResult();
        var responses = await Task.WhenAll(requests);

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(1, tokens.Requests);
        Assert.Equal(100, provider.Requests);
        Assert.All(provider.Snapshot(), r => Assert.Equal("Bearer token-1", r.Headers["Authorization"]));
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task Token_IsRenewedRefreshBeforeExpiryAheadOfItsExpiry_NotEarlier()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var tokens = await TokenServer.StartAsync();
        tokens.ExpiresIn = 300;
        await using var provider = await Upstream.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Config(provider.BaseAddress, tokens.Endpoint, """ "RefreshBeforeExpiry": "00:02:00" """), Secrets, timeProvider: time);

        await SendAsync(gateway);
        time.Advance(TimeSpan.FromSeconds(179));
        await SendAsync(gateway);
        Assert.Equal(1, tokens.Requests);

        // 300 s minus the 120 s margin: from 180 s on, the token is replaced.
        time.Advance(TimeSpan.FromSeconds(2));
        await SendAsync(gateway);

        Assert.Equal(2, tokens.Requests);
        Assert.Equal(["Bearer token-1", "Bearer token-1", "Bearer token-2"], provider.Snapshot().Select(static r => r.Headers["Authorization"]));
    }

    [Fact]
    public async Task ProviderAnswers401_TheTokenIsRenewedOnce_AndTheAttemptSentOnceMore()
    {
        await using var tokens = await TokenServer.StartAsync();
        await using var provider = await Upstream.StartAsync();
        provider.Behaviour = (context, n) =>
        {
            // The first token was revoked at the provider.
            if (context.Request.Headers.Authorization == "Bearer token-1")
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return Task.CompletedTask;
            }

            return Upstream.Ok(context, n);
        };
        await using var gateway = await GatewayUnderTest.StartAsync(Config(provider.BaseAddress, tokens.Endpoint), Secrets);

        using var response = await gateway.Client.PostAsync("/api/items", new StringContent("{\"name\":\"x\"}"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, tokens.Requests);
        var received = provider.Snapshot();
        Assert.Equal(["Bearer token-1", "Bearer token-2"], received.Select(static r => r.Headers["Authorization"]));
        Assert.All(received, r => Assert.Equal("{\"name\":\"x\"}", System.Text.Encoding.UTF8.GetString(r.Body)));
    }

    [Fact]
    public async Task ProviderAnswers401ToEveryToken_OneRenewalOnly_TheClientGetsThe401()
    {
        await using var tokens = await TokenServer.StartAsync();
        await using var provider = await Upstream.StartAsync();
        provider.Behaviour = Upstream.Status(StatusCodes.Status401Unauthorized);
        var logs = new RecordingLoggerProvider();
        await using var gateway = await GatewayUnderTest.StartAsync(Config(provider.BaseAddress, tokens.Endpoint), Secrets, logs: logs);

        using var response = await gateway.Client.GetAsync("/api/items");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(2, provider.Requests);
        Assert.Equal(2, tokens.Requests);
        Assert.Single(logs.WithEventId(EventIds.ProviderCredentialsRejected));
    }

    [Fact]
    public async Task ProviderAnswers401_ToABodyStreamedOnce_TheClientGetsIt_AndTheNextRequestANewToken()
    {
        await using var tokens = await TokenServer.StartAsync();
        await using var provider = await Upstream.StartAsync();
        provider.Behaviour = (context, n) =>
        {
            if (context.Request.Headers.Authorization == "Bearer token-1")
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return Task.CompletedTask;
            }

            return Upstream.Ok(context, n);
        };
        await using var gateway = await GatewayUnderTest.StartAsync(Config(provider.BaseAddress, tokens.Endpoint, bulwarkExtra: """ "MaxBufferedBodyBytes": 1024, "MaxReplayableBodyBytes": 0, """), Secrets);

        using var streamed = await gateway.Client.PutAsync("/api/blobs/a", new ByteArrayContent(new byte[8192]));
        using var next = await gateway.Client.PutAsync("/api/blobs/b", new ByteArrayContent(new byte[8192]));

        // The streamed body cannot be sent again: its 401 goes to the client, and the token it was sent with is dropped.
        Assert.Equal(HttpStatusCode.Unauthorized, streamed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        Assert.Equal(2, tokens.Requests);
        Assert.Equal(["Bearer token-1", "Bearer token-2"], provider.Snapshot().Select(static r => r.Headers["Authorization"]));
    }

    [Fact]
    public async Task ProviderAnswers401_ToASpooledBody_TheTokenIsRenewed_AndTheWholeBodySentAgain()
    {
        await using var tokens = await TokenServer.StartAsync();
        await using var provider = await Upstream.StartAsync();
        provider.Behaviour = (context, n) =>
        {
            if (context.Request.Headers.Authorization == "Bearer token-1")
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return Task.CompletedTask;
            }

            return Upstream.Ok(context, n);
        };
        await using var gateway = await GatewayUnderTest.StartAsync(Config(provider.BaseAddress, tokens.Endpoint, bulwarkExtra: """ "MaxBufferedBodyBytes": 1024, """), Secrets);
        var body = Enumerable.Range(0, 8192).Select(static i => (byte)(i * 7)).ToArray();

        // Over the buffer, so spooled: the renewed token's try reads the spool again.
        using var response = await gateway.Client.PutAsync("/api/blobs/a", new ByteArrayContent(body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, tokens.Requests);
        Assert.Equal(["Bearer token-1", "Bearer token-2"], provider.Snapshot().Select(static r => r.Headers["Authorization"]));
        Assert.All(provider.Snapshot(), r => Assert.Equal(body, r.Body));
    }

    [Fact]
    public async Task TokenEndpointDown_IsA502ProblemNamingTheAuthFailure_NothingSent_AndTheStatusSaysWhy()
    {
        await using var provider = await Upstream.StartAsync();
        var down = new Uri($"http://127.0.0.1:{Bulwark.Tests.Shared.FreePorts.Next()}/oauth/token");
        var logs = new RecordingLoggerProvider();
        string json = Config(provider.BaseAddress, down, bulwarkExtra: $$""" "Admin": { "Token": "{{AdminToken}}" }, """);
        await using var gateway = await GatewayUnderTest.StartAsync(json, Secrets, logs: logs);

        using var response = await gateway.Client.GetAsync("/api/items");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var problem = await Problem.ReadAsync(response);
        Assert.Equal("urn:bulwark:problem:provider-auth-failed", problem.GetProperty("type").GetString());
        Assert.Equal("The gateway could not authenticate to provider 'api': the token endpoint could not be reached (ConnectionError). The request was not sent to it.", problem.GetProperty("detail").GetString());
        Assert.Equal(0, provider.Requests);
        Assert.Contains(logs.WithEventId(EventIds.ProviderTokenFetchFailed), r => r.Message.Contains("provider api", StringComparison.Ordinal));

        var status = await AuthStatusAsync(gateway);
        var api = status.GetProperty("api");
        Assert.Equal("OAuth2ClientCredentials", api.GetProperty("type").GetString());
        Assert.Equal(JsonValueKind.Null, api.GetProperty("token_valid_until").ValueKind);
        Assert.True(api.GetProperty("failures").GetInt64() >= 1);
        Assert.Equal("the token endpoint could not be reached (ConnectionError).", api.GetProperty("last_failure").GetString());
    }

    [Fact]
    public async Task TokenEndpointRefusesTheClient_IsA502ProblemWithItsErrorCode_AndNoSecretIsLogged()
    {
        await using var tokens = await TokenServer.StartAsync();
        tokens.Issue = static async (context, _, _) =>
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            await context.Response.WriteAsJsonAsync(new { error = "invalid_client", error_description = "bad secret" });
        };
        await using var provider = await Upstream.StartAsync();
        var logs = new RecordingLoggerProvider();
        await using var gateway = await GatewayUnderTest.StartAsync(Config(provider.BaseAddress, tokens.Endpoint), Secrets, logs: logs, minimumLogLevel: LogLevel.Trace);

        using var response = await gateway.Client.GetAsync("/api/items");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var problem = await Problem.ReadAsync(response);
        Assert.Contains("the token endpoint refused the token request with 401 (error 'invalid_client').", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(logs.Records, r => r.Message.Contains("s3cret", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Tokens_NeverAppearInTheLogs_OrTheStatus()
    {
        await using var tokens = await TokenServer.StartAsync();
        tokens.Issue = static (context, _, n) => context.Response.WriteAsJsonAsync(new { access_token = $"very-secret-token-{n}", token_type = "bearer", expires_in = "3600" });
        await using var provider = await Upstream.StartAsync();
        var logs = new RecordingLoggerProvider();
        string json = Config(provider.BaseAddress, tokens.Endpoint, bulwarkExtra: $$""" "Admin": { "Token": "{{AdminToken}}" }, """);
        await using var gateway = await GatewayUnderTest.StartAsync(json, Secrets, logs: logs, minimumLogLevel: LogLevel.Trace);

        using var response = await gateway.Client.GetAsync("/api/items");
        var status = await AuthStatusAsync(gateway);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Bearer very-secret-token-1", Assert.Single(provider.Snapshot()).Headers["Authorization"]);
        var fetched = Assert.Single(logs.WithEventId(EventIds.ProviderTokenFetched));
        Assert.Contains("provider api", fetched.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(logs.Records, r => r.Message.Contains("very-secret-token", StringComparison.Ordinal) || r.Message.Contains("s3cret", StringComparison.Ordinal));
        Assert.DoesNotContain("very-secret-token", status.ToString(), StringComparison.Ordinal);
        Assert.True(status.GetProperty("api").GetProperty("token_valid_until").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(59));
        Assert.Equal(1, status.GetProperty("api").GetProperty("fetches").GetInt64());
    }

    [Fact]
    public async Task ClientSecretFromFile_IsTheOneSent_WithoutItsTrailingNewline()
    {
        await using var tokens = await TokenServer.StartAsync();
        await using var provider = await Upstream.StartAsync();
        string file = Path.Combine(Path.GetTempPath(), "bulwark-secret-" + Guid.NewGuid().ToString("N"));
        await File.WriteAllTextAsync(file, "from-a-file\n");
        try
        {
            string json = Config(provider.BaseAddress, tokens.Endpoint).Replace("\"ClientSecretFromEnvironment\": \"CLIENT_SECRET\"", $"\"ClientSecretFromFile\": {JsonSerializer.Serialize(file)}", StringComparison.Ordinal);
            await using var gateway = await GatewayUnderTest.StartAsync(json);

            using var response = await gateway.Client.GetAsync("/api/items");

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(("gateway-client", "from-a-file"), Assert.Single(tokens.Snapshot()).BasicCredentials());
        }
        finally
        {
            File.Delete(file);
        }
    }

    internal static readonly Dictionary<string, string> Secrets = new() { ["CLIENT_SECRET"] = "client s3cret:&" };

    private static async Task SendAsync(GatewayUnderTest gateway)
    {
        using var response = await gateway.Client.GetAsync("/api/items");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    internal static async Task<JsonElement> AuthStatusAsync(GatewayUnderTest gateway)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/admin/system/status");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
        using var response = await gateway.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.GetProperty("provider_auth").Clone();
    }

    private static string Config(Uri provider, Uri tokenEndpoint, string? extra = null, string? pipeline = null, string? bulwarkExtra = null) => $$"""
        {
          "Bulwark": {
            {{bulwarkExtra}}
            "Pipelines": { "default": {{pipeline ?? Configs.FastPipeline}} },
            "Providers": {
              "api": {
                "BaseUrl": "{{provider.ToString().TrimEnd('/')}}",
                "Auth": {
                  "Type": "OAuth2ClientCredentials",
                  "TokenEndpoint": "{{tokenEndpoint}}",
                  "ClientId": "gateway-client",
                  "ClientSecretFromEnvironment": "CLIENT_SECRET"
                  {{(extra is null ? string.Empty : "," + extra)}}
                }
              }
            },
            "Routes": [ { "Path": "/api/{**rest}", "Providers": [ "api" ] } ]
          }
        }
        """;
}
