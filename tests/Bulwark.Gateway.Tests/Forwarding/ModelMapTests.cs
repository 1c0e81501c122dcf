using System.Net;
using System.Text;
using System.Text.Json;
using Bulwark.Gateway.Tests.Infrastructure;

namespace Bulwark.Gateway.Tests.Forwarding;

/// <summary>
/// A provider's <c>Models</c>: the JSON body's top-level <c>model</c> is rewritten to the provider's own name on the way to
/// it, every other byte unchanged; a provider with no name for the model asked for is passed over, saying why.
/// </summary>
public class ModelMapTests
{
    // Spacing, field order, escapes and a nested "model" the gateway must leave exactly as they are.
    private const string Body = "{ \"messages\" : [ {\"role\":\"user\",\"content\":\"caf\\u00e9 \\\"model\\\"\"} ],\n  \"model\":\"gpt-4o-mini\", \"tools\":[{\"model\":\"keep\"}], \"temperature\": 0.20 }";

    [Fact]
    public async Task MappedModel_OnlyTheModelValueChanges_EveryOtherByteAsSent()
    {
        await using var provider = await Upstream.StartAsync();
        await using var unused = await Upstream.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Config(provider, unused, primaryModels: """{ "gpt-4o-mini": "llama-3.1-8b-instant" }"""));

        using var response = await PostAsync(gateway, Body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = Assert.Single(provider.Snapshot());
        Assert.Equal(Body.Replace("\"gpt-4o-mini\"", "\"llama-3.1-8b-instant\"", StringComparison.Ordinal), Encoding.UTF8.GetString(received.Body));
        Assert.Equal(received.Body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), received.Headers["Content-Length"]);
    }

    [Fact]
    public async Task Failover_EachProviderGetsItsOwnName_TheWildcardMapsTheRest()
    {
        await using var primary = await Upstream.StartAsync();
        primary.Behaviour = Upstream.Status(503);
        await using var secondary = await Upstream.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Config(primary, secondary, primaryModels: null, secondaryModels: """{ "other": "x", "*": "llama-3.3-70b-versatile" }"""));

        using var response = await PostAsync(gateway, Body, idempotent: true);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.All(primary.Snapshot(), r => Assert.Equal(Body, Encoding.UTF8.GetString(r.Body)));
        Assert.Equal("llama-3.3-70b-versatile", ModelOf(Assert.Single(secondary.Snapshot()).Body));
    }

    [Fact]
    public async Task ProviderWithoutAMappingForTheModel_IsPassedOver_AndTheNextServes()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Config(primary, secondary, primaryModels: """{ "claude-3-5-haiku": "x" }"""));

        using var response = await PostAsync(gateway, Body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, primary.Requests);
        Assert.Equal("gpt-4o-mini", ModelOf(Assert.Single(secondary.Snapshot()).Body));
    }

    [Fact]
    public async Task NoProviderMapsTheModel_400_EachAttemptSaysWhy_NothingSent()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Config(primary, secondary, primaryModels: """{ "a": "x" }""", secondaryModels: """{ "b": "y" }"""));

        using var response = await PostAsync(gateway, Body);

        var problem = await Problem.ReadAsync(response);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("urn:bulwark:problem:not-served", problem.GetProperty("type").GetString());
        Assert.False(problem.GetProperty("retryable").GetBoolean());
        Assert.Equal(
            ["skipped: no model mapping for 'gpt-4o-mini'", "skipped: no model mapping for 'gpt-4o-mini'"],
            problem.GetProperty("attempts").EnumerateArray().Select(a => a.GetProperty("outcome").GetString()));
        Assert.Equal((0, 0), (primary.Requests, secondary.Requests));
    }

    [Fact]
    public async Task BodyOverAMebibyte_IsStillMapped_NotPassedOver()
    {
        await using var provider = await Upstream.StartAsync();
        await using var unused = await Upstream.StartAsync();
        // Buffered (the route's limit raised to 4 MiB), so that any attempt can send it: read whole for its model.
        await using var gateway = await GatewayUnderTest.StartAsync(Config(provider, unused, primaryModels: """{ "gpt-4o-mini": "llama-3.1-8b-instant" }""")
            .Replace("\"Pipelines\"", "\"MaxBufferedBodyBytes\": 4194304, \"Pipelines\"", StringComparison.Ordinal));
        string body = "{\"messages\":[{\"role\":\"user\",\"content\":\"" + new string('x', 1_500_000) + "\"}],\"model\":\"gpt-4o-mini\"}";

        using var response = await PostAsync(gateway, body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("llama-3.1-8b-instant", ModelOf(Assert.Single(provider.Snapshot()).Body));
        Assert.Equal(0, unused.Requests);
    }

    [Theory]
    [InlineData("text/plain", "model=gpt-4o-mini")]
    [InlineData("application/json", "{\"messages\":[]}")]
    [InlineData("application/json", "[{\"model\":\"gpt-4o-mini\"}]")]
    [InlineData("application/json", "{\"model\":\"gpt-4o-mini\", \"model\":\"other\"}")]
    [InlineData("application/json", "{\"model\":\"gpt-4o-mini\", ")]
    public async Task BodyWithoutOneTopLevelModel_GoesUnchanged(string contentType, string body)
    {
        await using var provider = await Upstream.StartAsync();
        await using var unused = await Upstream.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Config(provider, unused, primaryModels: """{ "gpt-4o-mini": "llama-3.1-8b-instant" }"""));

        using var response = await gateway.Client.PostAsync("/v1/chat/completions", new StringContent(body, Encoding.UTF8, contentType));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(body, Encoding.UTF8.GetString(Assert.Single(provider.Snapshot()).Body));
    }

    private static Task<HttpResponseMessage> PostAsync(GatewayUnderTest gateway, string body, bool idempotent = false)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (idempotent)
        {
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        }

        return gateway.Client.SendAsync(request);
    }

    private static string? ModelOf(byte[] body) => JsonDocument.Parse(body).RootElement.GetProperty("model").GetString();

    private static string Config(Upstream primary, Upstream secondary, string? primaryModels, string? secondaryModels = null) => $$"""
        {
          "Bulwark": {
            "Pipelines": { "default": {{Configs.FastPipeline}} },
            "Providers": {
              "primary":   { "BaseUrl": "{{primary.BaseAddress.ToString().TrimEnd('/')}}"{{(primaryModels is null ? "" : ", \"Models\": " + primaryModels)}} },
              "secondary": { "BaseUrl": "{{secondary.BaseAddress.ToString().TrimEnd('/')}}"{{(secondaryModels is null ? "" : ", \"Models\": " + secondaryModels)}} }
            },
            "Routes": [ { "Path": "/v1/{**rest}", "Providers": [ "primary", "secondary" ] } ]
          }
        }
        """;
}
