using System.Net;
using Bulwark.AspNetCore.Tests.Infrastructure;

namespace Bulwark.AspNetCore.Tests.ErrorRate;

public sealed class ErrorRateEndpointTests
{
    [Fact]
    public async Task ErrorRate_CountsServerErrorsAndThrows_NotHealthRequests_AndForgetsAfterWindow()
    {
        await using var app = await TestApp.StartAsync(errorRateMinimumRequests: 5);
        foreach (var path in new[] { "/ok", "/ok", "/not-found", "/fail", "/throw" })
        {
            using var response = await app.Client.GetAsync(path);
        }

        await app.GetJsonAsync("/health/ready");
        var (first, json) = await app.GetJsonAsync("/health/error-rate");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("degraded", json.GetProperty("status").GetString());
        Assert.Equal(2, json.GetProperty("error_count").GetInt64());
        Assert.Equal(3, json.GetProperty("success_count").GetInt64());
        Assert.Equal(5, json.GetProperty("total_requests").GetInt64());
        Assert.Equal(40, json.GetProperty("error_rate_percent").GetDouble());
        Assert.Equal(300, json.GetProperty("window_seconds").GetDouble());

        app.Time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(10));
        var (later, after) = await app.GetJsonAsync("/health/error-rate");

        Assert.Equal(HttpStatusCode.OK, later.StatusCode);
        Assert.Equal("healthy", after.GetProperty("status").GetString());
        Assert.Equal(0, after.GetProperty("error_count").GetInt64());
        Assert.Equal(0, after.GetProperty("total_requests").GetInt64());
        Assert.Equal(0, after.GetProperty("error_rate_percent").GetDouble());
    }

    [Fact]
    public async Task ErrorRate_BelowMinimumRequests_StaysHealthy()
    {
        await using var app = await TestApp.StartAsync();
        using (await app.Client.GetAsync("/fail"))
        {
        }

        var (_, json) = await app.GetJsonAsync("/health/error-rate");

        Assert.Equal(1, json.GetProperty("error_count").GetInt64());
        Assert.Equal("healthy", json.GetProperty("status").GetString());
    }
}
