using System.Net;
using Bulwark.Gateway.Tests.Infrastructure;

namespace Bulwark.Gateway.Tests.Routing;

/// <summary><c>Routes[i]:Methods</c>: a route forwards only the methods it lists; without the list, every method.</summary>
public sealed class RouteMethodsTests
{
    [Fact]
    public async Task RouteWithMethods_ForwardsOnlyThoseMethods_ARouteWithoutForwardsAny()
    {
        await using var upstream = await Upstream.StartAsync();
        string json = $$"""
            {
              "Bulwark": {
                "Pipelines": { "default": {{Configs.FastPipeline}} },
                "Providers": { "primary": { "BaseUrl": "{{upstream.BaseAddress.ToString().TrimEnd('/')}}" } },
                "Routes": [
                  { "Path": "/reads/{**rest}", "Providers": [ "primary" ], "Methods": [ "GET", "head" ] },
                  { "Path": "/any/{**rest}", "Providers": [ "primary" ] }
                ]
              }
            }
            """;
        await using var gateway = await GatewayUnderTest.StartAsync(json);

        using var get = await gateway.Client.GetAsync("/reads/item");
        using var head = await gateway.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/reads/item"));
        using var post = await gateway.Client.PostAsync("/reads/item", new StringContent("{}"));
        using var delete = await gateway.Client.DeleteAsync("/reads/item");
        using var postElsewhere = await gateway.Client.PostAsync("/any/item", new StringContent("{}"));

        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        foreach (var refused in new[] { post, delete })
        {
            Assert.True(refused.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed, $"{refused.RequestMessage!.Method}: {refused.StatusCode}");
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        }

        Assert.Equal(HttpStatusCode.OK, postElsewhere.StatusCode);
        Assert.Equal(["GET /reads/item", "HEAD /reads/item", "POST /any/item"], upstream.Snapshot().Select(r => $"{r.Method} {r.PathAndQuery}"));
    }
}
