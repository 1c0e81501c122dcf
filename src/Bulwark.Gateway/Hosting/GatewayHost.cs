using Bulwark.Gateway.Alerts;
using Bulwark.AspNetCore.Providers;
using Bulwark.Deliveries;
using Bulwark.Gateway.Alerts.Channels;
using Bulwark.Gateway.Budgets;
using Bulwark.Gateway.Clients;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Dashboard;
using Bulwark.Gateway.Errors;
using Bulwark.Gateway.Deferral;
using Bulwark.Gateway.Forwarding;
using Bulwark.Gateway.Problems;
using Bulwark.Gateway.Reload;
using Bulwark.Gateway.Requests;
using Bulwark.Gateway.Routing;
using Bulwark.Gateway.SharedState;
using Bulwark.Gateway.Storage;
using Bulwark.Gateway.Ledger;
using Bulwark.Pipelines;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace Bulwark.Gateway.Hosting;

/// <summary>
/// Builds the gateway application: configuration, services, and one endpoint per configured route — from the
/// configuration in force, which a change to the configuration file replaces while the gateway runs.
/// </summary>
internal static class GatewayHost
{
    private const string BareLineFeedSwitch = "Microsoft.AspNetCore.Server.Kestrel.DisableHttp1LineFeedTerminators";

