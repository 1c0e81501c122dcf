using System.Diagnostics;
using Bulwark.Gateway.Tests.Infrastructure;

namespace Bulwark.Gateway.Tests.Cli;

public class ServeCommandTests
{
    [Fact]
    public async Task Serve_InvalidConfigFile_ExitsWith2_AndPrintsEveryErrorToStderr()
    {
        string config = Path.Combine(Path.GetTempPath(), $"bulwark-bad-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(config, InvalidConfig.Json);
        try
        {
            var start = GatewayExecutable.StartInfo(["serve", "--config", config, "--urls", "http://127.0.0.1:0"]);
            start.Environment.Remove(InvalidConfig.UnsetVariable);

            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            try
            {
                await Poll.WithinAsync(process.WaitForExitAsync(), "bulwark serve to exit", TimeSpan.FromSeconds(60));
            }
            finally
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }
            }

            string errors = await stderr;
            Assert.Equal(2, process.ExitCode);
            Assert.Contains($"the configuration has {InvalidConfig.Errors.Length} error(s); the gateway did not start", errors, StringComparison.Ordinal);
            foreach (var expected in InvalidConfig.Errors)
            {
                Assert.Contains("  - " + expected, errors, StringComparison.Ordinal);
            }

            Assert.DoesNotContain("   at ", errors, StringComparison.Ordinal);
            Assert.Equal(string.Empty, await stdout);
        }
        finally
        {
            File.Delete(config);
        }
    }

    [Fact]
    public async Task Serve_MalformedJson_ExitsWith2_SayingWhereTheFileIsBroken()
    {
        string config = Path.Combine(Path.GetTempPath(), $"bulwark-malformed-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(config, "{ \"Bulwark\": { \"Routes\": [ }");
        try
        {
            var (exit, output) = await GatewayProcess.RunToExitAsync(["serve", "--config", config, "--urls", "http://127.0.0.1:0"], new Dictionary<string, string>(), TimeSpan.FromSeconds(60));

            Assert.Equal(2, exit);
            Assert.Contains($"bulwark: the configuration file '{config}' is not valid JSON: '}}' is an invalid start of a value. LineNumber: 0 | BytePositionInLine: 27.", output, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(config);
        }
    }
}
