using System.Globalization;

namespace Bulwark.Gateway.Tests.Load;

/// <summary>
/// Runs <c>bench/load/fleet.sh --quick</c> (its own redis-server, the load upstream, a gateway alone and one sharing state
/// on Redis, budgeted chat completions and plain GETs on both at a fixed rate) and checks that every target served every
/// request it was sent with a 2xx, that the gateway in a fleet reached Redis for its budgeted requests, and that the report
/// was written: no assertion on speed, so a busy machine cannot make it fail. It needs bash, curl, redis-server and
/// redis-cli: <c>eng/test.sh</c> installs them; neither the test nor the script installs anything.
/// </summary>
[Collection(QuickLoadHarnessCollection.Name)]
public sealed class QuickFleetHarnessTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task RunQuick_AloneAndInAFleet_EveryTargetServesEveryRequestAndWritesReport()
    {
        LoadScript.RequirePrograms(("curl", "curl"), ("redis-server", "redis-server"), ("redis-cli", "redis-tools"));
        string output = Path.Combine(Path.GetTempPath(), $"bulwark-fleet-test-{Guid.NewGuid():N}");
        Directory.CreateDirectory(output);
        try
        {
            var (exitCode, log) = await LoadScript.RunQuickAsync("fleet.sh", output, Bound);
            Assert.True(exitCode == 0, $"fleet.sh --quick exited {exitCode}:\n{LoadScript.Tail(log)}");

            string summary = await File.ReadAllTextAsync(Path.Combine(output, "fleet-summary.tsv"));
            var rows = summary.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Skip(1)
                .Select(line => line.Split('\t'))
                .ToList();
            foreach (string target in new[] { "a-chat", "b-chat", "a-get", "b-get" })
            {
                var runs = rows.Where(r => r[0] == target).ToList();
                Assert.True(runs.Count > 0, $"no run of {target} in:\n{summary}");
                foreach (var run in runs)
                {
                    long sent = Number(run[3]), ok = Number(run[4]), errors = Number(run[5]), timeouts = Number(run[6]);
                    Assert.True(sent > 0 && ok == sent && errors == 0 && timeouts == 0, $"{target} did not serve every request with a 2xx:\n{summary}");
                }
            }

            Assert.True(rows.Where(r => r[0] == "b-chat").All(r => Number(r[7]) > 0), $"the gateway in a fleet ran no Redis command for its budgeted requests:\n{summary}");

            string report = Assert.Single(Directory.GetFiles(output, "*-fleet-load.md"));
            string text = await File.ReadAllTextAsync(report);
            Assert.Contains("## What the fleet adds", text, StringComparison.Ordinal);
            Assert.Contains("## Goals", text, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    private static long Number(string text) => long.Parse(text, CultureInfo.InvariantCulture);
}
