using System.Net;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Reload;
using Bulwark.Gateway.Routing;
using Bulwark.Gateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Gateway.Tests.Configuration;

/// <summary>
/// A route template that routing cannot use (an unknown constraint is the case that parses) is refused by a reload as by
/// check-config, and, should one reach the endpoints anyway, it never takes the other routes or <c>/health/*</c> down.
/// </summary>
public class RouteTemplateTests
{
    [Fact]
    public async Task Reload_RouteWithUnknownConstraint_IsRejected_AndHealthAndOtherRoutesKeepAnswering()
    {
        await using var primary = await Upstream.StartAsync();
        using var file = ConfigFile.Create(Config(primary.BaseAddress, "/api/{**rest}"));
        await using var gateway = await GatewayUnderTest.StartFromFileAsync(file.Path);
        var status = gateway.Services.GetRequiredService<ConfigurationReloadStatus>();

        file.Replace(Config(primary.BaseAddress, "/api/{**rest}", "/c1/{a:foo}"));
        await Poll.UntilAsync(() => status.Last is { Outcome: ConfigurationReloadOutcome.Rejected }, $"the reload to be rejected (last: {status.Last?.Outcome})");

        Assert.Equal(
            ["Bulwark:Routes:1:Path: '/c1/{a:foo}' is not a valid route template: the constraint 'foo' is unknown; use one of alpha, bool, datetime, decimal, double, file, float, guid, int, length, long, max, maxlength, min, minlength, nonfile, range, required."],
            status.Last!.Errors);
        Assert.Equal(1, gateway.Services.GetRequiredService<LiveGatewayConfiguration>().Generation);
        await AssertServingAsync(gateway);
    }

    [Fact]
    public async Task Endpoints_BadRouteThatBypassedValidation_IsLeftOut_AndHealthAndOtherRoutesKeepAnswering()
    {
        await using var primary = await Upstream.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Config(primary.BaseAddress, "/api/{**rest}"));
        var live = gateway.Services.GetRequiredService<LiveGatewayConfiguration>();

        // What a reload would put in force had validation missed the template: routing must still work for the rest.
        var options = live.Options;
        var routes = new List<GatewayRouteOptions>(options.Routes)
        {
            new() { Path = "/c1/{a:foo}", Providers = ["primary"] },
            new() { Path = "/c2/{a", Providers = ["primary"] },
        };
        var changed = new GatewayOptions { Providers = options.Providers, Routes = routes, Limits = options.Limits, MaxBufferedBodyBytes = options.MaxBufferedBodyBytes };
        foreach (var (name, pipeline) in options.Pipelines)
        {
            changed.Pipelines[name] = pipeline;
        }

        var table = new GatewayRouteTable(
            changed,
            live.Configuration,
            (_, _, _) => throw new InvalidOperationException("every provider keeps its pipeline"),
            TimeProvider.System,
            gateway.Services.GetRequiredService<GatewayEnvironment>(),
            previous: live.Table);
        live.Apply(table, changed, live.Configuration);

        await AssertServingAsync(gateway);
        using var bad = await gateway.Client.GetAsync("/c1/x");
        Assert.Equal(HttpStatusCode.NotFound, bad.StatusCode);
    }

    private static async Task AssertServingAsync(GatewayUnderTest gateway)
    {
        using (var live = await gateway.Client.GetAsync("/health/live"))
        {
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        }

        using (var ready = await gateway.Client.GetAsync("/health/ready"))
        {
            Assert.NotEqual(HttpStatusCode.InternalServerError, ready.StatusCode);
        }

        using var forwarded = await gateway.Client.GetAsync("/api/item");
        Assert.Equal(HttpStatusCode.OK, forwarded.StatusCode);
        Assert.Equal("primary", forwarded.Headers.GetValues("X-Bulwark-Provider").Single());
    }

    private static string Config(Uri primary, params string[] paths) => $$"""
        {
          "Bulwark": {
            "Reload": { "PollInterval": "00:00:00.200" },
            "Pipelines": { "default": {{Configs.FastPipeline}} },
            "Providers": { "primary": { "BaseUrl": "{{primary.ToString().TrimEnd('/')}}" } },
            "Routes": [ {{string.Join(", ", paths.Select(p => $$"""{ "Path": "{{p}}", "Providers": [ "primary" ] }"""))}} ]
          }
        }
        """;
}
