using System.Globalization;

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
        LoadScript.RequirePrograms(("nginx", "nginx"), ("haproxy", "haproxy"), ("wrk", "wrk"), ("curl", "curl"));
        string output = Path.Combine(Path.GetTempPath(), $"bulwark-load-test-{Guid.NewGuid():N}");
        Directory.CreateDirectory(output);
        try
        {
            var (exitCode, log) = await LoadScript.RunQuickAsync("run.sh", output, Bound);
            Assert.True(exitCode == 0, $"run.sh --quick exited {exitCode}:\n{LoadScript.Tail(log)}");

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
}
