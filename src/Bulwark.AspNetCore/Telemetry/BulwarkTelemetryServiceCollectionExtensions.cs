using Bulwark.AspNetCore.Anomaly;
using Bulwark.AspNetCore.ProviderHealth;
using Bulwark.AspNetCore.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Bulwark's metrics, traces, provider statistics and anomaly detection with OpenTelemetry.</summary>
public static class BulwarkTelemetryServiceCollectionExtensions
{
    /// <summary>The configuration section of <see cref="BulwarkTelemetryOptions"/>.</summary>
    public const string SectionName = "Bulwark:Telemetry";

    /// <summary>
    /// Registers <see cref="BulwarkMetrics"/>, provider statistics and anomaly detection (<c>AddBulwarkProviderHealth</c>),
    /// and the OpenTelemetry SDK: metrics from the meters <c>Bulwark</c> and <c>Polly</c> (scraped at <c>/metrics</c> with the
    /// optional package Bulwark.AspNetCore.Prometheus: <c>AddBulwarkPrometheusExporter</c> and <c>MapBulwarkMetrics</c>), traces from the activity sources <c>Bulwark</c> and <c>Microsoft.AspNetCore</c> (the
    /// hosting server span, parent of Bulwark's), and OTLP exporters for metrics, traces and logs only when
    /// <c>Bulwark:Telemetry:OtlpEndpoint</c> or the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (the
    /// <c>Bulwark:Telemetry</c> keys win; <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>, the per-signal <c>OTEL_EXPORTER_OTLP_*_ENDPOINT</c>
    /// and <c>OTEL_SERVICE_NAME</c> fill in what they leave unset; over HTTP/protobuf the signals go to <c>/v1/traces</c>,
    /// <c>/v1/metrics</c> and <c>/v1/logs</c> under the endpoint). Without an endpoint no tracer provider is built and the requests' activities carry their trace context
    /// only (log ids, <c>traceparent</c>), unrecorded; a tracer provider the application builds itself
    /// (<c>AddOpenTelemetry().WithTracing(...)</c>) gets both sources and records them. ASP.NET Core's own <c>Microsoft.AspNetCore.Hosting</c> meter is not exported: Bulwark's
    /// <c>http.server.request.duration</c> replaces it (same name, plus Bulwark's route and error type).
    /// </summary>
    /// <remarks>
    /// Binds <see cref="BulwarkTelemetryOptions"/> from <c>Bulwark:Telemetry</c>, <see cref="AnomalyDetectorOptions"/> from
    /// <c>Bulwark:Telemetry:Anomaly</c> and <see cref="ProviderHealthOptions"/> from <c>Bulwark:Telemetry:ProviderHealth</c>.
    /// Safe to call more than once: later calls change nothing. Add <c>app.UseBulwarkTelemetry()</c> to record requests.
    /// </remarks>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The application's configuration (the root: sections are read from <c>Bulwark:Telemetry</c>).</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <exception cref="OptionsValidationException"><c>Bulwark:Telemetry</c> is invalid; every error is listed.</exception>
    public static IServiceCollection AddBulwarkTelemetry(this IServiceCollection services, IConfiguration configuration) =>
        AddBulwarkTelemetry(services, configuration, requestActivities: true);

    /// <summary>
    /// As <see cref="AddBulwarkTelemetry(IServiceCollection, IConfiguration)"/>, choosing whether each request gets an
    /// activity when nothing records traces.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The application's configuration (the root: sections are read from <c>Bulwark:Telemetry</c>).</param>
    /// <param name="requestActivities">
    /// Whether ASP.NET Core creates an unrecorded activity for each request when no exporter is configured, so that the
    /// trace context reaches what the application calls through its own <see cref="HttpClient"/>s (the default:
    /// <see langword="true"/>). <see langword="false"/> for a service that sends the context on itself from
    /// <c>IBulwarkCorrelationFeature.TraceContext</c>, as the gateway does: no activity, no <c>Activity.Current</c> to carry
    /// across every await of the request; the logs get the same trace and span ids from the correlation scope. With an
    /// exporter, requests always get activities (recorded).
    /// </param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <exception cref="OptionsValidationException"><c>Bulwark:Telemetry</c> is invalid; every error is listed.</exception>
    public static IServiceCollection AddBulwarkTelemetry(this IServiceCollection services, IConfiguration configuration, bool requestActivities)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        if (services.Any(static d => d.ServiceType == typeof(Marker)))
        {
            return services;
        }

