using System.Net.Http.Headers;
using System.Net;
using System.Text.Json;
using Bulwark.Gateway.Reload;
using Bulwark.Gateway.Routing;
using Bulwark.Gateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Polly.CircuitBreaker;

namespace Bulwark.Gateway.Tests.Reload;

/// <summary>Live reload of the configuration file, end to end: a real file, real upstreams, the gateway in-process.</summary>
public class ConfigurationReloadTests
{
    private const string Token = "admin-token-0123456789abcdef";

    /// <summary>Timeouts far beyond the test, so held requests are decided by the test alone.</summary>
    private const string PatientPipeline = """
        {
          "Retry": { "MaxRetries": 2, "Backoff": "Constant", "Jitter": "None", "BaseDelay": "00:00:00" },
          "CircuitBreaker": { "Mode": "ConsecutiveFailures", "FailureThreshold": 5, "BreakDuration": "00:00:30" },
          "Timeout": { "Attempt": "00:01:00", "Total": "00:02:00" }
        }
        """;

    /// <summary>As <see cref="Configs.FastPipeline"/>, but one retry fewer: a changed pipeline for the same provider.</summary>
    private const string ChangedPipeline = """
        {
          "Retry": { "MaxRetries": 1, "Backoff": "Constant", "Jitter": "None", "BaseDelay": "00:00:00", "MaxRetryAfter": "00:00:00.050" },
          "CircuitBreaker": { "Mode": "ConsecutiveFailures", "FailureThreshold": 5, "BreakDuration": "00:00:30" },
          "Timeout": { "Attempt": "00:00:05", "Total": "00:00:20" },
          "Bulkhead": { "MaxConcurrency": 50, "QueueLimit": 50 }
        }
        """;

    [Fact]
    public async Task Reload_WhileRequestsInFlight_FinishesThem_AndAppliesNewRemovedAndChangedRoutes()
    {
        const int Held = 10;
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var oldPrimary = await Upstream.StartAsync();
        await using var newPrimary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        oldPrimary.Behaviour = async (context, n) =>
        {
            await release.Task;
            await Upstream.Ok(context, n);
        };

        using var file = ConfigFile.Create(Config(
            PatientPipeline,
            providers: [("primary", oldPrimary.BaseAddress), ("secondary", secondary.BaseAddress)],
            routes: [("/api/{**rest}", ["primary"]), ("/old/{**rest}", ["secondary"])]));
        await using var gateway = await GatewayUnderTest.StartFromFileAsync(file.Path);
        var held = Enumerable.Range(0, Held).Select(i => gateway.Client.GetAsync($"/api/held/{i}")).ToArray();
        try
        {
            await Poll.UntilAsync(() => oldPrimary.Requests == Held, $"the old primary to hold all {Held} requests");
            using (var before = await gateway.Client.GetAsync("/old/item"))
            {
                Assert.Equal(HttpStatusCode.OK, before.StatusCode);
            }

            file.Replace(Config(
                PatientPipeline,
                providers: [("primary", newPrimary.BaseAddress), ("secondary", secondary.BaseAddress)],
                routes: [("/api/{**rest}", ["primary"]), ("/new/{**rest}", ["secondary"])]));
            await UntilGenerationAsync(gateway, 2);

            using (var added = await gateway.Client.GetAsync("/new/item"))
            {
                Assert.Equal(HttpStatusCode.OK, added.StatusCode);
                Assert.Equal("secondary", added.Headers.GetValues("X-Bulwark-Provider").Single());
            }

            using (var removed = await gateway.Client.GetAsync("/old/item"))
            {
                Assert.Equal(HttpStatusCode.NotFound, removed.StatusCode);
                var problem = await Problem.ReadAsync(removed);
                Assert.Equal(404, problem.GetProperty("status").GetInt32());
            }

            using (var moved = await gateway.Client.GetAsync("/api/fresh"))
            {
                Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
                Assert.Equal("primary", moved.Headers.GetValues("X-Bulwark-Provider").Single());
            }

            Assert.Equal(1, newPrimary.Requests);
            Assert.Equal("/api/fresh", newPrimary.Snapshot().Single().PathAndQuery);
            Assert.Equal(Held, oldPrimary.Requests);
            Assert.All(held, request => Assert.False(request.IsCompleted, "a held request finished before its upstream answered"));

            release.SetResult();
            var responses = await Poll.WithinAsync(Task.WhenAll(held), "the requests held across the reload to finish");
            try
            {
                Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
                Assert.All(responses, r => Assert.Equal("primary", r.Headers.GetValues("X-Bulwark-Provider").Single()));
            }
            finally
            {
                foreach (var response in responses)
                {
                    response.Dispose();
                }
            }

            // Every held request was answered by the provider it started on, none re-sent to the new address.
            Assert.Equal(Held, oldPrimary.Requests);
            Assert.Equal(1, newPrimary.Requests);
        }
        finally
        {
            release.TrySetResult();
        }
    }

