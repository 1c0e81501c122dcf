using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Bulwark.Gateway.Tests.Load;

/// <summary>
/// Runs <c>bench/load/run.sh --quick</c> (direct, Bulwark, plain YARP, nginx, HAProxy on loopback, one fault scenario)
/// and checks only that every target served requests and that a report was written: no assertion on speed, so a busy
/// machine cannot make it fail. It needs bash, curl, nginx, haproxy and wrk: <c>eng/test.sh</c> installs them; neither the
/// test nor the script installs anything, and a missing one fails the test with the package to install.
/// </summary>
[Collection(QuickLoadHarnessCollection.Name)]
public sealed class QuickLoadHarnessTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task RunQuick_EveryTarget_ServesRequestsAndWritesReport()
    {
        RequirePrograms(("nginx", "nginx"), ("haproxy", "haproxy"), ("wrk", "wrk"), ("curl", "curl"));
        string repo = RepositoryRoot();
        string output = Path.Combine(Path.GetTempPath(), $"bulwark-load-test-{Guid.NewGuid():N}");
        Directory.CreateDirectory(output);
        try
        {
            var (exitCode, log) = await RunAsync(repo, output);
            Assert.True(exitCode == 0, $"run.sh --quick exited {exitCode}:\n{Tail(log)}");

            string summary = await File.ReadAllTextAsync(Path.Combine(output, "load-summary.tsv"));
            var rows = summary.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Skip(1)
                .Select(line => line.Split('\t'))
                .ToList();
            foreach (string target in new[] { "direct", "bulwark", "yarp", "nginx", "haproxy" })
            {
                var row = rows.SingleOrDefault(r => r[0] == target);
                Assert.True(row is not null, $"no row for {target} in:\n{summary}");
                long served = long.Parse(row[1], CultureInfo.InvariantCulture) + long.Parse(row[3], CultureInfo.InvariantCulture);
                Assert.True(served > 0, $"{target} served no requests:\n{summary}");
            }

            foreach (string system in new[] { "fault:bulwark", "fault:nginx", "fault:haproxy" })
            {
                var row = rows.SingleOrDefault(r => r[0] == system);
                Assert.True(row is not null && long.Parse(row[2], CultureInfo.InvariantCulture) > 0, $"no fault run for {system} in:\n{summary}");
            }

            string report = Assert.Single(Directory.GetFiles(output, "*-load.md"));
            string text = await File.ReadAllTextAsync(report);
            Assert.Contains("Bulwark as ratios", text, StringComparison.Ordinal);
            Assert.Contains("## Fault runs", text, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    private static async Task<(int ExitCode, string Log)> RunAsync(string repo, string output)
    {
        // timeout(1) sends SIGTERM first, so the script's trap stops every process it started; SIGKILL 20 s later.
        var start = new ProcessStartInfo("timeout")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = repo,
        };
        foreach (string arg in new[]
        {
            "--kill-after=20", ((int)Bound.TotalSeconds).ToString(CultureInfo.InvariantCulture),
            "bash", Path.Combine(repo, "bench", "load", "run.sh"), "--quick", "--no-build",
            "--configuration", BuildConfiguration(), "--out", output,
        })
        {
            start.ArgumentList.Add(arg);
        }

        var log = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(log, e.Data);
        process.ErrorDataReceived += (_, e) => Append(log, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var bound = new CancellationTokenSource(Bound + TimeSpan.FromSeconds(40));
        try
        {
            await process.WaitForExitAsync(bound.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        lock (log)
        {
            return (process.ExitCode, log.ToString());
        }
    }

    private static void Append(StringBuilder log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            log.AppendLine(line);
        }
    }

    private static void RequirePrograms(params (string Program, string Package)[] programs)
    {
        string[] path = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        var missing = programs.Where(p => !path.Any(dir => File.Exists(Path.Combine(dir, p.Program)))).Select(p => p.Package).Distinct().ToList();
        Assert.True(
            missing.Count == 0,
            $"The load harness needs the Debian package(s) {string.Join(", ", missing)}: run the tests with eng/test.sh (it installs them as root) or apt-get install -y {string.Join(' ', missing)}.");
    }

    private static string Tail(string log) => log.Length <= 6000 ? log : log[^6000..];

    /// <summary>The configuration this test assembly was built in; the script uses the gateway and tools of the same build.</summary>
    private static string BuildConfiguration() =>
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Bulwark.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Bulwark.sln not found above " + AppContext.BaseDirectory);
    }
}
