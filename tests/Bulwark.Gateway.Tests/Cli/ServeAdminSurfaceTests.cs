using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Bulwark.Gateway.Tests.Budgets;
using Bulwark.Gateway.Tests.Dashboard;
using Bulwark.Gateway.Tests.Infrastructure;

namespace Bulwark.Gateway.Tests.Cli;

/// <summary>
/// Every admin endpoint, the client's budget status, the operator page's data, <c>/metrics</c> and health, called on
/// <c>bulwark serve</c> as a process. In-process tests cover what each answers; this one proves each answers at all
/// from the executable as shipped: with <c>BULWARK_GATEWAY_EXECUTABLE</c> (eng/publish-aot.sh) it runs against the
/// native build, whose JSON and endpoint code paths only process tests reach.
/// </summary>
public class ServeAdminSurfaceTests
{
    private const string AdminToken = "admin-surface-token-0123456789";

    private static string Config(Uri provider) => $$"""
        {
          "Bulwark": {
            "Admin": { "Token": "{{AdminToken}}" },
            "Budgets": { "Items": { "everyone": { "Period": "Month", "Tokens": 100000000 } } },
            "Pipelines": { "default": {{Configs.FastPipeline}} },
            "Providers": { "primary": { "BaseUrl": "{{provider.ToString().TrimEnd('/')}}" } },
            "Routes": [
              { "Path": "/v1/{**rest}", "Providers": [ "primary" ], "Api": "OpenAI", "Clients": "Keys" },
              { "Path": "/api/{**rest}", "Providers": [ "primary" ] }
            ]
          }
        }
        """;

