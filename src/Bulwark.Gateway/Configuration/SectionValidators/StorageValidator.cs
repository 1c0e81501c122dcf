using Bulwark.Storage.Postgres;
using Bulwark.Storage.Sqlite;

namespace Bulwark.Gateway.Configuration.SectionValidators;

/// <summary>
/// <c>Bulwark:Storage</c>: a known store and failure mode, no in-memory store in Production; for SQLite a file, and busy
/// timeout, integrity check interval and size cap in range; for PostgreSQL exactly one of the connection string and its
/// environment variable (which must be set), a valid schema and command timeout. A setting of the other store is refused,
/// never ignored. Messages never quote the connection string: it may hold a password.
/// </summary>
internal sealed class StorageValidator(Func<string, string?> environment) : ISectionValidator
{
    private const string Path = $"{GatewayConstants.ConfigurationRoot}:Storage";

    public void Validate(GatewayOptions options, List<string> errors)
    {
        if (options.Storage is not { } storage)
        {
            return;
        }

        if (!Enum.IsDefined(storage.Provider))
        {
            errors.Add($"{Path}:Provider: '{storage.Provider}' is not a store; use Sqlite, Postgres or InMemory.");
        }

        if (!Enum.IsDefined(storage.OnStoreFailure))
        {
            errors.Add($"{Path}:OnStoreFailure: '{storage.OnStoreFailure}' is not a mode; use FailClosed or FailOpen.");
        }

        string hostEnvironment = environment("DOTNET_ENVIRONMENT") ?? environment("ASPNETCORE_ENVIRONMENT") ?? "Production";
        if (storage.Provider == GatewayStoreProvider.InMemory && string.Equals(hostEnvironment, "Production", StringComparison.OrdinalIgnoreCase))
        {
            errors.Add($"{Path}:Provider: InMemory is refused in the Production environment: every deferred request and breaker state would be lost at the next restart. Use Sqlite (the default) or Postgres, or set DOTNET_ENVIRONMENT to Development for tests.");
        }

        if (storage.UsageRetention < TimeSpan.FromHours(1) || storage.UsageRetention > TimeSpan.FromDays(3650))
        {
            errors.Add($"{Path}:UsageRetention: {storage.UsageRetention:c} is out of range; allowed 01:00:00 to 3650.00:00:00.");
        }

        ValidateSqlite(storage, errors);
        ValidatePostgres(storage, errors);
    }

    /// <summary>The PostgreSQL connection string from the file or the environment; <see langword="null"/> (and an error) when neither or both.</summary>
    internal static string? ResolveConnectionString(GatewayStorageOptions storage, Func<string, string?> environment, List<string> errors)
    {
        switch (storage.ConnectionString, storage.ConnectionStringFromEnvironment)
        {
            case (null, null):
                errors.Add($"{Path}:Provider: Postgres needs a connection string: set ConnectionString (\"Host=db;Database=bulwark;Username=bulwark\"), or ConnectionStringFromEnvironment naming the variable that holds it.");
                return null;
            case (not null, not null):
                errors.Add($"{Path}:ConnectionString: set ConnectionString or ConnectionStringFromEnvironment, not both.");
                return null;
            case (null, { } variable):
                if (string.IsNullOrWhiteSpace(environment(variable)))
                {
                    errors.Add($"{Path}:ConnectionStringFromEnvironment: the environment variable '{variable}' is not set.");
                    return null;
                }

                return environment(variable);
            default:
                return storage.ConnectionString;
        }
    }

    /// <summary>The PostgreSQL store's options from the gateway's (the connection string resolved).</summary>
    internal static PostgresStoreOptions PostgresOptions(GatewayStorageOptions storage, string? connectionString)
    {
        var options = new PostgresStoreOptions { ConnectionString = connectionString, CommandTimeout = storage.PostgresCommandTimeout };
        if (storage.Schema is { } schema)
        {
            options.Schema = schema;
        }

        return options;
    }

    private static void ValidateSqlite(GatewayStorageOptions storage, List<string> errors)
    {
        if (storage.Provider == GatewayStoreProvider.Postgres)
        {
            // Set for PostgreSQL, a SQLite setting would be accepted and do nothing: refused. (The in-memory store, for
            // tests, keeps them as the SQLite store would read them, as it always has.)
            foreach (var (name, set) in (ReadOnlySpan<(string, bool)>)
                [
                    ("Path", storage.Path is not null),
                    ("BusyTimeout", storage.BusyTimeout is not null),
                    ("FlushEveryCommit", storage.FlushEveryCommit is not null),
                    ("MaxSizeBytes", storage.MaxSizeBytes is not null),
                    ("IntegrityCheckInterval", storage.IntegrityCheckInterval is not null),
                ])
            {
                if (set)
                {
                    errors.Add($"{Path}:{name}: applies to the SQLite store only; Provider is {storage.Provider}. Remove it.");
                }
            }

            return;
        }

        if (storage.Path is { } file && string.IsNullOrWhiteSpace(file))
        {
            errors.Add($"{Path}:Path: the SQLite file is required, for example \"{SqliteStoreConstants.DefaultPath}\".");
        }

        if (storage.BusyTimeout is { } busy && (busy < TimeSpan.Zero || busy > SqliteStoreConstants.MaxBusyTimeout))
        {
            errors.Add($"{Path}:BusyTimeout: {busy:c} is out of range; allowed 00:00:00 to 00:05:00.");
        }

        if (storage.IntegrityCheckInterval is { } interval && (interval < TimeSpan.FromMilliseconds(100) || interval > TimeSpan.FromDays(1)))
        {
            errors.Add($"{Path}:IntegrityCheckInterval: {interval:c} is out of range; allowed 00:00:00.1 to 1.00:00:00.");
        }

        if (storage.MaxSizeBytes is { } size && size != 0 && size is < SqliteStoreConstants.MinMaxSizeBytes or > SqliteStoreConstants.MaxMaxSizeBytes)
        {
            errors.Add($"{Path}:MaxSizeBytes: {size} is out of range; allowed 0 (no limit) or {SqliteStoreConstants.MinMaxSizeBytes} to {SqliteStoreConstants.MaxMaxSizeBytes}.");
        }
    }

    private void ValidatePostgres(GatewayStorageOptions storage, List<string> errors)
    {
        if (storage.Provider != GatewayStoreProvider.Postgres)
        {
            foreach (var (name, set) in (ReadOnlySpan<(string, bool)>)
                [
                    ("ConnectionString", storage.ConnectionString is not null),
                    ("ConnectionStringFromEnvironment", storage.ConnectionStringFromEnvironment is not null),
                    ("Schema", storage.Schema is not null),
                    ("CommandTimeout", storage.CommandTimeout is not null),
                ])
            {
                if (set)
                {
                    errors.Add($"{Path}:{name}: applies to the PostgreSQL store only; Provider is {storage.Provider}. Set Provider to Postgres, or remove it.");
                }
            }

            return;
        }

        string? connectionString = ResolveConnectionString(storage, environment, errors);
        foreach (string problem in PostgresBulwarkStore.Validate(PostgresOptions(storage, connectionString ?? "Host=127.0.0.1")))
        {
            errors.Add($"{Path}: {problem}");
        }
    }
}
