using System.CommandLine;
using System.CommandLine.Help;
using Bulwark.Gateway.Hosting;
using Microsoft.Extensions.Options;

namespace Bulwark.Gateway.Cli;

/// <summary>The <c>bulwark</c> command line: <c>serve</c>, <c>check-config</c>, <c>demo</c> and <c>store recover</c>.</summary>
internal static class GatewayCli
{
    public const int ConfigurationError = 2;

    /// <summary>The exit code when requests were still running at the drain deadline and were cancelled.</summary>
    public const int DrainTimedOut = 3;

    /// <summary>Exit code of <c>serve</c> when the store cannot be opened (corrupt, locked, unwritable) and fails closed.</summary>
    public const int StoreUnavailable = 4;

    /// <summary>Exit code of <c>serve</c> when it cannot listen on an address (in use, or not allowed).</summary>
    public const int CannotListen = 5;

    /// <summary>The command's name, in its usage line and messages.</summary>
    public const string CommandName = "bulwark";

    /// <summary>
    /// Parses and runs. <c>serve</c> leaves SIGTERM and SIGINT to the host, whose graceful shutdown may take longer than
    /// System.CommandLine's termination timeout would allow before forcing exit code 143.
    /// </summary>
    public static Task<int> InvokeAsync(string[] args)
    {
        var parse = Create().Parse(args);
        var configuration = parse.CommandResult.Command.Name == "serve"
            ? new InvocationConfiguration { ProcessTerminationTimeout = null }
            : new InvocationConfiguration();
        return parse.InvokeAsync(configuration);
    }

    public static Command Create()
    {
        var config = new Option<FileInfo>("--config") { Description = "The gateway's JSON configuration file.", Required = true };
        var urls = new Option<string>("--urls")
        {
            Description = $"Where to listen, separated by ';'. Without it: {ListenUrls.EnvironmentVariable}, else Bulwark:Urls in the configuration, else {Configuration.ListenAddress.Default}.",
        };
        var serve = new Command("serve", "Run the gateway.") { config, urls };
        serve.SetAction((parse, cancellation) => ServeAsync(parse.GetValue(config)!, parse.GetValue(urls), cancellation));

        var demo = new Command("demo", "Start the gateway and misbehaving sample providers on loopback, drive a bounded workload, and print what Bulwark changed.");
        demo.SetAction((_, cancellation) => Demo.DemoCommand.RunAsync(Console.Out, cancellation));

        // A plain command named `bulwark` rather than a RootCommand, whose name (shown in the usage line) is the running
        // file's: Bulwark.Gateway under `dotnet Bulwark.Gateway.dll` or as a dotnet tool.
        return new Command(CommandName, "Bulwark gateway: retries, circuit breakers, bulkheads, timeouts and failover in front of your providers.")
        {
            new HelpOption(),
            new VersionOption(),
            serve,
            CheckConfigCommand.Create(),
            demo,
            StoreRecoverCommand.Create(),
            HealthCommand.Create(),
        };
    }

    private static async Task<int> ServeAsync(FileInfo config, string? urls, CancellationToken cancellation)
    {
        if (!config.Exists)
        {
            await Console.Error.WriteLineAsync($"bulwark: the configuration file '{config.FullName}' does not exist.").ConfigureAwait(false);
            return ConfigurationError;
        }

        WebApplication app;
        try
        {
            app = GatewayHost.Build(new GatewayHostSettings(config.FullName, null, urls is null ? [] : Configuration.ListenAddress.Split(urls))
            {
                DrainOnShutdown = true,
            });
        }
        catch (OptionsValidationException e)
        {
            await Console.Error.WriteLineAsync($"bulwark: the configuration has {e.Failures.Count()} error(s); the gateway did not start:").ConfigureAwait(false);
            foreach (var failure in e.Failures)
            {
                await Console.Error.WriteLineAsync("  - " + failure).ConfigureAwait(false);
            }

            return ConfigurationError;
        }
        catch (InvalidDataException e)
        {
            await Console.Error.WriteLineAsync($"bulwark: the configuration file '{config.FullName}' is not valid JSON: {e.GetBaseException().Message}").ConfigureAwait(false);
            return ConfigurationError;
        }
        catch (Bulwark.Storage.StoreUnavailableException e)
        {
            string salvage = e.Reason == Bulwark.Storage.StoreUnavailableReason.Corrupt
                ? $" Salvage its readable entries into a fresh file with: bulwark store recover --config {config.FullName}"
                : string.Empty;
            await Console.Error.WriteLineAsync($"bulwark: {e.Message} The gateway did not start (set Bulwark:Storage:OnStoreFailure to FailOpen to serve without durable features).{salvage}").ConfigureAwait(false);
            return StoreUnavailable;
        }

        await using (app.ConfigureAwait(false))
        {
            var shutdown = app.Services.GetRequiredService<GracefulShutdown>();
            var startFailures = app.Services.GetRequiredService<StartFailureLogFilter>();
            startFailures.Starting = true;
            try
            {
                await app.StartAsync(cancellation).ConfigureAwait(false);
            }
            catch (Exception e) when (ListenFailure.Describe(e, app.Services.GetRequiredService<ListenUrls>()) is { } failure)
            {
                // Nothing of the host is logged while it is torn down: a host that never started was never stopped, so it
                // reports its background services' cancellation as failures, with their stacks, at Error and Critical.
                startFailures.FailedToListen = true;
                await Console.Error.WriteLineAsync($"bulwark: {failure}").ConfigureAwait(false);
                return CannotListen;
            }

            startFailures.Starting = false;

            GatewayStartupLog.Started(app, config.FullName);
            await app.WaitForShutdownAsync(cancellation).ConfigureAwait(false);
            return shutdown.CancelledRequests > 0 ? DrainTimedOut : 0;
        }
    }
}
