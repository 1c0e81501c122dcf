using System.Diagnostics.Metrics;
using System.Net;
using Bulwark.AspNetCore.Requests;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Bulwark.AspNetCore.Tests.Telemetry;

public class BulwarkMetricsTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Request_WithFailoverFeature_RecordsServerDurationWithSemanticConventionAttributes()
    {
        await using var app = await StartAsync();
        using var server = Collector<double>(app, "http.server.request.duration");

        using var response = await app.Client.GetAsync(new Uri("/orders/42", UriKind.Relative));
        await server.WaitForMeasurementsAsync(1, Wait);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("s", server.Instrument!.Unit);
        Assert.IsType<Histogram<double>>(server.Instrument);
        var measurement = Assert.Single(server.GetMeasurementSnapshot());
        Assert.Equal("GET", measurement.Tags["http.request.method"]);
        Assert.Equal("/orders/{id}", measurement.Tags["http.route"]);
        Assert.Equal(200, measurement.Tags["http.response.status_code"]);
        Assert.False(measurement.Tags.ContainsKey("error.type"));
        Assert.InRange(measurement.Value, 0, 10);
    }

    [Fact]
    public async Task Request_WithFailoverFeature_RecordsEachAttemptRetryFailoverAndRejection()
    {
        await using var app = await StartAsync();
        using var client = Collector<double>(app, "http.client.request.duration");
        using var retries = Collector<long>(app, "bulwark.retries");
        using var failovers = Collector<long>(app, "bulwark.failovers");
        using var rejections = Collector<long>(app, "bulwark.rejections");

        using var response = await app.Client.GetAsync(new Uri("/orders/42", UriKind.Relative));
        await client.WaitForMeasurementsAsync(3, Wait);
        await failovers.WaitForMeasurementsAsync(3, Wait);

        Assert.Equal("s", client.Instrument!.Unit);
        Assert.Equal(
            [("a", "failure", (object?)503, 0.040), ("a", "timeout", null, 0.030), ("d", "success", 200, 0.020)],
            client.GetMeasurementSnapshot().Select(m => ((string)m.Tags["bulwark.provider"]!, (string)m.Tags["bulwark.attempt.outcome"]!, m.Tags.GetValueOrDefault("http.response.status_code"), m.Value)));

        var retry = Assert.Single(retries.GetMeasurementSnapshot());
        Assert.Equal("a", retry.Tags["bulwark.provider"]);
        Assert.Equal(1, retry.Value);

        Assert.Equal(
            [("a", "b"), ("b", "c"), ("c", "d")],
            failovers.GetMeasurementSnapshot().Select(m => ((string)m.Tags["bulwark.provider"]!, (string)m.Tags["bulwark.failover.target"]!)));

        Assert.Equal(
            [("b", "circuit_open"), ("c", "bulkhead")],
            rejections.GetMeasurementSnapshot().Select(m => ((string)m.Tags["bulwark.provider"]!, (string)m.Tags["bulwark.rejection.reason"]!)));
    }

    [Fact]
    public async Task Request_Throws_RecordsStatus500AndExceptionType()
    {
        await using var app = await StartAsync();
        using var server = Collector<double>(app, "http.server.request.duration");

        using var response = await app.Client.GetAsync(new Uri("/boom", UriKind.Relative));
        await server.WaitForMeasurementsAsync(1, Wait);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var measurement = Assert.Single(server.GetMeasurementSnapshot());
        Assert.Equal(500, measurement.Tags["http.response.status_code"]);
        Assert.Equal(typeof(InvalidOperationException).FullName, measurement.Tags["error.type"]);
        Assert.Equal("/boom", measurement.Tags["http.route"]);
    }

    [Fact]
    public async Task Request_FeatureErrorType_IsTheErrorTypeAttribute()
    {
        await using var app = await StartAsync();
        using var server = Collector<double>(app, "http.server.request.duration");

        using var response = await app.Client.PostAsync(new Uri("/failed", UriKind.Relative), content: null);
        await server.WaitForMeasurementsAsync(1, Wait);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var measurement = Assert.Single(server.GetMeasurementSnapshot());
        Assert.Equal("POST", measurement.Tags["http.request.method"]);
        Assert.Equal(502, measurement.Tags["http.response.status_code"]);
        Assert.Equal("providers-failed", measurement.Tags["error.type"]);
    }

    [Fact]
    public async Task Request_UnknownMethodWithoutFeature_IsOtherAndUsesTheEndpointRoute()
    {
        await using var app = await StartAsync();
        using var server = Collector<double>(app, "http.server.request.duration");

        using var request = new HttpRequestMessage(new HttpMethod("PURGE"), new Uri("/plain/x", UriKind.Relative));
        using var response = await app.Client.SendAsync(request);
        await server.WaitForMeasurementsAsync(1, Wait);

        var measurement = Assert.Single(server.GetMeasurementSnapshot());
        Assert.Equal("_OTHER", measurement.Tags["http.request.method"]);
        Assert.Equal("/plain/{x}", measurement.Tags["http.route"]);
    }

    internal static Task<TestApp> StartAsync(Action<IServiceCollection>? services = null) => TestApp.StartAsync(
        app =>
        {
            app.MapGet("/orders/{id}", (HttpContext context) =>
            {
                context.Features.Set(new BulwarkRequestFeature { Route = "/orders/{id}", Provider = "d", Attempts = Attempts.FailoverChain });
                return Results.Text("ok");
            });
            app.MapGet("/boom", IResult () => throw new InvalidOperationException("boom"));
            app.MapPost("/failed", (HttpContext context) =>
            {
                context.Features.Set(new BulwarkRequestFeature { Route = "/failed", ErrorType = "providers-failed" });
                return Results.StatusCode(502);
            });
            app.MapMethods("/plain/{x}", ["PURGE"], () => Results.Ok());
        },
        services);

    private static MetricCollector<T> Collector<T>(TestApp app, string instrument)
        where T : struct => new(app.Services.GetRequiredService<IMeterFactory>(), "Bulwark", instrument);
}
