using System.CommandLine;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Hosting;
using Bulwark.Storage;
using Bulwark.Storage.Sqlite.Recovery;

namespace Bulwark.Gateway.Cli;

/// <summary>
/// <c>bulwark store recover</c>: salvages a corrupt SQLite store into a fresh file (every readable delivery and breaker
/// snapshot) and keeps the damaged one aside. Run it with the gateway stopped.
/// </summary>
internal static class StoreRecoverCommand
{
    public const int Failed = 4;

    public static Command Create()
    {
        var config = new Option<FileInfo>("--config") { Description = "The gateway's JSON configuration file: the store is its Bulwark:Storage:Path (environment overrides apply, as for serve)." };
        var path = new Option<FileInfo>("--path") { Description = "The store's file, instead of --config." };
        var recover = new Command("recover", "Salvage every readable entry of a damaged store into a fresh file, moving the damaged one aside as <name>.corrupt-<timestamp>. Stop the gateway first.") { config, path };
        recover.SetAction((parse, _) => RunAsync(parse.GetValue(config), parse.GetValue(path), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));
        return new Command("store", "Maintain the gateway's durable store.") { recover };
    }

    public static async Task<int> RunAsync(FileInfo? config, FileInfo? path, TextWriter output, TextWriter error)
    {
        if ((config is null) == (path is null))
        {
            await error.WriteLineAsync("bulwark: give exactly one of --config and --path.").ConfigureAwait(false);
            return GatewayCli.ConfigurationError;
        }

        string store;
        if (path is not null)
        {
            store = path.FullName;
        }
        else if (!config!.Exists)
        {
            await error.WriteLineAsync($"bulwark: the configuration file '{config.FullName}' does not exist.").ConfigureAwait(false);
            return GatewayCli.ConfigurationError;
        }
        else
        {
            // Only the storage section: a damaged store must be salvageable whatever else the file or environment lacks.
            var builder = new ConfigurationBuilder();
            try
            {
                GatewayConfiguration.AddSources(builder, new GatewayHostSettings(config.FullName, null, []));
                var options = new GatewayStorageOptions();
                builder.Build().GetSection("Bulwark:Storage").Bind(options);
                if (options.Provider != GatewayStoreProvider.Sqlite)
                {
                    await error.WriteLineAsync($"bulwark: the configured store is {options.Provider}; only a SQLite store can be recovered (a PostgreSQL database is recovered with PostgreSQL's own tools).").ConfigureAwait(false);
                    return GatewayCli.ConfigurationError;
                }

                if (string.IsNullOrWhiteSpace(options.SqlitePath))
                {
                    await error.WriteLineAsync($"bulwark: Bulwark:Storage:Path is empty in '{config.FullName}' (or the environment): give the store's file.").ConfigureAwait(false);
                    return GatewayCli.ConfigurationError;
                }

                store = Path.GetFullPath(options.SqlitePath);
            }
            catch (Exception e) when (e is InvalidDataException or InvalidOperationException or FormatException)
            {
                await error.WriteLineAsync($"bulwark: the configuration file '{config.FullName}' cannot be read: {e.InnerException?.Message ?? e.Message}").ConfigureAwait(false);
                return GatewayCli.ConfigurationError;
            }
        }

        await output.WriteLineAsync($"bulwark: recovering the store '{store}'.").ConfigureAwait(false);
        SqliteRecoveryReport report;
        try
        {
            report = SqliteStoreRecovery.Recover(store, TimeProvider.System);
        }
        catch (FileNotFoundException e)
        {
            await error.WriteLineAsync($"bulwark: {e.Message}").ConfigureAwait(false);
            return Failed;
        }
        catch (StoreUnavailableException e)
        {
            await error.WriteLineAsync($"bulwark: {e.Message}").ConfigureAwait(false);
            return Failed;
        }

        await output.WriteLineAsync($"bulwark: salvaged {report.Deliveries} deliveries and {report.BreakerStates} breaker states into a fresh '{report.Path}'.").ConfigureAwait(false);
        await output.WriteLineAsync($"bulwark: the damaged file was moved to '{report.DamagedCopy}' (with its -wal and -shm, if any).").ConfigureAwait(false);
        if (report.Unreadable.Count == 0)
        {
            await output.WriteLineAsync("bulwark: every row could be read.").ConfigureAwait(false);
        }
        else
        {
            await output.WriteLineAsync($"bulwark: {report.Unreadable.Count} part(s) could not be read and are lost (leases were released; in-progress deliveries are pending again):").ConfigureAwait(false);
            foreach (var line in report.Unreadable)
            {
                await output.WriteLineAsync("  - " + line).ConfigureAwait(false);
            }
        }

        return 0;
    }
}