    /// <summary>Builds the gateway; throws <see cref="OptionsValidationException"/> listing every configuration error.</summary>
    public static WebApplication Build(GatewayHostSettings settings)
    {
        // A bare LF ending a request line or header line is refused (400), not taken for CRLF as Kestrel does by
        // default: a proxy in front that reads the same bytes otherwise would disagree about where the request ends.
        AppContext.SetSwitch(BareLineFeedSwitch, true);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.Sources.Clear();
        if (settings.Validated is { } validated)
        {
            builder.Configuration.AddConfiguration(validated.Configuration, shouldDisposeConfiguration: false);
        }
        else
        {
            GatewayConfiguration.AddSources(builder.Configuration, settings);
        }

        builder.WebHost.UseKestrel(kestrel => kestrel.AddServerHeader = false);
        var listen = ListenUrls.Resolve(settings.Urls, settings.Environment, builder.Configuration);
        builder.WebHost.UseUrls([.. listen.Urls]);
        builder.Logging.ClearProviders();
        builder.Logging.AddBulwarkJsonConsole();
        builder.Logging.SetMinimumLevel(settings.MinimumLogLevel);
        var quiet = settings.MinimumLogLevel > LogLevel.Error ? settings.MinimumLogLevel : LogLevel.Error;
        builder.Logging.AddFilter("Microsoft", settings.MinimumLogLevel > LogLevel.Warning ? settings.MinimumLogLevel : LogLevel.Warning);

        // YARP reports each failed attempt, and Polly each retry, as a warning; failing attempts are what the gateway
        // exists to absorb, and it logs the requests that still fail itself. Keep their errors only (breaker openings,
        // bulkhead rejections).
        builder.Logging.AddFilter("Yarp", quiet);
        builder.Logging.AddFilter("Polly", quiet);
        var startFailures = new StartFailureLogFilter();
        var hostMinimum = settings.MinimumLogLevel > LogLevel.Warning ? settings.MinimumLogLevel : LogLevel.Warning;
        builder.Logging.AddFilter(StartFailureLogFilter.HostCategory, level => startFailures.Allows(level, hostMinimum));
        settings.Logging?.Invoke(builder.Logging);

        var services = builder.Services;
        if (settings.TimeProvider is { } time)
        {
            services.AddSingleton(time);
        }

        GatewayConfiguration.AddOptions(services, builder.Configuration, settings.Environment, settings.Validated?.Options, settings.EnvironmentNames);
        services.AddSingleton(settings);
        services.AddSingleton(listen);
        services.AddSingleton(startFailures);
        services.AddSingleton(new GatewayEnvironment(settings.Environment));
        services.AddSingleton(static sp =>
        {
            var spool = sp.GetRequiredService<IOptions<GatewayOptions>>().Value.Spool;
            return new BodyBufferDirectory(sp.GetRequiredService<GatewayHostSettings>().BodyBufferDirectory ?? spool.Directory, spool.MaxBytes);
        });
        services.AddHostedService<SpoolSweep>();
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<GatewayOptions>>(static (kestrel, gateway) =>
        {
            var limits = gateway.Value.Limits;
            kestrel.Limits.MaxRequestBodySize = limits.MaxRequestBodyBytes;
            kestrel.Limits.MaxRequestHeadersTotalSize = limits.MaxRequestHeadersTotalSize;
            kestrel.Limits.MaxRequestHeaderCount = limits.MaxRequestHeaderCount;
            kestrel.RequestHeaderEncodingSelector = RequestHeaderDecoding.Select;
        });
        services.AddRateLimiter(static limiter => limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests);
        services.AddHttpForwarder();
        services.AddSingleton<GatewayHttpClient>();
        services.AddSingleton(static services => new ProviderAuth.ProviderAuthFactory(services.GetRequiredService<TimeProvider>(), services.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton<Bulwark.AspNetCore.Admin.IBulwarkStatusContributor, ProviderAuthStatus>();
        services.AddSingleton(static services =>
        {
            var options = services.GetRequiredService<IOptions<GatewayOptions>>().Value;
            var configuration = services.GetRequiredService<IConfiguration>();
            var pipelines = services.GetRequiredService<IBulwarkPipelineProvider>();
            var table = new GatewayRouteTable(
                options,
                configuration,
                (name, _, instance) => pipelines.GetPipeline(name, instance),
                services.GetRequiredService<TimeProvider>(),
                services.GetRequiredService<GatewayEnvironment>(),
                auth: services.GetRequiredService<ProviderAuth.ProviderAuthFactory>());
            return new LiveGatewayConfiguration(table, options, configuration);
        });

        // The table in force when resolved: a reload swaps it.
        services.AddTransient(static services => services.GetRequiredService<LiveGatewayConfiguration>().Table);
        services.AddSingleton<ForwardingHandler>();
        services.ConfigureHttpJsonOptions(static json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, ProblemJsonContext.Default));
        services.AddSingleton<BreakerTransitionWatcher>();
        services.AddHostedService<BreakerTransitionLogger>();
        services.Configure<Polly.Telemetry.TelemetryOptions>(static telemetry => telemetry.SeverityProvider = BreakerEventSeverity.Of);
        services.AddSingleton<GatewayRouteEndpointDataSource>();
        services.AddSingleton<ConfigurationReloadStatus>();
        services.AddSingleton<Bulwark.AspNetCore.Admin.IBulwarkStatusContributor>(static services => services.GetRequiredService<ConfigurationReloadStatus>());
        if (settings.ConfigPath is not null && settings.ConfigJson is null)
        {
            // The content the configuration was just read from: a change from here on is a reload.
            services.AddSingleton(new ConfigurationFileState(GatewayConfigurationReloader.Fingerprint(settings.ConfigPath)));
            services.AddSingleton(GatewayConfiguration.FileSource(settings));
            services.AddHostedService<GatewayConfigurationReloader>();
        }

        // The store: breaker state across restarts (every pipeline's breaker is restored at start and saved on each
        // transition) and deferred delivery. Opened once; FailOpen leaves it out, said at start and on /health/ready.
        services.AddBulwarkStore(sp =>
        {
            var store = GatewayStore.Open(
                settings.InMemoryStore ? new GatewayStorageOptions { Provider = GatewayStoreProvider.InMemory } : sp.GetRequiredService<IOptions<GatewayOptions>>().Value.Storage,
                settings.StorePath,
                sp.GetRequiredService<GatewayEnvironment>().Get);
            store.TimeProvider = sp.GetRequiredService<TimeProvider>();
            store.Logger = sp.GetRequiredService<ILogger<GatewayStore>>();
            return store;
        });
        services.AddSingleton<IOptions<DeliveryOptions>>(static sp =>
        {
            var deliveries = sp.GetRequiredService<IOptions<GatewayOptions>>().Value.Deliveries;
            deliveries.DispatcherEnabled &= sp.GetRequiredService<GatewayStore>().IsAvailable;
            return Options.Create(deliveries);
        });
        services.AddSingleton<Bulwark.AspNetCore.Admin.IBulwarkStatusContributor, StoreStatus>();

        // Several gateways behind one load balancer: breakers and per-client rates shared on Redis (Bulwark:SharedState).
        bool sharedState = services.AddGatewaySharedState(builder.Configuration);
        if (sharedState)
        {
            // Budgets held for the fleet, on the same Redis connection.
            services.AddFleetBudgets();
        }

        services.AddBulwarkDeliveries();
        services.AddKeyedSingleton<IDeliveryHandler, GatewayDeliveryHandler>(KeyedService.AnyKey);
        // Alert channels: each the handler of its own queue (a specific key wins over AnyKey), as configured at start.
        services.AddAlertChannels(builder.Configuration.GetSection("Bulwark:Alerts:Channels").GetChildren().Select(static c => c.Key));
        services.AddSingleton<GatewayDeferral>();
        services.AddSingleton<ClientKeys>();
        services.AddSingleton<UsageLedger>();
        services.AddHostedService(static sp => sp.GetRequiredService<UsageLedger>());

        // Budgets: the book of counters, leases stored before budgeted requests are sent, counted from the ledger at
        // start (after the ledger's writer, which the loader flushes), the forwarding stage, and the forecasts.
        services.AddSingleton<Budgets.BudgetBook>();
        services.AddSingleton<Budgets.BudgetLeaseWriter>();
        services.AddHostedService(static sp => sp.GetRequiredService<Budgets.BudgetLeaseWriter>());
        services.AddSingleton<Budgets.BudgetLoader>();
        services.AddHostedService(static sp => sp.GetRequiredService<Budgets.BudgetLoader>());
        services.AddSingleton(static sp => new Tokens.PromptTokenEstimator(sp.GetRequiredService<IOptions<GatewayOptions>>().Value.Budgets.ImageTokenBound));
        services.AddSingleton<Budgets.PromptBound>(static sp =>
        {
            var estimator = sp.GetRequiredService<Tokens.PromptTokenEstimator>();
            return (body, model) => estimator.UpperBound(body, model).Tokens;
        });
        services.AddSingleton<ForwardingBudgets>();

        // Errors: the monitor the forwarding stage and POST /bulwark/errors feed, its samples redacted as the request log's.
        services.AddSingleton<Bulwark.ErrorMonitoring.IErrorRedactor>(static sp => new PiiErrorRedactor(sp.GetRequiredService<Bulwark.AspNetCore.Redaction.PiiRedactor>()));
        services.AddSingleton<IOptions<Bulwark.ErrorMonitoring.ErrorMonitorOptions>>(static sp => Options.Create(new Bulwark.ErrorMonitoring.ErrorMonitorOptions
        {
            MaxFingerprints = sp.GetRequiredService<IOptions<GatewayOptions>>().Value.Errors.MaxFingerprints,
        }));
        services.AddBulwarkErrorMonitoring();
        services.AddSingleton<ErrorIntakeLimiter>();

        // Alert signals: the conditions the alert loop asks about at each evaluation.
        services.AddSingleton<GatewayRequestCounts>();
        services.AddSingleton<Alerts.IAlertSignalSource, ErrorPatternSignals>();
        services.AddSingleton<Alerts.IAlertSignalSource, PerformanceImpactSignals>();
        services.AddSingleton<Alerts.IAlertSignalSource, BreakerSignals>();
        services.AddSingleton<Alerts.IAlertSignalSource, BulkheadSignals>();
        services.AddSingleton<Alerts.IAlertSignalSource, Alerts.StoreSignals>();
        services.AddSingleton<Alerts.IAlertSignalSource, DeadLetterSignals>();
        services.AddSingleton<Alerts.IAlertSignalSource, Budgets.BudgetSignals>();
        services.AddSingleton<Security.SecurityEvents>();
        services.AddSingleton<Alerts.IAlertSignalSource, Security.SecuritySignals>();
        services.AddSingleton<Budgets.BudgetForecasts>();

        // Alerts: signals asked every EvaluationInterval, the book stored before notifications go on the channels' queues.
        services.AddGatewayAlerts();
        services.AddSingleton<IDrainParticipant, BreakerStateDrain>();

        // Health, error rate and admin report on the gateway's own providers (registered before them).
        services.AddSingleton<IBulwarkProviderCatalog, GatewayProviderCatalog>();
        services.AddBulwarkCorrelation();
        services.AddBulwarkRequestLogging(logging => builder.Configuration.GetSection("Bulwark:Logging").Bind(logging));
        // No activity per request unless traces are exported: each attempt sends the request's trace context on itself.
        services.AddBulwarkTelemetry(builder.Configuration, requestActivities: false);
        services.AddBulwarkPrometheusExporter();
        services.AddBulwarkProviderHealth();
        services.AddSingleton<Bulwark.AspNetCore.Health.IBulwarkProviderHealthSource, Bulwark.AspNetCore.ProviderHealth.StatisticsProviderHealthSource>();
        var health = services.AddBulwarkHealth().AddCheck<StoreHealthCheck>("store", tags: [Bulwark.AspNetCore.Health.BulwarkHealthTags.Ready]);
        if (sharedState)
        {
            health.AddCheck<SharedStateHealthCheck>("shared-state", tags: [Bulwark.AspNetCore.Health.BulwarkHealthTags.Ready]);
        }
        services.AddHostedService(static sp => new StoreIntegrityMonitor(
            sp.GetRequiredService<GatewayStore>(),
            sp.GetRequiredService<IOptions<GatewayOptions>>().Value.Storage.SqliteIntegrityCheckInterval,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<StoreIntegrityMonitor>>()));
        services.AddBulwarkErrorRate();
        // The admin status summarizes the configuration in force, which a reload replaces (registered before the admin's own).
        services.AddSingleton(static services => new Bulwark.AspNetCore.Admin.AdminConfiguration(new LiveConfigurationView(services.GetRequiredService<LiveGatewayConfiguration>())));
        services.AddBulwarkAdmin(builder.Configuration);
        services.AddGatewayDashboard();
        services.AddSingleton<InFlightRequests>();
        if (settings.DrainOnShutdown)
        {
            services.AddSingleton<GracefulShutdown>();
            services.AddHostedService(static services => services.GetRequiredService<GracefulShutdown>());
            services.AddOptions<HostOptions>().Configure<IOptions<GatewayOptions>>(static (host, gateway) =>
                host.ShutdownTimeout = GracefulShutdown.HostShutdownTimeout(gateway.Value.Shutdown));
        }

        settings.Services?.Invoke(services);
        var app = builder.Build();
        if (settings.ValidationOnly)
        {
            // The options were read and validated already (routes and their templates included): what is left to check
            // is the other components' start-up validation, which needs the services, not the request pipeline.
            return app;
        }

        try
        {
            Configure(app);
            return app;
        }
        catch
        {
            // A start that fails here (invalid configuration, store unavailable) still writes what it logged.
            ((IDisposable)app).Dispose();
            throw;
        }
    }

    private static void Configure(WebApplication app)
    {
        // Resolving the routes validates the configuration now, with every error, before anything listens.
        var routes = app.Services.GetRequiredService<GatewayRouteEndpointDataSource>();

        // Then the store, so that a corrupt, locked or unwritable file stops the start with a clear message (FailClosed).
        var store = app.Services.GetRequiredService<GatewayStore>();
        var startup = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Bulwark.Gateway.Storage");
        if (!store.IsAvailable)
        {
            StoreLog.RunningWithoutStore(startup, store.UnavailableReason!);
        }
        else if (store.IsInMemory)
        {
            StoreLog.InMemoryStore(startup);
        }
        else
        {
            StoreLog.StoreOpened(startup, store.Description);
        }

        var inFlight = app.Services.GetRequiredService<InFlightRequests>();

        // Telemetry, correlation, the request log line and error-rate counting, as one middleware (one async frame per
        // request instead of four).
        app.UseBulwarkObservability();

        // Refused and suspicious answers (401, admin token failures, open-proxy attempts, no route), counted for alerts.
        var security = app.Services.GetRequiredService<Security.SecurityEvents>();
        app.Use((context, next) => security.ObserveAsync(context, next));

        // Once the drain delay is over, a request arriving on a connection kept alive is refused, and the connection closed.
        app.Use((context, next) =>
        {
            if (!inFlight.IsRefusing)
            {
                return next(context);
            }

            context.Response.Headers.Connection = "close";
            return GatewayProblem.ShuttingDown(RequestCorrelation.IdOf(context.Request)).WriteAsync(context, 0);
        });
        app.UseExceptionHandler(errors => errors.Run(context =>
            GatewayProblem.Internal(context).WriteAsync(context, 0)));

        // TRACE would echo the provider's injected credentials back to the client; CONNECT would tunnel anywhere.
        app.Use(static (context, next) => HttpMethods.IsTrace(context.Request.Method) || HttpMethods.IsConnect(context.Request.Method)
            ? GatewayProblem.MethodNotAllowed(context, RequestCorrelation.IdOf(context.Request)).WriteAsync(context, 0)
            : next(context));

        // Framing Kestrel accepts but a gateway must not: refused before any endpoint, forwarding or not, runs.
        app.Use(RequestFraming.CheckAsync);

        // Per-client limits apply to the forwarding routes only (their endpoints carry the policy): health, admin and
        // metrics stay reachable to a client that is being throttled.
        // Clients are identified (or refused 401) first, so that per-client limits count them by their identity.
        app.UseMiddleware<ClientIdentificationMiddleware>();
        app.UseRateLimiter();

        app.MapBulwarkProviderHealth();
        app.MapBulwarkHealth();
        var admin = app.MapBulwarkAdmin();
        admin.MapProductionReadiness();
        admin.MapDeliveryAdmin();
        admin.MapUsageAdmin();
        admin.MapClientKeysAdmin();
        admin.MapBudgetsAdmin();
        admin.MapErrorsAdmin();
        admin.MapAlertsAdmin();
        app.MapBudgetStatus();
        app.MapErrorIntake();
        app.MapGatewayDashboard();
        app.MapDeliveryStatus();
        app.MapBulwarkMetrics();
        // The routes' endpoints come from the configuration in force and change with it; each carries its route's
        // per-client limits.
        ((IEndpointRouteBuilder)app).DataSources.Add(routes);

        // Every unmatched path, dotted file-like ones included ("{*path}", not the default "{*path:nonfile}").
        app.MapFallback("{*path}", static context => GatewayProblem.NotFound(context, RequestCorrelation.IdOf(context.Request)).WriteAsync(context, 0));
    }
}