        services.AddSingleton<Marker>();
        var section = configuration.GetSection(SectionName);
        var options = section.Get<BulwarkTelemetryOptions>() ?? new BulwarkTelemetryOptions();
        var export = Validate(configuration, options);

        services.AddOptions<BulwarkTelemetryOptions>().Bind(section);
        services.AddOptions<AnomalyDetectorOptions>().Bind(section.GetSection("Anomaly"));
        services.AddOptions<ProviderHealthOptions>().Bind(section.GetSection("ProviderHealth"));
        services.AddBulwarkProviderHealth();
        services.AddMetrics();
        services.TryAddSingleton<BulwarkMetrics>();

        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(export.ServiceName))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(BulwarkTelemetry.MeterName, BulwarkTelemetry.PollyMeterName);
                if (export.Metrics is { } endpoint)
                {
                    metrics.AddOtlpExporter(otlp => Configure(otlp, endpoint, export.Protocol));
                }
            });

        // The sources join any tracer provider the application builds (its own exporter included), but Bulwark builds
        // one only to export: a provider without an exporter sampled every request's spans, with their tags and attempt
        // spans, only to drop them (about 3.7 KB of allocation per request through the gateway). Without an exporter,
        // only ASP.NET Core's request activity is created, for its trace context (ids in the logs, traceparent
        // upstream), unrecorded — and not even that with requestActivities false, where the correlation middleware
        // carries the context; Bulwark's source has no listener and builds no span.
        services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddSource(BulwarkTelemetry.ActivitySourceName, "Microsoft.AspNetCore"));
        if (export.Traces is { } traceEndpoint)
        {
            services.AddOpenTelemetry().WithTracing(tracing => tracing.AddOtlpExporter(otlp => Configure(otlp, traceEndpoint, export.Protocol)));
        }
        else if (requestActivities)
        {
            services.AddHostedService<TraceContextListener>();
        }

        if (export.Logs is { } logEndpoint)
        {
            // The same lines as the console (already redacted where they carry request data), at the same levels.
            services.AddOpenTelemetry().WithLogging(logging => logging.AddOtlpExporter(otlp => Configure(otlp, logEndpoint, export.Protocol)));
        }

        return services;
    }

    /// <summary>
    /// Sets the signal's full endpoint: an endpoint set in code is used as it is (the exporter appends a signal path only
    /// to one it read from the environment itself), so the HTTP/protobuf paths are already in it. Headers, timeout and
    /// batching still come from the exporter's own <c>OTEL_*</c> variables.
    /// </summary>
    private static void Configure(OpenTelemetry.Exporter.OtlpExporterOptions otlp, Uri endpoint, OpenTelemetry.Exporter.OtlpExportProtocol protocol)
    {
        otlp.Endpoint = endpoint;
        otlp.Protocol = protocol;
    }

    private static OtlpExportSettings Validate(IConfiguration configuration, BulwarkTelemetryOptions options)
    {
        var errors = new List<string>();
        var export = OtlpExportSettings.Resolve(configuration, options, SectionName, errors);
        if (string.IsNullOrWhiteSpace(export.ServiceName))
        {
            errors.Add($"{SectionName}:ServiceName must not be empty.");
        }

        if (errors.Count > 0)
        {
            throw new OptionsValidationException(SectionName, typeof(BulwarkTelemetryOptions), errors);
        }

        return export;
    }

    /// <summary>Marks the services as already set up, so that a second call changes nothing.</summary>
    private sealed class Marker;
}
