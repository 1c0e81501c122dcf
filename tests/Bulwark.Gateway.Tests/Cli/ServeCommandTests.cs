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
}
