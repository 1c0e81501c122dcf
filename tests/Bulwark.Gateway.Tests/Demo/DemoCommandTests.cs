using System.Globalization;
using System.Text.RegularExpressions;
using Bulwark.Gateway.Demo;

namespace Bulwark.Gateway.Tests.Demo;

public class DemoCommandTests
{
    [Fact]
    public async Task RunAsync_SmallWorkload_BulwarkBeatsDirectAndReportsBreakerTransitions()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        using var output = new StringWriter(CultureInfo.InvariantCulture);

        int exitCode = await DemoCommand.RunAsync(output, new DemoSettings { Requests = 600 }, timeout.Token);

        string text = output.ToString();
        double bulwark = SummaryRate(text, "through Bulwark");
        double[] direct = [SummaryRate(text, "direct to flaky"), SummaryRate(text, "direct to throttled"), SummaryRate(text, "direct to outage")];
        Assert.True(direct.All(d => bulwark >= d), text);
        Assert.Equal(0, exitCode);
        Assert.Matches(@"outage\s+Closed -> Open\s+failure rate", text);
    }

    [Fact]
    public void Flaky_SameRequestNumbers_FailTheSameWayAboutFifteenPercentOfTheTime()
    {
        var first = SampleFaults.Flaky();
        var second = SampleFaults.Flaky();

        var faults = Enumerable.Range(0, 10_000).Select(n => first(n)).ToArray();

        Assert.Equal(faults, Enumerable.Range(0, 10_000).Select(n => second(n)));
        Assert.InRange(faults.Count(f => f != SampleFault.None), 1_400, 1_600);
        Assert.Contains(SampleFault.ServiceUnavailable, faults);
        Assert.Contains(SampleFault.Reset, faults);
    }

    [Fact]
    public void Outage_FollowsTheRunsProgress()
    {
        var progress = new WorkloadProgress();
        var outage = SampleFaults.Outage(progress, 0.3, 0.6);
        progress.Begin(10);

        var seen = new List<SampleFault>();
        for (int i = 0; i < 10; i++)
        {
            progress.Sent();
            seen.Add(outage(i));
        }

        // Requests 3, 4 and 5 of 10 are sent while 30% to 60% of the run is under way.
        Assert.Equal([0, 0, 1, 1, 1, 0, 0, 0, 0, 0], seen.Select(f => f == SampleFault.Down ? 1 : 0));
    }

    private static double SummaryRate(string text, string label)
    {
        var match = Regex.Match(text, "^  " + Regex.Escape(label) + @"\s+(\d+(\.\d+)?)%", RegexOptions.Multiline);
        Assert.True(match.Success, $"no summary line for '{label}' in:\n{text}");
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }
}