    [Fact]
    public async Task EveryAdminEndpoint_AnswersJson_FromTheExecutable()
    {
        await using var provider = await Upstream.StartAsync();
        provider.Behaviour = BudgetsTests.Answer(100, 20);
        await using var gateway = await GatewayProcess.StartAsync(Config(provider.BaseAddress));
        using var admin = new HttpClient { BaseAddress = gateway.Address, Timeout = TimeSpan.FromSeconds(30) };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
        using var client = new HttpClient { BaseAddress = gateway.Address, Timeout = TimeSpan.FromSeconds(30) };

        // Client keys: issue one, and a client spends with it (usage and the budget's counter then have a row).
        var issued = await JsonAsync(admin, HttpMethod.Post, "/admin/keys", HttpStatusCode.Created, """{"user":"alice","team":"research","tier":"pro","name":"laptop"}""");
        string keyId = issued.GetProperty("id").GetString()!;
        string key = issued.GetProperty("key").GetString()!;
        using (var chat = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions"))
        {
            chat.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            chat.Content = new StringContent("""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hi"}]}""", Encoding.UTF8, "application/json");
            using var answer = await client.SendAsync(chat);
            Assert.True(answer.StatusCode == HttpStatusCode.OK, $"chat completion: {(int)answer.StatusCode} {await answer.Content.ReadAsStringAsync()}\n{gateway.OutputTail}");
        }

        var keys = await JsonAsync(admin, HttpMethod.Get, "/admin/keys", HttpStatusCode.OK);
        Assert.Contains(keyId, keys.ToString(), StringComparison.Ordinal);
        using (var status = new HttpRequestMessage(HttpMethod.Get, "/budget/status"))
        {
            status.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            using var answer = await client.SendAsync(status);
            string text = await answer.Content.ReadAsStringAsync();
            Assert.True(answer.StatusCode == HttpStatusCode.OK, $"/budget/status: {(int)answer.StatusCode} {text}");
            Assert.Contains("everyone", JsonDocument.Parse(text).RootElement.ToString(), StringComparison.Ordinal);
        }

        // The usage ledger is written off the request path: read until alice's row is there, within a bound.
        await Poll.UntilAsync(
            async () => (await JsonAsync(admin, HttpMethod.Get, "/admin/usage?groupBy=user", HttpStatusCode.OK)).ToString().Contains("alice", StringComparison.Ordinal),
            "alice's request to reach /admin/usage?groupBy=user");

        // Budgets: the counters, a budget made and deleted.
        Assert.Contains("everyone", (await JsonAsync(admin, HttpMethod.Get, "/admin/budgets", HttpStatusCode.OK)).ToString(), StringComparison.Ordinal);
        var put = await JsonAsync(admin, HttpMethod.Put, "/admin/budgets/free-daily", HttpStatusCode.OK, """{ "Per": "User", "Tier": "free", "Period": "Day", "Tokens": 1000000 }""");
        Assert.Equal(JsonValueKind.Array, put.GetProperty("budgets").ValueKind); // its counters: none until a request is counted
        await SendAsync(admin, HttpMethod.Delete, "/admin/budgets/free-daily", HttpStatusCode.NoContent);

        // Breakers: status, isolate (the route answers 503 problem+json), close, reset.
        Assert.Contains("primary", (await JsonAsync(admin, HttpMethod.Get, "/admin/system/status", HttpStatusCode.OK)).ToString(), StringComparison.Ordinal);
        Assert.Contains("primary", (await JsonAsync(admin, HttpMethod.Get, "/admin/breakers", HttpStatusCode.OK)).ToString(), StringComparison.Ordinal);
        var isolate = await JsonAsync(admin, HttpMethod.Post, "/admin/breakers/primary/isolate", HttpStatusCode.OK);
        Assert.Equal(("primary", "isolate", "isolated"), (isolate.GetProperty("provider").GetString(), isolate.GetProperty("action").GetString(), isolate.GetProperty("state").GetString()));
        using (var refused = await client.GetAsync("/api/item"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).Dispose();
        }

        Assert.Equal("closed", (await JsonAsync(admin, HttpMethod.Post, "/admin/breakers/primary/close", HttpStatusCode.OK)).GetProperty("state").GetString());
        Assert.Equal("reset", (await JsonAsync(admin, HttpMethod.Post, "/admin/breakers/primary/reset", HttpStatusCode.OK)).GetProperty("action").GetString());

        // Mistakes get problems that say what is wrong (the framework's problems are written without reflection too).
        await ProblemAsync(admin, HttpMethod.Post, "/admin/breakers/nope/isolate", HttpStatusCode.NotFound, "There is no provider 'nope'.");
        await ProblemAsync(admin, HttpMethod.Get, "/admin/nope", HttpStatusCode.NotFound, "No admin endpoint at this path.");
        await ProblemAsync(admin, HttpMethod.Get, "/admin/breakers/primary/isolate", HttpStatusCode.MethodNotAllowed, "GET is not allowed at this path; it takes POST.");
        await ProblemAsync(client, HttpMethod.Get, "/admin/breakers", HttpStatusCode.Unauthorized, "Send the admin token as 'Authorization: Bearer <token>'.");
        await ProblemAsync(client, HttpMethod.Get, "/dashboard/api/state", HttpStatusCode.Unauthorized, "Sign in at /dashboard/login with the admin token first.");
        using (var served = await client.GetAsync("/api/item"))
        {
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        }

        // Its request line gives the served attempt's status, as the README's example line does.
        await Poll.UntilAsync(
            () => gateway.Output.Split('\n').Any(static line => line.Contains("\"path\":\"/api/item\"", StringComparison.Ordinal) && line.Contains("\"status\":200", StringComparison.Ordinal)),
            "the served request's log line");
        Assert.Contains(
            gateway.Output.Split('\n'),
            static line => line.Contains("\"path\":\"/api/item\"", StringComparison.Ordinal) && line.Contains("\"outcome\":\"success\",\"status\":200,", StringComparison.Ordinal));

        // Alerts and silences.
        await JsonAsync(admin, HttpMethod.Get, "/admin/alerts", HttpStatusCode.OK);
        string endsAt = DateTimeOffset.UtcNow.AddHours(1).ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        var silence = await JsonAsync(admin, HttpMethod.Post, "/admin/silences", HttpStatusCode.Created, $$"""{"matchers": ["provider=primary"], "endsAt": "{{endsAt}}", "createdBy": "ops", "comment": "maintenance"}""");
        string silenceId = silence.GetProperty("id").GetString()!;
        Assert.Contains(silenceId, (await JsonAsync(admin, HttpMethod.Get, "/admin/silences", HttpStatusCode.OK)).ToString(), StringComparison.Ordinal);
        await JsonAsync(admin, HttpMethod.Delete, "/admin/silences/" + silenceId, HttpStatusCode.OK);

        // Errors, deliveries, production readiness.
        await JsonAsync(admin, HttpMethod.Get, "/admin/errors", HttpStatusCode.OK);
        await JsonAsync(admin, HttpMethod.Get, "/admin/deliveries", HttpStatusCode.OK);
        await JsonAsync(admin, HttpMethod.Get, "/admin/deliveries/stuck", HttpStatusCode.OK);
        await JsonAsync(admin, HttpMethod.Get, "/admin/production-readiness", HttpStatusCode.OK);

        // The key revoked.
        var revoked = await JsonAsync(admin, HttpMethod.Delete, "/admin/keys/" + keyId, HttpStatusCode.OK);
        Assert.Equal(JsonValueKind.String, revoked.GetProperty("revoked").ValueKind);

        // The operator page: sign in, its data, a breaker action with the anti-forgery token.
        using (var page = new OperatorPageClient(gateway.Address))
        {
            using (var signedIn = await page.SignInAsync(AdminToken))
            {
                Assert.Equal(HttpStatusCode.SeeOther, signedIn.StatusCode);
            }

            var state = await page.StateAsync();
            Assert.Contains("primary", state.ToJsonString(), StringComparison.Ordinal);
            using var isolated = await page.PostAsync("/dashboard/api/breakers/primary/isolate", (string)state["csrf_token"]!, "same-origin");
            Assert.True(isolated.IsSuccessStatusCode, $"operator page isolate: {(int)isolated.StatusCode} {await isolated.Content.ReadAsStringAsync()}");
            Assert.Contains("\"state\":\"isolated\"", (await JsonAsync(admin, HttpMethod.Get, "/admin/breakers", HttpStatusCode.OK)).ToString(), StringComparison.Ordinal);
            using var closed = await page.PostAsync("/dashboard/api/breakers/primary/close", (string)state["csrf_token"]!, "same-origin");
            Assert.True(closed.IsSuccessStatusCode, $"operator page close: {(int)closed.StatusCode}");
        }

        // Metrics and health.
        using (var metrics = await client.GetAsync("/metrics"))
        {
            Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
            Assert.Contains("bulwark_", await metrics.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var ready = await client.GetAsync("/health/ready"))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            JsonDocument.Parse(await ready.Content.ReadAsStringAsync()).Dispose();
        }

        // Nothing failed inside: no error but the request line of the 503 the isolated breaker caused.
        string[] errors = gateway.Output.Split('\n')
            .Where(static line => line.Contains("\"LogLevel\":\"Error\"", StringComparison.Ordinal) || line.Contains("\"LogLevel\":\"Critical\"", StringComparison.Ordinal))
            .Where(static line => !line.Contains("\"EventName\":\"RequestCompleted\"", StringComparison.Ordinal))
            .ToArray();
        Assert.True(errors.Length == 0, "errors logged:\n" + string.Join('\n', errors));
    }

    /// <summary>Sends a request that must be refused with <paramref name="expected"/> and a problem+json whose detail is <paramref name="detail"/>.</summary>
    private static async Task ProblemAsync(HttpClient http, HttpMethod method, string path, HttpStatusCode expected, string detail)
    {
        using var request = new HttpRequestMessage(method, path);
        using var response = await http.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{method} {path}: {(int)response.StatusCode}, expected {(int)expected}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(text);
        Assert.True(problem.RootElement.TryGetProperty("detail", out var said) && said.GetString() == detail, $"{method} {path}: {text}");
        Assert.Equal((int)expected, problem.RootElement.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.RootElement.GetProperty("title").GetString()), text);
    }

    /// <summary>Sends a request and returns its answer's JSON; fails unless the status is <paramref name="expected"/> and the body is JSON.</summary>
    private static async Task<JsonElement> JsonAsync(HttpClient admin, HttpMethod method, string path, HttpStatusCode expected, string? body = null)
    {
        string text = await SendAsync(admin, method, path, expected, body);
        try
        {
            using var json = JsonDocument.Parse(text);
            return json.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new Xunit.Sdk.XunitException($"{method} {path}: not JSON ({e.Message}): {text}");
        }
    }

    private static async Task<string> SendAsync(HttpClient admin, HttpMethod method, string path, HttpStatusCode expected, string? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await admin.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{method} {path}: {(int)response.StatusCode}, expected {(int)expected}: {text}");
        return text;
    }
}
