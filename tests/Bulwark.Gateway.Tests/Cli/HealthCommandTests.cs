using System.CommandLine;
using Bulwark.Gateway.Cli;
using Bulwark.Gateway.Tests.Infrastructure;

namespace Bulwark.Gateway.Tests.Cli;

/// <summary><c>bulwark health</c>, the container's health check: 0 when <c>/health/live</c> answers 200, 1 otherwise.</summary>
public class HealthCommandTests
{
    [Fact]
    public async Task Health_GatewayAlive_ExitsZero()
    {
        await using var upstream = await Upstream.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.TwoProviders(upstream.BaseAddress, upstream.BaseAddress));

        var (exit, output, error) = await InvokeAsync("health", "--url", new Uri(gateway.BaseAddress, "/health/live").ToString());

        Assert.Equal(0, exit);
        Assert.Contains("answered 200", output, StringComparison.Ordinal);
        Assert.Equal(string.Empty, error);
    }

    [Fact]
    public async Task Health_NothingListens_ExitsOne_InOneLine()
    {
        using var closed = ClosedPort.Open();

        var (exit, _, error) = await InvokeAsync("health", "--url", new Uri(closed.Address, "/health/live").ToString(), "--timeout", "00:00:05");

        Assert.Equal(HealthCommand.Unhealthy, exit);
        Assert.StartsWith($"bulwark: {new Uri(closed.Address, "/health/live")} did not answer: ", error, StringComparison.Ordinal);
        Assert.Single(error.TrimEnd().Split('\n'));
    }

    [Fact]
    public async Task Health_EndpointAnswersOtherThan200_ExitsOne()
    {
        await using var upstream = await Upstream.StartAsync();
        upstream.Behaviour = Upstream.Status(503);

        var (exit, _, error) = await InvokeAsync("health", "--url", new Uri(upstream.BaseAddress, "/health/live").ToString());

        Assert.Equal(HealthCommand.Unhealthy, exit);
        Assert.EndsWith("answered 503.", error.TrimEnd(), StringComparison.Ordinal);
    }

    private static async Task<(int Exit, string Output, string Error)> InvokeAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exit = await Poll.WithinAsync(
            GatewayCli.Create().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error }),
            "bulwark health to exit",
            TimeSpan.FromSeconds(30));
        return (exit, output.ToString(), error.ToString());
    }
}