    [Fact]
    public async Task Reload_RepeatedUnderSteadyTraffic_NoRequestFails()
    {
        const int Reloads = 6;
        await using var blue = await Upstream.StartAsync();
        await using var green = await Upstream.StartAsync();
        string ConfigFor(int generation) => Config(
            Configs.FastPipeline,
            providers: [("primary", generation % 2 == 0 ? green.BaseAddress : blue.BaseAddress)],
            routes: [("/api/{**rest}", ["primary"]), ($"/gen{generation}/{{**rest}}", ["primary"])]);
        using var file = ConfigFile.Create(ConfigFor(1));
        await using var gateway = await GatewayUnderTest.StartFromFileAsync(file.Path);

        using var stop = new CancellationTokenSource();
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        int succeeded = 0;
        var traffic = Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
        {
            for (int i = 0; !stop.IsCancellationRequested; i++)
            {
                using var response = await gateway.Client.GetAsync($"/api/{worker}/{i}");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref succeeded);
                }
                else
                {
                    failures.Enqueue($"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                }
            }
        })).ToArray();

        for (int generation = 2; generation <= Reloads + 1; generation++)
        {
            int before = Volatile.Read(ref succeeded);
            await Poll.UntilAsync(() => Volatile.Read(ref succeeded) > before + 20, "traffic to flow before the next reload");
            file.Replace(ConfigFor(generation));
            await UntilGenerationAsync(gateway, generation);
        }

        stop.Cancel();
        await Poll.WithinAsync(Task.WhenAll(traffic), "the traffic to stop");

        Assert.Empty(failures);
        Assert.True(blue.Requests > 0 && green.Requests > 0, $"both addresses served: blue {blue.Requests}, green {green.Requests}");
        using var last = await gateway.Client.GetAsync($"/gen{Reloads + 1}/item");
        Assert.Equal(HttpStatusCode.OK, last.StatusCode);
        using var earlier = await gateway.Client.GetAsync($"/gen{Reloads}/item");
        Assert.Equal(HttpStatusCode.NotFound, earlier.StatusCode);
    }

    [Fact]
    public async Task Reload_ProviderUnchanged_KeepsItsOpenBreaker_AndSendsItNothing()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        primary.Behaviour = Upstream.Status(503);
        using var file = ConfigFile.Create(Config(
            Configs.FastPipeline,
            providers: [("primary", primary.BaseAddress), ("secondary", secondary.BaseAddress)],
            routes: [("/api/{**rest}", ["primary", "secondary"])]));
        await using var gateway = await GatewayUnderTest.StartFromFileAsync(file.Path);
        var live = gateway.Services.GetRequiredService<LiveGatewayConfiguration>();
        var before = live.Table.Providers["primary"].Pipeline;
        await OpenBreakerAsync(gateway, before.CircuitBreaker!);
        int primaryHits = primary.Requests;

        file.Replace(Config(
            Configs.FastPipeline,
            providers: [("primary", primary.BaseAddress), ("secondary", secondary.BaseAddress)],
            routes: [("/api/{**rest}", ["primary", "secondary"]), ("/extra/{**rest}", ["secondary"])]));
        await UntilGenerationAsync(gateway, 2);

        var after = live.Table.Providers["primary"].Pipeline;
        Assert.Same(before, after);
        Assert.Equal(CircuitState.Open, after.CircuitBreaker!.State);
        using (var response = await gateway.Client.GetAsync("/api/after-reload"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("secondary", response.Headers.GetValues("X-Bulwark-Provider").Single());
        }

        Assert.Equal(primaryHits, primary.Requests);
    }

    [Fact]
    public async Task Reload_ProviderPipelineChanged_CarriesItsOpenBreakerOver_AndSendsItNothing()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        primary.Behaviour = Upstream.Status(503);
        using var file = ConfigFile.Create(Config(
            Configs.FastPipeline,
            providers: [("primary", primary.BaseAddress), ("secondary", secondary.BaseAddress)],
            routes: [("/api/{**rest}", ["primary", "secondary"])]));
        var logs = new RecordingLoggerProvider();
        await using var gateway = await GatewayUnderTest.StartFromFileAsync(file.Path, logs);
        var live = gateway.Services.GetRequiredService<LiveGatewayConfiguration>();
        var before = live.Table.Providers["primary"].Pipeline;
        await OpenBreakerAsync(gateway, before.CircuitBreaker!);
        int primaryHits = primary.Requests;

        file.Replace(Config(
            ChangedPipeline,
            providers: [("primary", primary.BaseAddress), ("secondary", secondary.BaseAddress)],
            routes: [("/api/{**rest}", ["primary", "secondary"])]));
        await UntilGenerationAsync(gateway, 2);

        var after = live.Table.Providers["primary"].Pipeline;
        Assert.NotSame(before, after);
        Assert.Equal(CircuitState.Open, after.CircuitBreaker!.State);
        using (var response = await gateway.Client.GetAsync("/api/after-reload"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("secondary", response.Headers.GetValues("X-Bulwark-Provider").Single());
        }

        Assert.Equal(primaryHits, primary.Requests);
        Assert.Contains(logs.WithEventId(3206), r => r.Message.Contains("primary has a changed pipeline; its breaker state carried over (Open)", StringComparison.Ordinal));
        Assert.Contains(logs.WithEventId(3201), r => r.Message.Contains("generation 2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Reload_InvalidFile_LogsEveryErrorWithItsPath_KeepsServing_ShowsRejection_ThenAppliesTheFixedFile()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        using var file = ConfigFile.Create(Config(
            Configs.FastPipeline,
            providers: [("primary", primary.BaseAddress), ("secondary", secondary.BaseAddress)],
            routes: [("/api/{**rest}", ["primary"])]));
        var logs = new RecordingLoggerProvider();
        await using var gateway = await GatewayUnderTest.StartFromFileAsync(file.Path, logs);
        var status = gateway.Services.GetRequiredService<ConfigurationReloadStatus>();
        using var reloads = new ReloadCounter(gateway.Services);

        // A truncated file: not JSON at all.
        file.Replace("""{ "Bulwark": { "Routes": [ """);
        await Poll.UntilAsync(() => status.Last is { Outcome: ConfigurationReloadOutcome.Rejected }, "the truncated file to be rejected");
        Assert.StartsWith("The configuration file is not valid JSON: ", Assert.Single(status.Last!.Errors), StringComparison.Ordinal);

        // Valid JSON, invalid configuration: two errors, each reported with its path.
        file.Replace(Config(
            Configs.FastPipeline,
            providers: [("primary", primary.BaseAddress), ("secondary", new Uri("ftp://127.0.0.1:2121"))],
            routes: [("/api/{**rest}", ["primary"]), ("/ghost/{**rest}", ["ghost"])]));
        string[] expected =
        [
            "Bulwark:Providers:secondary:BaseUrl: 'ftp://127.0.0.1:2121' is not an absolute http or https URL.",
            "Bulwark:Routes:1:Providers:0: no provider named 'ghost' (configured: primary, secondary).",
        ];
        await Poll.UntilAsync(() => status.Last is { Outcome: ConfigurationReloadOutcome.Rejected, Errors.Count: 2 }, "the invalid configuration to be rejected");
        Assert.Equal(expected, status.Last!.Errors);
        await Poll.UntilAsync(() => logs.WithEventId(3203).Count >= 3, "every reload error to be logged");
        Assert.All(expected, error => Assert.Contains(logs.WithEventId(3203), r => r.Level == LogLevel.Error && r.Message == "Configuration reload error: " + error));
        Assert.Contains(logs.WithEventId(3202), r => r.Message.StartsWith("Configuration reload rejected with 2 error(s); generation 1 keeps serving: ", StringComparison.Ordinal));

        // The last good configuration still serves.
        Assert.Equal(1, gateway.Services.GetRequiredService<LiveGatewayConfiguration>().Generation);
        using (var stillServing = await gateway.Client.GetAsync("/api/item"))
        {
            Assert.Equal(HttpStatusCode.OK, stillServing.StatusCode);
        }

        var afterRejection = await AdminStatusAsync(gateway);
        Assert.False(afterRejection.GetProperty("configuration").TryGetProperty("Bulwark:Routes:1:Path", out _), "the rejected file is not the configuration in force");
        var rejected = afterRejection.GetProperty("configuration_reload");
        Assert.True(rejected.GetProperty("watching").GetBoolean());
        Assert.Equal(1, rejected.GetProperty("generation").GetInt32());
        Assert.Equal(0, rejected.GetProperty("applied").GetInt32());
        Assert.Equal(2, rejected.GetProperty("rejected").GetInt32());
        Assert.Equal("rejected", rejected.GetProperty("last").GetProperty("outcome").GetString());
        Assert.Equal(expected, rejected.GetProperty("last").GetProperty("errors").EnumerateArray().Select(e => e.GetString()));

        // Fixed: applied, with its new route.
        file.Replace(Config(
            Configs.FastPipeline,
            providers: [("primary", primary.BaseAddress), ("secondary", secondary.BaseAddress)],
            routes: [("/api/{**rest}", ["primary"]), ("/fixed/{**rest}", ["secondary"])]));
        await UntilGenerationAsync(gateway, 2);
        using (var added = await gateway.Client.GetAsync("/fixed/item"))
        {
            Assert.Equal(HttpStatusCode.OK, added.StatusCode);
            Assert.Equal("secondary", added.Headers.GetValues("X-Bulwark-Provider").Single());
        }

        var afterFix = await AdminStatusAsync(gateway);
        Assert.Equal("/fixed/{**rest}", afterFix.GetProperty("configuration").GetProperty("Bulwark:Routes:1:Path").GetString());
        var applied = afterFix.GetProperty("configuration_reload");
        Assert.Equal(2, applied.GetProperty("generation").GetInt32());
        Assert.Equal(1, applied.GetProperty("applied").GetInt32());
        Assert.Equal("applied", applied.GetProperty("last").GetProperty("outcome").GetString());
        Assert.Empty(applied.GetProperty("last").GetProperty("errors").EnumerateArray());
        Assert.Equal((1, 2), (reloads.Applied, reloads.Rejected));
    }

    [Fact]
    public async Task Reload_SettingThatNeedsRestart_IsWarnedAbout_AndTheRestIsApplied()
    {
        await using var primary = await Upstream.StartAsync();
        using var file = ConfigFile.Create(Config(
            Configs.FastPipeline,
            providers: [("primary", primary.BaseAddress)],
            routes: [("/api/{**rest}", ["primary"])]));
        var logs = new RecordingLoggerProvider();
        await using var gateway = await GatewayUnderTest.StartFromFileAsync(file.Path, logs);

        file.Replace(Config(
            Configs.FastPipeline,
            providers: [("primary", primary.BaseAddress)],
            routes: [("/api/{**rest}", ["primary"]), ("/more/{**rest}", ["primary"])],
            extra: """ "MaxBufferedBodyBytes": 2048, "Limits": { "MaxRequestBodyBytes": 1000 }, "Shutdown": { "DrainTimeout": "00:00:07" }, """));
        await UntilGenerationAsync(gateway, 2);

        // MaxBufferedBodyBytes is reloadable: the routes in force carry the new value, and it is not listed below.
        Assert.All(gateway.Services.GetRequiredService<LiveGatewayConfiguration>().Table.Routes, route => Assert.Equal(2048, route.MaxBufferedBodyBytes));

        var status = gateway.Services.GetRequiredService<ConfigurationReloadStatus>();
        Assert.Equal(["Bulwark:Limits:MaxRequestBodyBytes", "Bulwark:Shutdown:DrainTimeout"], status.Last!.RestartRequired);
        Assert.Contains(logs.WithEventId(3204), r => r.Level == LogLevel.Warning
            && r.Message == "Configuration reload: 2 changed setting(s) require restart and are not in force until then: Bulwark:Limits:MaxRequestBodyBytes, Bulwark:Shutdown:DrainTimeout");
        using (var added = await gateway.Client.GetAsync("/more/item"))
        {
            Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        }

        // Kestrel's body limit is still the one the gateway started with: a 2,000-byte body is accepted.
        using var content = new ByteArrayContent(new byte[2000]);
        using var post = await gateway.Client.PutAsync("/api/upload", content);
        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
    }

    [Fact]
    public async Task Reload_InvalidSettingThatNeedsRestart_IsRejectedAsAtStartUp_SoTheNextRestartCannotFail()
    {
        await using var primary = await Upstream.StartAsync();
        using var file = ConfigFile.Create(Config(
            Configs.FastPipeline,
            providers: [("primary", primary.BaseAddress)],
            routes: [("/api/{**rest}", ["primary"])]));
        await using var gateway = await GatewayUnderTest.StartFromFileAsync(file.Path);
        var status = gateway.Services.GetRequiredService<ConfigurationReloadStatus>();

        file.Replace(Config(
            Configs.FastPipeline,
            providers: [("primary", primary.BaseAddress)],
            routes: [("/api/{**rest}", ["primary"]), ("/more/{**rest}", ["primary"])],
            extra: """ "Telemetry": { "OtlpEndpoint": "not a url" }, """));
        await Poll.UntilAsync(() => status.Last is { Outcome: ConfigurationReloadOutcome.Rejected }, "the file to be rejected");

        Assert.Equal(
            ["Bulwark:Telemetry:OtlpEndpoint must be an absolute http or https URI, such as http://localhost:4317; got 'not a url'."],
            status.Last!.Errors);
        using var notAdded = await gateway.Client.GetAsync("/more/item");
        Assert.Equal(HttpStatusCode.NotFound, notAdded.StatusCode);
    }

    [Fact]
    public async Task Reload_RateLimitedRoute_KeepsItsClientsCounts_AndANewRouteGetsItsOwnLimit()
    {
        await using var primary = await Upstream.StartAsync();
        using var file = ConfigFile.Create(Config(
            Configs.FastPipeline,
            providers: [("primary", primary.BaseAddress)],
            routes: [("/api/{**rest}", ["primary"])],
            routeExtra: """, "RateLimit": { "RequestsPerMinutePerClient": 2 }"""));
        await using var gateway = await GatewayUnderTest.StartFromFileAsync(file.Path);
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], await StatusesAsync(gateway, "/api/item", 3));

        file.Replace(Config(
            Configs.FastPipeline,
            providers: [("primary", primary.BaseAddress)],
            routes: [("/api/{**rest}", ["primary"]), ("/other/{**rest}", ["primary"])],
            routeExtra: """, "RateLimit": { "RequestsPerMinutePerClient": 2 }"""));
        await UntilGenerationAsync(gateway, 2);

        // Unchanged route: its window carries on, so the client is still over its limit.
        Assert.Equal([HttpStatusCode.TooManyRequests], await StatusesAsync(gateway, "/api/item", 1));

        // The new route has a window of its own.
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], await StatusesAsync(gateway, "/other/item", 3));
    }

    [Fact]
    public async Task Reload_ProviderRemoved_LeavesHealthEndpointsAndAdmin_AndANewOneJoinsThem()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        using var file = ConfigFile.Create(Config(
            Configs.FastPipeline,
            providers: [("primary", primary.BaseAddress), ("secondary", secondary.BaseAddress)],
            routes: [("/api/{**rest}", ["primary"]), ("/b/{**rest}", ["secondary"])]));
        await using var gateway = await GatewayUnderTest.StartFromFileAsync(file.Path);
        foreach (var path in new[] { "/api/item", "/b/item" })
        {
            using var response = await gateway.Client.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(["primary", "secondary"], await ProviderNamesAsync(gateway));

        file.Replace(Config(
            Configs.FastPipeline,
            providers: [("primary", primary.BaseAddress), ("tertiary", secondary.BaseAddress)],
            routes: [("/api/{**rest}", ["primary", "tertiary"])]));
        await UntilGenerationAsync(gateway, 2);

        Assert.Equal(["primary", "tertiary"], await ProviderNamesAsync(gateway));
        var breakers = await gateway.Client.GetStringAsync("/health/circuit-breakers");
        Assert.DoesNotContain("secondary", breakers, StringComparison.Ordinal);
        Assert.Contains("tertiary", breakers, StringComparison.Ordinal);
        var status = await AdminStatusAsync(gateway);
        Assert.Equal(["primary", "tertiary"], status.GetProperty("providers").EnumerateArray().Select(p => p.GetString()!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Reload_PollingOff_TheFileEventAloneAppliesTheChange()
    {
        await using var primary = await Upstream.StartAsync();
        using var file = ConfigFile.Create(Config(
            Configs.FastPipeline,
            providers: [("primary", primary.BaseAddress)],
            routes: [("/api/{**rest}", ["primary"])],
            poll: "00:00:00"));
        await using var gateway = await GatewayUnderTest.StartFromFileAsync(file.Path);
        using (var before = await gateway.Client.GetAsync("/late/item"))
        {
            Assert.Equal(HttpStatusCode.NotFound, before.StatusCode);
        }

        file.Replace(Config(
            Configs.FastPipeline,
            providers: [("primary", primary.BaseAddress)],
            routes: [("/api/{**rest}", ["primary"]), ("/late/{**rest}", ["primary"])],
            poll: "00:00:00"));
        await UntilGenerationAsync(gateway, 2);

        using var after = await gateway.Client.GetAsync("/late/item");
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Equal(0d, (await AdminStatusAsync(gateway)).GetProperty("configuration_reload").GetProperty("poll_interval_seconds").GetDouble());
    }

    /// <summary>
    /// With <c>Reload:Enabled</c> off the gateway says so at start and keeps the configuration it started with: an edit
    /// that a gateway following its file applies meanwhile (the same edit, made after) changes nothing.
    /// </summary>
    [Fact]
    public async Task Reload_Disabled_AnEditedFileChangesNothing_WhileAGatewayFollowingItsFileAppliesTheSameEdit()
    {
        await using var primary = await Upstream.StartAsync();
        string Edit(bool late, bool reloadEnabled) => Config(
            Configs.FastPipeline,
            providers: [("primary", primary.BaseAddress)],
            routes: late ? [("/api/{**rest}", ["primary"]), ("/late/{**rest}", ["primary"])] : [("/api/{**rest}", ["primary"])],
            reloadEnabled: reloadEnabled);
        using var fixedFile = ConfigFile.Create(Edit(late: false, reloadEnabled: false));
        using var followedFile = ConfigFile.Create(Edit(late: false, reloadEnabled: true));
        var logs = new RecordingLoggerProvider();
        await using var fixedGateway = await GatewayUnderTest.StartFromFileAsync(fixedFile.Path, logs);
        await using var following = await GatewayUnderTest.StartFromFileAsync(followedFile.Path);

        fixedFile.Replace(Edit(late: true, reloadEnabled: false));
        followedFile.Replace(Edit(late: true, reloadEnabled: true));
        await UntilGenerationAsync(following, 2);

        using (var applied = await following.Client.GetAsync("/late/item"))
        {
            Assert.Equal(HttpStatusCode.OK, applied.StatusCode);
        }

        using (var unchanged = await fixedGateway.Client.GetAsync("/late/item"))
        {
            Assert.Equal(HttpStatusCode.NotFound, unchanged.StatusCode);
        }

        var status = (await AdminStatusAsync(fixedGateway)).GetProperty("configuration_reload");
        Assert.False(status.GetProperty("watching").GetBoolean());
        Assert.Equal(1, status.GetProperty("generation").GetInt32());
        Assert.Single(logs.WithEventId(Bulwark.Gateway.EventIds.ReloadOff));
        Assert.Empty(logs.WithEventId(Bulwark.Gateway.EventIds.ReloadWatching));
        Assert.Empty(logs.WithEventId(Bulwark.Gateway.EventIds.ReloadApplied));
    }

    /// <summary>The providers <c>/health/providers</c> reports on, in order.</summary>
    private static async Task<string[]> ProviderNamesAsync(GatewayUnderTest gateway)
    {
        using var document = JsonDocument.Parse(await gateway.Client.GetStringAsync("/health/providers"));
        return [.. document.RootElement.GetProperty("providers").EnumerateArray().Select(p => p.GetProperty("provider").GetString()!).Order(StringComparer.Ordinal)];
    }

    private static async Task<HttpStatusCode[]> StatusesAsync(GatewayUnderTest gateway, string path, int count)
    {
        var statuses = new HttpStatusCode[count];
        for (int i = 0; i < count; i++)
        {
            using var response = await gateway.Client.GetAsync(path);
            statuses[i] = response.StatusCode;
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.Equal("urn:bulwark:problem:rate-limited", (await Problem.ReadAsync(response)).GetProperty("type").GetString());
            }
        }

        return statuses;
    }

    private static async Task OpenBreakerAsync(GatewayUnderTest gateway, Bulwark.CircuitBreaker.CircuitBreakerHandle breaker)
    {
        for (int i = 0; i < 20 && breaker.State != CircuitState.Open; i++)
        {
            using var response = await gateway.Client.GetAsync($"/api/trip/{i}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(CircuitState.Open, breaker.State);
    }

    private static Task UntilGenerationAsync(GatewayUnderTest gateway, int generation)
    {
        var live = gateway.Services.GetRequiredService<LiveGatewayConfiguration>();
        var status = gateway.Services.GetRequiredService<ConfigurationReloadStatus>();
        return Poll.UntilAsync(
            () => live.Generation >= generation && status.Last is { Outcome: ConfigurationReloadOutcome.Applied } last && last.Generation >= generation,
            $"configuration generation {generation} to be applied (last reload: {status.Last?.Outcome} {string.Join("; ", status.Last?.Errors ?? [])})");
    }

    private static async Task<JsonElement> AdminStatusAsync(GatewayUnderTest gateway)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/admin/system/status");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        using var response = await gateway.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }

    /// <summary>A configuration with a 200 ms content check (unless told), so a change is found even where file events are not raised.</summary>
    private static string Config(
        string pipeline,
        IReadOnlyList<(string Name, Uri BaseUrl)> providers,
        IReadOnlyList<(string Path, string[] Providers)> routes,
        string? extra = null,
        string? routeExtra = null,
        string poll = "00:00:00.200",
        bool reloadEnabled = true)
    {
        string providerJson = string.Join(",\n", providers.Select(p => $$"""      "{{p.Name}}": { "BaseUrl": "{{p.BaseUrl.ToString().TrimEnd('/')}}" }"""));
        string routeJson = string.Join(",\n", routes.Select(r => $$"""      { "Path": "{{r.Path}}", "Providers": [ {{string.Join(", ", r.Providers.Select(p => $"\"{p}\""))}} ] {{routeExtra}} }"""));
        return $$"""
            {
              "Bulwark": {
                {{extra}}
                "Admin": { "Token": "{{Token}}" },
                "Reload": { "Enabled": {{(reloadEnabled ? "true" : "false")}}, "PollInterval": "{{poll}}" },
                "Pipelines": { "default": {{pipeline}} },
                "Providers": {
            {{providerJson}}
                },
                "Routes": [
            {{routeJson}}
                ]
              }
            }
            """;
    }

    /// <summary>Counts <c>bulwark.config.reloads</c> of one gateway by outcome.</summary>
    private sealed class ReloadCounter : IDisposable
    {
        private readonly System.Diagnostics.Metrics.MeterListener _listener;
        private int _applied;
        private int _rejected;

        public ReloadCounter(IServiceProvider services)
        {
            var meters = services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
            _listener = new System.Diagnostics.Metrics.MeterListener
            {
                InstrumentPublished = (instrument, listener) =>
                {
                    if (ReferenceEquals(instrument.Meter.Scope, meters) && instrument.Name == "bulwark.config.reloads")
                    {
                        listener.EnableMeasurementEvents(instrument, this);
                    }
                },
            };
            _listener.SetMeasurementEventCallback<long>(static (_, value, tags, state) =>
            {
                var counter = (ReloadCounter)state!;
                foreach (var tag in tags)
                {
                    if (tag.Key == "bulwark.config.reload.outcome")
                    {
                        if ((string?)tag.Value == "applied")
                        {
                            Interlocked.Add(ref counter._applied, (int)value);
                        }
                        else if ((string?)tag.Value == "rejected")
                        {
                            Interlocked.Add(ref counter._rejected, (int)value);
                        }
                    }
                }
            });
            _listener.Start();
        }

        public int Applied => Volatile.Read(ref _applied);

        public int Rejected => Volatile.Read(ref _rejected);

        public void Dispose() => _listener.Dispose();
    }
}
