using System.Net;
using Bulwark.AspNetCore.Admin;
using Bulwark.AspNetCore.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;

namespace Bulwark.AspNetCore.Tests.Admin;

public sealed class AdminEndpointsTests
{
    private const string Token = "s3cret-admin-token-0123456789";

    private static Dictionary<string, string?> WithToken => new()
    {
        ["Bulwark:Admin:Token"] = Token,
        ["Bulwark:Providers:alpha:Url"] = "https://user:hunter2@alpha.example/v1",
        ["Bulwark:Providers:alpha:ApiKey"] = "sk-live-abc",
        ["Bulwark:Providers:alpha:TimeoutSeconds"] = "30",
    };

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-token-wrong-token-wrong")]
    [InlineData("s3cret-admin-token-012345678")]
    public async Task Status_WithoutRightToken_401ProblemJson(string? token)
    {
        await using var app = await TestApp.StartAsync(WithToken);

        var (response, json) = await app.GetJsonAsync("/admin/system/status", token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(401, json.GetProperty("status").GetInt32());
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task Status_RightToken_200WithUptimeVersionStoreAndMaskedConfiguration()
    {
        await using var app = await TestApp.StartAsync(WithToken);
        app.Time.Advance(TimeSpan.FromSeconds(90));

        var (response, json) = await app.GetJsonAsync("/admin/system/status", Token);
        var body = json.GetRawText();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("running", json.GetProperty("status").GetString());
        Assert.Equal(90, json.GetProperty("uptime_seconds").GetDouble());
        Assert.False(string.IsNullOrEmpty(json.GetProperty("bulwark_version").GetString()));
        Assert.Equal("none", json.GetProperty("store").GetProperty("status").GetString());
        Assert.Equal(["alpha", "beta"], json.GetProperty("providers").EnumerateArray().Select(p => p.GetString()));
        var configuration = json.GetProperty("configuration");
        Assert.Equal("***", configuration.GetProperty("Bulwark:Admin:Token").GetString());
        Assert.Equal("***", configuration.GetProperty("Bulwark:Providers:alpha:ApiKey").GetString());
        Assert.Equal("30", configuration.GetProperty("Bulwark:Providers:alpha:TimeoutSeconds").GetString());
        Assert.DoesNotContain("hunter2", body);
        Assert.DoesNotContain("sk-live-abc", body);
        Assert.DoesNotContain(Token, body);
        Assert.DoesNotContain(app.Logs.GetSnapshot(), record => record.Message.Contains(Token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Breakers_RightToken_EveryBreakerWithState()
    {
        await using var app = await TestApp.StartAsync(WithToken);
        app.Beta.Fail(2);

        var (response, json) = await app.GetJsonAsync("/admin/breakers", Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("closed", json.GetProperty("breakers").GetProperty("alpha").GetProperty("state").GetString());
        Assert.Equal("open", json.GetProperty("breakers").GetProperty("beta").GetProperty("state").GetString());
    }

    [Fact]
    public async Task IsolateThenClose_ChangesTheBreakerState()
    {
        await using var app = await TestApp.StartAsync(WithToken);

        var (isolated, isolateJson) = await app.SendJsonAsync(HttpMethod.Post, "/admin/breakers/alpha/isolate", Token);

        Assert.Equal(HttpStatusCode.OK, isolated.StatusCode);
        Assert.Equal("isolated", isolateJson.GetProperty("state").GetString());
        Assert.Equal("alpha", isolateJson.GetProperty("provider").GetString());
        Assert.Equal(CircuitState.Isolated, app.Alpha.State);
        Assert.Throws<IsolatedCircuitException>(app.Alpha.Succeed);
        var (_, health) = await app.GetJsonAsync("/health/circuit-breakers");
        Assert.Equal(1, health.GetProperty("open_count").GetInt32());

        var (closed, closeJson) = await app.SendJsonAsync(HttpMethod.Post, "/admin/breakers/alpha/close", Token);

        Assert.Equal(HttpStatusCode.OK, closed.StatusCode);
        Assert.Equal("closed", closeJson.GetProperty("state").GetString());
        Assert.Equal("manual_close", closeJson.GetProperty("breaker").GetProperty("last_transition_reason").GetString());
        Assert.Equal(CircuitState.Closed, app.Alpha.State);
        app.Alpha.Succeed();
    }

    [Fact]
    public async Task Reset_OpenBreaker_ClosesAndForgetsTrips()
    {
        await using var app = await TestApp.StartAsync(WithToken);
        app.Alpha.Fail(2);
        Assert.Equal(CircuitState.Open, app.Alpha.State);

        var (response, json) = await app.SendJsonAsync(HttpMethod.Post, "/admin/breakers/alpha/reset", Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("closed", json.GetProperty("state").GetString());
        Assert.Equal(0, json.GetProperty("breaker").GetProperty("trip_count").GetInt32());
        Assert.Equal(CircuitState.Closed, app.Alpha.State);
    }

    [Fact]
    public async Task Isolate_UnknownProvider_404ProblemJson()
    {
        await using var app = await TestApp.StartAsync(WithToken);

        var (response, json) = await app.SendJsonAsync(HttpMethod.Post, "/admin/breakers/gamma/isolate", Token);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("There is no provider 'gamma'.", json.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Isolate_WithoutToken_401AndBreakerUntouched()
    {
        await using var app = await TestApp.StartAsync(WithToken);

        var (response, _) = await app.SendJsonAsync(HttpMethod.Post, "/admin/breakers/alpha/isolate");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(CircuitState.Closed, app.Alpha.State);
    }

    [Fact]
    public async Task UnknownAdminPath_RightToken_404()
    {
        await using var app = await TestApp.StartAsync(WithToken);

        var (response, _) = await app.GetJsonAsync("/admin/nothing-here", Token);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Theory]
    [InlineData("GET", "/admin/breakers/alpha/isolate", "POST")]
    [InlineData("DELETE", "/admin/breakers", "GET")]
    public async Task KnownAdminPath_WrongMethod_405WithAllow(string method, string path, string allowed)
    {
        await using var app = await TestApp.StartAsync(WithToken);

        var (response, json) = await app.SendJsonAsync(new HttpMethod(method), path, Token);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(allowed, string.Join(", ", response.Content.Headers.Allow));
        Assert.Equal($"{method} is not allowed at this path; it takes {allowed}.", json.GetProperty("detail").GetString());
        Assert.Equal(CircuitState.Closed, app.Alpha.State);
    }

    [Fact]
    public async Task Problems_GoThroughTheApplicationsProblemDetailsService_WhenItHasOne()
    {
        await using var app = await TestApp.StartAsync(WithToken, services: static services => services.AddProblemDetails(
            static options => options.CustomizeProblemDetails = static context => context.ProblemDetails.Extensions["app"] = "mine"));

        var (response, json) = await app.SendJsonAsync(HttpMethod.Post, "/admin/breakers/gamma/isolate", Token);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("There is no provider 'gamma'.", json.GetProperty("detail").GetString());
        Assert.Equal("https://tools.ietf.org/html/rfc9110#section-15.5.5", json.GetProperty("type").GetString());
        Assert.Equal("mine", json.GetProperty("app").GetString());
        Assert.True(json.TryGetProperty("traceId", out _), json.ToString());
    }

    [Theory]
    [InlineData("GET", "/admin/system/status")]
    [InlineData("GET", "/admin/breakers")]
    [InlineData("POST", "/admin/breakers/alpha/isolate")]
    [InlineData("GET", "/admin")]
    public async Task NoTokenConfigured_Every404(string method, string path)
    {
        await using var app = await TestApp.StartAsync();

        var (response, json) = await app.SendJsonAsync(new HttpMethod(method), path, Token);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(404, json.GetProperty("status").GetInt32());
        Assert.Equal(CircuitState.Closed, app.Alpha.State);
    }

    [Fact]
    public async Task TokenFile_TrimmedContent_IsTheToken()
    {
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(path, Token + "\n");
            await using var app = await TestApp.StartAsync(new() { ["Bulwark:Admin:TokenFile"] = path });

            var (right, _) = await app.GetJsonAsync("/admin/breakers", Token);
            var (wrong, _) = await app.GetJsonAsync("/admin/breakers", Token + "-x");

            Assert.Equal(HttpStatusCode.OK, right.StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task ShortToken_FailsAtStartUp()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(
            () => TestApp.StartAsync(new() { ["Bulwark:Admin:Token"] = "short" }));

        Assert.Equal(["Bulwark:Admin:Token must be at least 16 characters long."], error.Failures);
    }

    [Fact]
    public void Validator_TokenAndFile_Rejected()
    {
        var result = new AdminOptionsValidator().Validate(null, new BulwarkAdminOptions { Token = Token, TokenFile = "/x" });

        Assert.Equal(["Set Bulwark:Admin:Token or Bulwark:Admin:TokenFile, not both."], result.Failures);
    }

    [Theory]
    [InlineData("Bulwark:Admin:Token", "abc", "***")]
    [InlineData("Bulwark:Store:ConnectionString", "Data Source=x;Password=y", "***")]
    [InlineData("Bulwark:Providers:p:Headers:Authorization", "Bearer x", "***")]
    [InlineData("Bulwark:Providers:p:Url", "https://u:p@host.example/a", "https://***@host.example/a")]
    [InlineData("Bulwark:Providers:p:Url", "https://host.example/a", "https://host.example/a")]
    [InlineData("Bulwark:Providers:p:Name", "key-holder", "key-holder")]
    public void Mask_SecretsOnly(string key, string value, string expected) =>
        Assert.Equal(expected, ConfigurationSummary.Mask(key, value));
}
