using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Bulwark.Gateway.Tests.Load;

/// <summary>
/// Runs one of the load harness's scripts (bench/load) as the CI tests do: <c>--quick --no-build</c> with the builds of
/// this test assembly's configuration, bounded by timeout(1), its output kept for the failure message.
/// </summary>
internal static class LoadScript
{
    /// <summary>Runs <c>bash bench/load/<paramref name="script"/> --quick --no-build --configuration C --out <paramref name="output"/></c>.</summary>
    public static async Task<(int ExitCode, string Log)> RunQuickAsync(string script, string output, TimeSpan bound)
    {
        string repo = RepositoryRoot();

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
            "--kill-after=20", ((int)bound.TotalSeconds).ToString(CultureInfo.InvariantCulture),
            "bash", Path.Combine(repo, "bench", "load", script), "--quick", "--no-build",
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
        using var deadline = new CancellationTokenSource(bound + TimeSpan.FromSeconds(40));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
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

    /// <summary>Fails with the Debian packages to install when a program is not on the PATH.</summary>
    public static void RequirePrograms(params (string Program, string Package)[] programs)
    {
        string[] path = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        var missing = programs.Where(p => !path.Any(dir => File.Exists(Path.Combine(dir, p.Program)))).Select(p => p.Package).Distinct().ToList();
        Assert.True(
            missing.Count == 0,
            $"The load harness needs the Debian package(s) {string.Join(", ", missing)}: run the tests with eng/test.sh (it installs them as root) or apt-get install -y {string.Join(' ', missing)}.");
    }

    /// <summary>The end of a long log, for an assertion message.</summary>
    public static string Tail(string log) => log.Length <= 6000 ? log : log[^6000..];

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
