using System.Net;
using System.Text.Json;
using Bulwark.AspNetCore.ErrorRate;
using Bulwark.AspNetCore.Observability;
using Bulwark.AspNetCore.Tests.Logging;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;

namespace Bulwark.AspNetCore.Tests.Observability;

/// <summary>
/// <c>UseBulwarkObservability</c> with all four parts registered, on a real Kestrel server: a request that succeeds, one
/// that answers 500, and one whose exception leaves the pipeline are each timed, correlated, logged and counted, as the
/// four middlewares would (no exception handler here, so the exception reaches every part).
/// </summary>
public sealed class ObservabilityMiddlewareTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task UseBulwarkObservability_EveryPart_SeesEveryRequest_WithItsStatusAndException()
    {
        await using var app = await StartAsync(registerAll: true);
        var middleware = new BulwarkObservabilityMiddleware(static _ => Task.CompletedTask, app.Services);
        Assert.Equal((true, true, true), (middleware.HasTelemetry, middleware.HasRequestLogging, middleware.HasErrorRate));
        using var durations = new MetricCollector<double>(app.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), "Bulwark", "http.server.request.duration");
        var logs = app.Services.GetRequiredService<CapturingJsonLoggerProvider>();
        using var client = Client(app);

        var answers = new List<(string Path, HttpStatusCode Status, string? Correlation)>();
        foreach (var (path, id) in new[] { ("/ok", "obs-ok"), ("/fail", "obs-fail"), ("/throw", "obs-throw") })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Add("X-Correlation-ID", id);
            using var response = await client.SendAsync(request);
            answers.Add((path, response.StatusCode, response.Headers.TryGetValues("X-Correlation-ID", out var values) ? values.Single() : null));
        }

        await durations.WaitForMeasurementsAsync(3, Wait);

        // Correlation: each answer carries its id, the 500 too; the server's own answer to an exception nothing handled
        // is sent without the headers set before it (as with UseBulwarkCorrelation; an exception handler keeps the id).
        Assert.Equal(
            [("/ok", HttpStatusCode.OK, "obs-ok"), ("/fail", HttpStatusCode.InternalServerError, "obs-fail"), ("/throw", HttpStatusCode.InternalServerError, null)],
            answers);

        // Telemetry: one duration per request, the escaped exception named as its error type.
        Assert.Equal(
            [("/ok", 200, null), ("/fail", 500, "500"), ("/throw", 500, typeof(InvalidOperationException).FullName)],
            durations.GetMeasurementSnapshot().Select(m => ((string)m.Tags["http.route"]!, (int)m.Tags["http.response.status_code"]!, (string?)m.Tags.GetValueOrDefault("error.type"))));

        // Request log: one line per request, at the level its outcome gives, under its correlation id.
        var lines = new List<(string Correlation, int Status, string Level, string? ErrorType)>();
        foreach (var id in new[] { "obs-ok", "obs-fail", "obs-throw" })
        {
            var line = await logs.WaitForAsync(e => e.GetProperty("EventId").GetInt32() == 3101 && e.GetProperty("correlation_id").GetString() == id);
            lines.Add((id, line.GetProperty("status").GetInt32(), line.GetProperty("LogLevel").GetString()!, line.GetProperty("error_type").ValueKind == JsonValueKind.Null ? null : line.GetProperty("error_type").GetString()));
        }

        Assert.Equal(
            [("obs-ok", 200, "Information", null), ("obs-fail", 500, "Error", null), ("obs-throw", 500, "Error", typeof(InvalidOperationException).FullName)],
            lines);

        // Error rate: the 500 and the exception are errors, the 200 a success.
        var counted = app.Services.GetRequiredService<BulwarkErrorRateTracker>().GetSnapshot();
        Assert.Equal((2, 1), (counted.ErrorCount, counted.SuccessCount));
    }

    [Fact]
    public async Task UseBulwarkObservability_WithOnlyCorrelationRegistered_TheOtherPartsAreLeftOut_AndTheRequestIsCorrelated()
    {
        await using var app = await StartAsync(registerAll: false);
        using var client = Client(app);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/ok");
        request.Headers.Add("X-Correlation-ID", "obs-alone");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("obs-alone", Assert.Single(response.Headers.GetValues("X-Correlation-ID")));
        Assert.Equal("obs-alone", await response.Content.ReadAsStringAsync());
        var middleware = new BulwarkObservabilityMiddleware(static _ => Task.CompletedTask, app.Services);
        Assert.Equal((false, false, false), (middleware.HasTelemetry, middleware.HasRequestLogging, middleware.HasErrorRate));
    }

    [Fact]
    public async Task UseBulwarkObservability_APartThatThrowsWhenItEnds_TheOuterPartsStillEnd_AndSeeItsException()
    {
        // The error-rate part ends first (innermost); its classifier throws. As nested middlewares, the request log line
        // and the request's metric are still written, each naming the exception that left the part inside it.
        await using var app = await StartAsync(registerAll: true, isError: static _ => throw new InvalidOperationException("classifier failed"));
        using var durations = new MetricCollector<double>(app.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), "Bulwark", "http.server.request.duration");
        var logs = app.Services.GetRequiredService<CapturingJsonLoggerProvider>();
        using var client = Client(app);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/fail");
        request.Headers.Add("X-Correlation-ID", "obs-nested");

        try
        {
            using var response = await client.SendAsync(request);
        }
        catch (HttpRequestException)
        {
            // The exception left the pipeline after the response had started: the server may cut the connection.
        }

        var line = await logs.WaitForAsync(e => e.GetProperty("EventId").GetInt32() == 3101 && e.GetProperty("correlation_id").GetString() == "obs-nested");
        Assert.Equal(typeof(InvalidOperationException).FullName, line.GetProperty("error_type").GetString());
        Assert.Equal("Error", line.GetProperty("LogLevel").GetString());
        await durations.WaitForMeasurementsAsync(1, Wait);
        Assert.Equal(typeof(InvalidOperationException).FullName, Assert.Single(durations.GetMeasurementSnapshot()).Tags["error.type"]);
    }

    private static async Task<WebApplication> StartAsync(bool registerAll, Func<int, bool>? isError = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Logging.AddBulwarkJsonConsole();
        builder.Services.RemoveAll<ILoggerProvider>();
        builder.Services.AddSingleton<CapturingJsonLoggerProvider>();
        builder.Services.AddSingleton<ILoggerProvider>(static sp => sp.GetRequiredService<CapturingJsonLoggerProvider>());
        builder.Services.AddBulwarkCorrelation();
        if (registerAll)
        {
            builder.Services.AddBulwarkTelemetry(builder.Configuration);
            builder.Services.AddBulwarkRequestLogging();
            builder.Services.AddBulwarkErrorRate(options =>
            {
                if (isError is not null)
                {
                    options.IsError = isError;
                }
            });
        }

        var app = builder.Build();
        app.UseBulwarkObservability();
        app.MapGet("/ok", static (HttpContext context) => Bulwark.AspNetCore.Correlation.BulwarkCorrelation.Get(context));
        app.MapGet("/fail", static (HttpContext context) => context.Response.StatusCode = StatusCodes.Status500InternalServerError);
        app.MapGet("/throw", static string () => throw new InvalidOperationException("lookup failed"));
        await app.StartAsync();
        return app;
    }

    private static HttpClient Client(WebApplication app) => new()
    {
        BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single()),
        Timeout = TimeSpan.FromSeconds(30),
    };
}
