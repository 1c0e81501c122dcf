using System.Net;
using System.Text.RegularExpressions;
using Bulwark.Gateway.Tests.Infrastructure;

namespace Bulwark.Gateway.Tests.Samples;

/// <summary>
/// Each gateway sample's README, run as written where it runs offline: its <c>export</c> lines give the environment (with
/// stand-in secrets), every <c>bulwark check-config</c> line runs from the repository's root and must exit as its comment
/// says (and print what the comment quotes), and every <c>bulwark serve</c> line starts a gateway that answers
/// <c>/health/live</c> (on a free port instead of the one the README names). Every sample with a <c>bulwark.json</c> has a
/// README that checks it with <c>check-config --production</c>.
/// </summary>
public partial class SampleReadmeTests
{
    public static TheoryData<string> GatewaySamples() => [.. GatewaySampleNames()];

    private static List<string> GatewaySampleNames() =>
        [.. Directory.EnumerateDirectories(RepositoryFiles.PathOf("samples"))
            .Where(static d => File.Exists(Path.Combine(d, "bulwark.json")))
            .Select(static d => Path.GetFileName(d))
            .Order(StringComparer.Ordinal)];

    [Fact]
    public void EverySample_IsAGatewaySampleOrTheLibraryQuickstart()
    {
        var others = Directory.EnumerateDirectories(RepositoryFiles.PathOf("samples"))
            .Select(Path.GetFileName)
            .Where(static name => !File.Exists(RepositoryFiles.PathOf("samples", name!, "bulwark.json")))
            .ToList();

        // The quickstart is a library sample (dotnet run --project samples/quickstart): no gateway configuration to check.
        Assert.Equal(["quickstart"], others);
        Assert.Equal(["ai-providers", "uploads"], GatewaySampleNames());
    }

    [Theory]
    [MemberData(nameof(GatewaySamples))]
    public async Task Readme_CheckConfigCommands_ExitAsTheirCommentsSay_AndIncludeTheProductionCheck(string sample)
    {
        var readme = Readme.Parse(RepositoryFiles.PathOf("samples", sample, "README.md"));
        var checks = readme.Commands.Where(static c => c.Arguments[0] == "check-config").ToList();
        Assert.Contains(checks, c => c.Arguments.Contains("--production") && c.Arguments.Contains($"samples/{sample}/bulwark.json"));

        foreach (var check in checks)
        {
            var result = await RunAsync(check.Arguments, readme.Environment);
            Assert.True(result.ExitCode == 0, $"{check.Line}: {result}");
            foreach (string quoted in check.Quoted)
            {
                Assert.Contains(quoted, result.Output, StringComparison.Ordinal);
            }
        }
    }

    [Theory]
    [MemberData(nameof(GatewaySamples))]
    public async Task Readme_ServeCommand_StartsAGatewayThatAnswersLive(string sample)
    {
        var readme = Readme.Parse(RepositoryFiles.PathOf("samples", sample, "README.md"));
        var serve = Assert.Single(readme.Commands, static c => c.Arguments[0] == "serve");
        string url = $"http://127.0.0.1:{FreePort()}";
        var arguments = WithUrls(serve.Arguments, url);
        var environment = new Dictionary<string, string>(readme.Environment) { ["Bulwark__Storage__Path"] = TestStore.NewPath() };

        var start = GatewayExecutable.StartInfo(arguments);
        start.WorkingDirectory = RepositoryFiles.Root;
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            using var probe = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(2) };
            await Poll.UntilAsync(() => !process.HasExited && GatewayProcess.Live(probe), $"{serve.Line} to answer /health/live", TimeSpan.FromSeconds(60));
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }

        _ = await stdout + await stderr;
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static List<string> WithUrls(IReadOnlyList<string> arguments, string url)
    {
        var result = new List<string>();
        for (int i = 0; i < arguments.Count; i++)
        {
            if (arguments[i] == "--urls")
            {
                i++;
                continue;
            }

            result.Add(arguments[i]);
        }

        result.AddRange(["--urls", url]);
        return result;
    }

    private static Task<ProcessRun.Result> RunAsync(IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment)
    {
        var (fileName, all) = GatewayExecutable.For(arguments);
        return ProcessRun.RunAsync(
            fileName,
            all,
            RepositoryFiles.Root,
            TimeSpan.FromSeconds(60),
            environment.ToDictionary(static p => p.Key, static p => (string?)p.Value));
    }

    /// <summary>One <c>bulwark</c> line of a README: its arguments, and the texts its comment quotes.</summary>
    private sealed record ReadmeCommand(string Line, IReadOnlyList<string> Arguments, IReadOnlyList<string> Quoted);

    /// <summary>The shell blocks of a README: the environment its <c>export</c> lines set and its <c>bulwark</c> commands.</summary>
    private sealed partial record Readme(IReadOnlyDictionary<string, string> Environment, IReadOnlyList<ReadmeCommand> Commands)
    {
        public static Readme Parse(string path)
        {
            var environment = new Dictionary<string, string>(StringComparer.Ordinal);
            var commands = new List<ReadmeCommand>();
            bool inShell = false;
            foreach (string raw in File.ReadLines(path))
            {
                string line = raw.Trim();
                if (line.StartsWith("```", StringComparison.Ordinal))
                {
                    inShell = !inShell && line is "```sh" or "```bash";
                    continue;
                }

                if (!inShell)
                {
                    continue;
                }

                int hash = line.IndexOf(" #", StringComparison.Ordinal);
                string code = (hash >= 0 ? line[..hash] : line).Trim();
                string comment = hash >= 0 ? line[(hash + 2)..] : string.Empty;
                if (code.StartsWith("export ", StringComparison.Ordinal))
                {
                    string assignments = code["export ".Length..].Replace("$(openssl rand -hex 32)", "$GENERATED", StringComparison.Ordinal);
                    foreach (string pair in assignments.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                    {
                        string name = pair[..pair.IndexOf('=', StringComparison.Ordinal)];
                        // Stand-ins for the secrets a reader puts there (a generated admin token is 64 hex digits).
                        environment[name] = pair.EndsWith("=$GENERATED", StringComparison.Ordinal) ? new string('a', 64) : $"test-{name.ToLowerInvariant()}";
                    }
                }
                else if (code.StartsWith("bulwark ", StringComparison.Ordinal))
                {
                    var quoted = Quoted().Matches(comment).Select(static m => m.Groups[1].Value).ToList();
                    commands.Add(new ReadmeCommand(code, code["bulwark ".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries), quoted));
                }
            }

            return new Readme(environment, commands);
        }

        [GeneratedRegex("\"([^\"]+)\"")]
        private static partial Regex Quoted();
    }
}
