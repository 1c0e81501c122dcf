using System.Diagnostics;
using Bulwark.Gateway.Hosting;
using Bulwark.Gateway.Routing;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Bulwark.Gateway.Demo;

/// <summary>
/// The <c>bulwark demo</c> command: starts three misbehaving sample providers and the gateway on 127.0.0.1, sends the
/// same bounded workload straight to each provider and then through the gateway, and prints what Bulwark changed.
/// </summary>
internal static class DemoCommand
{
    /// <summary>Runs the demo; returns 0 when more requests succeeded through the gateway than against any single provider.</summary>
    public static Task<int> RunAsync(TextWriter output, CancellationToken cancellation) => RunAsync(output, new DemoSettings(), cancellation);

    public static async Task<int> RunAsync(TextWriter output, DemoSettings settings, CancellationToken cancellation)
    {
        var outcome = await RunDemoAsync(output, settings, cancellation).ConfigureAwait(false);
        return outcome.BulwarkWon ? 0 : 1;
    }

    public static async Task<DemoOutcome> RunDemoAsync(TextWriter output, DemoSettings settings, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(settings);
        long started = Stopwatch.GetTimestamp();
        var progress = new WorkloadProgress();
        var providers = new List<SampleProvider>();
        var storeDirectory = Directory.CreateTempSubdirectory("bulwark-demo-");
        try
        {
            providers.Add(await SampleProvider.StartAsync(
                "flaky", "fails about 15% of requests: 503, or the connection is reset", SampleFaults.Flaky(), settings.ServiceTime, cancellation).ConfigureAwait(false));
            providers.Add(await SampleProvider.StartAsync(
                "throttled", "answers 429 with Retry-After: 1 to 10 requests in every 100", SampleFaults.Throttled(), settings.ServiceTime, cancellation).ConfigureAwait(false));
            providers.Add(await SampleProvider.StartAsync(
                "outage",
                FormattableString.Invariant($"goes down (connections reset) from {settings.OutageStart * 100:0}% to {settings.OutageEnd * 100:0}% of each run's requests, then comes back"),
                SampleFaults.Outage(progress, settings.OutageStart, settings.OutageEnd),
                settings.ServiceTime,
                cancellation).ConfigureAwait(false));

            // The provider that goes down leads the route, so its breaker has work to do; the others back it up.
            SampleProvider[] chain = [providers[2], providers[1], providers[0]];
            var app = GatewayHost.Build(new GatewayHostSettings(null, DemoGatewayConfig.Create(chain), ["http://127.0.0.1:0"])
            {
                // The demo's figures must not depend on the caller's RETRY_* or Bulwark__* variables.
                Environment = static _ => null,
                EnvironmentOverrides = false,
                // Polly logs every opened circuit as an error; the report shows those transitions in plain words instead.
                MinimumLogLevel = LogLevel.Critical,

                // The embedded default store, in a directory of the demo's own, removed when it ends.
                StorePath = Path.Combine(storeDirectory.FullName, "bulwark.db"),
            });
            await using (app.ConfigureAwait(false))
            {
                await app.StartAsync(cancellation).ConfigureAwait(false);
                var gateway = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
                using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false })
                {
                    Timeout = TimeSpan.FromSeconds(30),
                };

                DemoReport.WriteIntro(output, settings, providers, gateway, chain);
                var direct = new List<WorkloadRun>();
                foreach (var provider in providers)
                {
                    BeginRun(providers);
                    var run = await DemoWorkload.RunAsync(client, provider.Name, provider.BaseAddress, settings, progress, cancellation).ConfigureAwait(false);
                    direct.Add(run);
                    DemoReport.WriteDirect(output, run);
                }

                DemoReport.WriteGatewayHeader(output, settings);
                using var breakers = new BreakerWatch(app.Services.GetRequiredService<LiveGatewayConfiguration>().Table);
                BeginRun(providers);
                breakers.Restart();
                var through = await DemoWorkload.RunAsync(client, "Bulwark", gateway, settings, progress, cancellation).ConfigureAwait(false);
                var transitions = breakers.Transitions;
                DemoReport.WriteGateway(output, through, [.. chain.Select(p => p.Name)], transitions);

                await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
                var outcome = new DemoOutcome(direct, through, chain[0].Name, transitions, Stopwatch.GetElapsedTime(started));
                DemoReport.WriteSummary(output, outcome);
                return outcome;
            }
        }
        finally
        {
            foreach (var provider in providers)
            {
                await provider.DisposeAsync().ConfigureAwait(false);
            }

            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            storeDirectory.Delete(recursive: true);
        }
    }

    private static void BeginRun(List<SampleProvider> providers)
    {
        foreach (var provider in providers)
        {
            provider.BeginRun();
        }
    }
}
