using System.Text;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Forwarding;
using Bulwark.Gateway.Problems;
using Microsoft.Extensions.Options;

namespace Bulwark.Gateway.Hosting;

/// <summary>Builds the gateway application: configuration, services, and one endpoint per configured route.</summary>
internal static class GatewayHost
{
    /// <summary>Builds the gateway; throws <see cref="OptionsValidationException"/> listing every configuration error.</summary>
    public static WebApplication Build(GatewayHostSettings settings)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.Sources.Clear();
        if (settings.ConfigPath is { } path)
        {
            builder.Configuration.AddJsonFile(Path.GetFullPath(path), optional: false, reloadOnChange: false);
        }

        if (settings.ConfigJson is { } json)
        {
            builder.Configuration.AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json)));
        }

        if (settings.EnvironmentOverrides)
        {
            builder.Configuration.AddEnvironmentVariables();
        }

        builder.WebHost.UseKestrel(kestrel => kestrel.AddServerHeader = false);
        builder.WebHost.UseUrls([.. settings.Urls]);
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(console => console.SingleLine = true);
        builder.Logging.SetMinimumLevel(settings.MinimumLogLevel);

        // Framework categories say at most warnings; a higher minimum (the demo's) quiets them too.
        var frameworkLevel = settings.MinimumLogLevel > LogLevel.Warning ? settings.MinimumLogLevel : LogLevel.Warning;
        builder.Logging.AddFilter("Microsoft", frameworkLevel);
        builder.Logging.AddFilter("Yarp", frameworkLevel);
        builder.Logging.AddFilter("Polly", frameworkLevel);

        var services = builder.Services;
        if (settings.TimeProvider is { } time)
        {
            services.AddSingleton(time);
        }

        services.AddBulwarkOptions<GatewayOptions>(builder.Configuration.GetSection("Bulwark"), settings.Environment);
        services.AddSingleton<IValidateOptions<GatewayOptions>>(new GatewayOptionsValidator(settings.Environment));
        services.AddSingleton(new GatewayEnvironment(settings.Environment));
        services.AddHttpForwarder();
        services.AddSingleton<GatewayHttpClient>();
        services.AddSingleton<GatewayRouteTable>();
        services.AddSingleton<ForwardingHandler>();

        var app = builder.Build();

        // Resolving the routes validates the configuration now, with every error, before anything listens.
        var routes = app.Services.GetRequiredService<GatewayRouteTable>();
        var handler = app.Services.GetRequiredService<ForwardingHandler>();

        app.UseExceptionHandler(errors => errors.Run(context =>
            GatewayProblem.Internal(context).WriteAsync(context, 0)));

        app.MapGet("/health/live", static () => Results.Json(new { status = "live" }));
        foreach (var route in routes.Routes)
        {
            RequestDelegate forward = context => handler.HandleAsync(context, route);
            var endpoint = route.Methods.Count > 0 ? app.MapMethods(route.Path, route.Methods, forward) : app.Map(route.Path, forward);
            endpoint.WithDisplayName($"bulwark route {route.Path}");
        }

        app.MapFallback(static context => GatewayProblem.NotFound(context, Guid.NewGuid().ToString("N")).WriteAsync(context, 0));
        return app;
    }
}
