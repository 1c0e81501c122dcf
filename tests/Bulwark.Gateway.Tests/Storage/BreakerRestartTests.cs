using System.Net;
using Bulwark.Gateway.Tests.Infrastructure;

namespace Bulwark.Gateway.Tests.Storage;

/// <summary>A circuit breaker opened before a restart is still open after it: the dead provider is not called again until its break ends, and then once.</summary>
public sealed class BreakerRestartTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task OpenBreaker_SurvivesARestart_ThenProbesOnceAfterOpenUntil(bool killed)
    {
        await using var dead = await Upstream.StartAsync();
        dead.Behaviour = Upstream.Status(503);
        await using var backup = await Upstream.StartAsync();
        string store = TestStore.NewPath();

        // The break is real time and must outlast the rest of the first process, its stop and the second's start: on a
        // loaded two-core machine that took more than 8 s, and the first request after the restart already probed.
        string config = $$"""
            {
              "Bulwark": {
                "Shutdown": { "DrainDelay": "00:00:00", "DrainTimeout": "00:00:05" },
                "Pipelines": {
                  "default": {
                    "Retry": { "MaxRetries": 0 },
                    "CircuitBreaker": { "Mode": "ConsecutiveFailures", "FailureThreshold": 3, "BreakDuration": "00:00:20" },
                    "Timeout": { "Attempt": "00:00:05", "Total": "00:00:10" }
                  }
                },
                "Providers": {
                  "dead":   { "BaseUrl": "{{dead.BaseAddress.ToString().TrimEnd('/')}}" },
                  "backup": { "BaseUrl": "{{backup.BaseAddress.ToString().TrimEnd('/')}}" }
                },
                "Routes": [ { "Path": "/api/{**rest}", "Providers": [ "dead", "backup" ] } ]
              }
            }
            """;

        await using (var first = await GatewayProcess.StartAsync(config, store))
        {
            using var client = new HttpClient { BaseAddress = first.Address };
            for (int i = 0; i < 8; i++)
            {
                using var response = await client.GetAsync("/api/x");
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }

            Assert.Equal(3, dead.Requests);
            if (killed)
            {
                // No drain, no flush: the state must already be in the file, saved when the breaker opened.
                await Poll.UntilAsync(() => SavedOpen(store), "the open breaker to be saved");
                await first.KillAsync();
            }
            else
            {
                await first.TerminateAsync();
                await first.WaitForExitAsync(TimeSpan.FromSeconds(20));
                Assert.Equal(0, first.ExitCode);
            }
        }

        int before = dead.Requests;
        await using var second = await GatewayProcess.StartAsync(config, store);
        using (var client = new HttpClient { BaseAddress = second.Address })
        {
            using var firstAfterRestart = await client.GetAsync("/api/x");
            Assert.Equal(HttpStatusCode.OK, firstAfterRestart.StatusCode);
            Assert.Equal(before, dead.Requests);
            Assert.Contains("restored Open", second.Output, StringComparison.Ordinal);

            // After open-until, the next request probes the dead provider once; the probe fails and the breaker opens again.
            await Poll.UntilAsync(
                () =>
                {
                    using var response = client.GetAsync("/api/x").GetAwaiter().GetResult();
                    return dead.Requests > before;
                },
                "the breaker to probe after its open-until",
                TimeSpan.FromSeconds(45));
            for (int i = 0; i < 5; i++)
            {
                using var response = await client.GetAsync("/api/x");
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }

            Assert.Equal(before + 1, dead.Requests);
        }
    }

    private static bool SavedOpen(string store)
    {
        if (!File.Exists(store))
        {
            return false;
        }

        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={store};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM breaker_state WHERE key = 'default/dead' AND state = 1;";
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 1;
    }
}
