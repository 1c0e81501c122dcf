using System.Net;
using System.Text.Json;
using Bulwark.AspNetCore.Health;
using Bulwark.AspNetCore.Tests.Infrastructure;
using Bulwark.Bulkhead;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Bulwark.AspNetCore.Tests.Health;

public sealed class HealthEndpointsTests
{
    [Fact]
    public async Task Live_Always_Answers200Live()
    {
        await using var app = await TestApp.StartAsync();
        app.Services.GetRequiredService<BulwarkReadiness>().MarkDraining();
        app.Store.Status = HealthStatus.Unhealthy;
        app.Alpha.Fail(2);

        var (response, json) = await app.GetJsonAsync("/health/live");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Equal("live", json.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Ready_Started_Answers200WithEveryReadyCheck()
    {
        await using var app = await TestApp.StartAsync();

        var (response, json) = await app.GetJsonAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ready", json.GetProperty("status").GetString());
        var checks = json.GetProperty("checks");
        Assert.Equal(["configuration", "draining", "store"], checks.EnumerateObject().Select(c => c.Name).Order());
        Assert.All(checks.EnumerateObject(), c => Assert.Equal("healthy", c.Value.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task Ready_AfterMarkDraining_Answers503NotReady()
    {
        await using var app = await TestApp.StartAsync();
        var readiness = app.Services.GetRequiredService<BulwarkReadiness>();
        Assert.False(readiness.IsDraining);

        readiness.MarkDraining();
        var (response, json) = await app.GetJsonAsync("/health/ready");

        Assert.True(readiness.IsDraining);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("not_ready", json.GetProperty("status").GetString());
        Assert.Equal("unhealthy", json.GetProperty("checks").GetProperty("draining").GetProperty("status").GetString());
        var (aggregate, body) = await app.GetJsonAsync("/health");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, aggregate.StatusCode);
        Assert.Equal("unhealthy", body.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Ready_StoreCheckUnhealthy_Answers503()
    {
        await using var app = await TestApp.StartAsync();
        app.Store.Status = HealthStatus.Unhealthy;

        var (response, json) = await app.GetJsonAsync("/health/ready");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("unhealthy", json.GetProperty("checks").GetProperty("store").GetProperty("status").GetString());
    }

    [Fact]
    public async Task CircuitBreakers_AllClosed_HealthyWithSeedFields()
    {
        await using var app = await TestApp.StartAsync();
        app.Alpha.Succeed();

        var (response, json) = await app.GetJsonAsync("/health/circuit-breakers");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("healthy", json.GetProperty("status").GetString());
        Assert.Equal(0, json.GetProperty("open_count").GetInt32());
        var alpha = json.GetProperty("breakers").GetProperty("alpha");
        Assert.Equal("closed", alpha.GetProperty("state").GetString());
        Assert.Equal("consecutive_failures", alpha.GetProperty("mode").GetString());
        Assert.Equal(0, alpha.GetProperty("failure_count").GetInt64());
        Assert.Equal(0, alpha.GetProperty("consecutive_failures").GetInt32());
        Assert.Equal(0, alpha.GetProperty("failure_rate").GetDouble());
        Assert.Equal(JsonValueKind.Null, alpha.GetProperty("threshold").ValueKind);
        Assert.Equal(JsonValueKind.Null, alpha.GetProperty("open_until").ValueKind);
        Assert.Equal("none", alpha.GetProperty("last_transition_reason").GetString());
        Assert.True(json.GetProperty("breakers").TryGetProperty("beta", out _));
    }

    [Fact]
    public async Task CircuitBreakers_OneOpen_DegradedWithOpenCount1()
    {
        await using var app = await TestApp.StartAsync();
        app.Alpha.Fail(2);

        var (response, json) = await app.GetJsonAsync("/health/circuit-breakers");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("degraded", json.GetProperty("status").GetString());
        Assert.Equal(1, json.GetProperty("open_count").GetInt32());
        var alpha = json.GetProperty("breakers").GetProperty("alpha");
        Assert.Equal("open", alpha.GetProperty("state").GetString());
        Assert.Equal(1, alpha.GetProperty("trip_count").GetInt32());
        Assert.Equal("consecutive_failures", alpha.GetProperty("last_transition_reason").GetString());
        Assert.Equal(app.Time.GetUtcNow().AddSeconds(5), alpha.GetProperty("open_until").GetDateTimeOffset());
        Assert.Equal("closed", json.GetProperty("breakers").GetProperty("beta").GetProperty("state").GetString());
    }

    [Fact]
    public async Task Aggregate_OneBreakerOpen_Degraded200WithEverySection()
    {
        await using var app = await TestApp.StartAsync();
        app.Alpha.Fail(2);

        var (response, json) = await app.GetJsonAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("degraded", json.GetProperty("status").GetString());
        Assert.Equal(app.Time.GetUtcNow(), json.GetProperty("timestamp").GetDateTimeOffset());
        Assert.EndsWith("Z", json.GetProperty("timestamp").GetString());
        Assert.Equal("open", json.GetProperty("circuit_breakers").GetProperty("alpha").GetProperty("state").GetString());
        Assert.Equal("degraded", json.GetProperty("checks").GetProperty("circuit_breakers").GetProperty("status").GetString());
        Assert.Equal("healthy", json.GetProperty("checks").GetProperty("self").GetProperty("status").GetString());

        var beta = json.GetProperty("bulkheads").GetProperty("beta");
        Assert.Equal(1, beta.GetProperty("capacity").GetInt32());
        Assert.Equal(0, beta.GetProperty("active_count").GetInt32());
        Assert.Equal(0, beta.GetProperty("queued_count").GetInt32());
        Assert.Equal(0, beta.GetProperty("queue_limit").GetInt32());
        Assert.Equal(0, beta.GetProperty("rejection_rate").GetDouble());
        Assert.False(json.GetProperty("bulkheads").TryGetProperty("alpha", out _));

        var errorRate = json.GetProperty("error_rate");
        Assert.Equal(300, errorRate.GetProperty("window_seconds").GetDouble());
        Assert.Equal(0, errorRate.GetProperty("total_requests").GetInt64());

        var providers = json.GetProperty("providers");
        Assert.Equal("unhealthy", providers.GetProperty("alpha").GetProperty("status").GetString());
        Assert.Equal("circuit open", providers.GetProperty("alpha").GetProperty("description").GetString());
        Assert.Equal("healthy", providers.GetProperty("beta").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Aggregate_AllWell_Healthy()
    {
        await using var app = await TestApp.StartAsync();

        var (response, json) = await app.GetJsonAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("healthy", json.GetProperty("status").GetString());
        Assert.Contains("no-store", response.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task Aggregate_BulkheadRejects_RejectionRateFromDeltaAndDegraded()
    {
        await using var app = await TestApp.StartAsync();
        var pipeline = app.Beta.Bulkhead!;
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var held = pipeline.ExecuteAsync(async _ => await gate.Task);
        await Assert.ThrowsAsync<BulkheadRejectedException>(() => pipeline.ExecuteAsync(static _ => ValueTask.CompletedTask).AsTask());
        await Assert.ThrowsAsync<BulkheadRejectedException>(() => pipeline.ExecuteAsync(static _ => ValueTask.CompletedTask).AsTask());
        app.Time.Advance(TimeSpan.FromSeconds(4));

        var (response, json) = await app.GetJsonAsync("/health");
        gate.SetResult();
        await held.AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("degraded", json.GetProperty("status").GetString());
        var beta = json.GetProperty("bulkheads").GetProperty("beta");
        Assert.Equal(1, beta.GetProperty("active_count").GetInt32());
        Assert.Equal(2, beta.GetProperty("rejected_total").GetInt64());
        Assert.Equal(0.5, beta.GetProperty("rejection_rate").GetDouble());
    }

    [Fact]
    public async Task Resources_Answers200WithProcessFigures()
    {
        await using var app = await TestApp.StartAsync();

        var (response, json) = await app.GetJsonAsync("/health/resources");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var memory = json.GetProperty("memory");
        Assert.True(memory.GetProperty("working_set_bytes").GetInt64() > 0);
        Assert.True(memory.GetProperty("gc_heap_size_bytes").GetInt64() > 0);
        Assert.True(memory.GetProperty("gc_total_allocated_bytes").GetInt64() > 0);
        var cpu = json.GetProperty("cpu");
        Assert.Equal(Environment.ProcessorCount, cpu.GetProperty("processor_count").GetInt32());
        Assert.InRange(cpu.GetProperty("percent").GetDouble(), 0, 100);
        Assert.True(cpu.GetProperty("total_processor_time_seconds").GetDouble() > 0);
        Assert.True(json.GetProperty("threads").GetInt32() > 0);
        Assert.True(json.GetProperty("open_handles").GetInt32() > 0);
        Assert.True(json.GetProperty("gc").GetProperty("gen0_collections").GetInt32() >= 0);
        Assert.True(json.GetProperty("gc").TryGetProperty("gen2_collections", out _));
    }

    [Fact]
    public async Task AddBulwarkHealth_CalledTwice_RegistersChecksOnce()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddBulwarkHealth();
        services.AddBulwarkHealth();
        await using var provider = services.BuildServiceProvider();

        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        Assert.Equal(
            ["bulkheads", "circuit_breakers", "configuration", "draining", "error_rate", "providers", "self"],
            report.Entries.Keys.Order());
        Assert.Equal(HealthStatus.Healthy, report.Status);
    }

    [Fact]
    public void AddBulwarkHealth_InvalidOptions_ReportsEveryError()
    {
        var services = new ServiceCollection();
        services.AddBulwarkHealth(o =>
        {
            o.ErrorRateDegradedPercent = 0;
            o.RateSampleInterval = TimeSpan.Zero;
        });
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(
            () => provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<BulwarkHealthOptions>>().Value);

        Assert.Equal(
            [
                "BulwarkHealthOptions.ErrorRateDegradedPercent must be greater than 0 and at most 100; it is 0.",
                "BulwarkHealthOptions.RateSampleInterval must be between 00:00:00.1 and 01:00:00; it is 00:00:00.",
            ],
            error.Failures);
    }
}
