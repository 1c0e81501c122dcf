using Bulwark.Storage.Sqlite;

namespace Bulwark.Gateway.Configuration.SectionValidators;

/// <summary>
/// <c>Bulwark:Storage</c>: a known store and failure mode, no in-memory store in Production, a SQLite file, and busy
/// timeout, integrity check interval and size cap in range.
/// </summary>
internal sealed class StorageValidator(Func<string, string?> environment) : ISectionValidator
{
    public void Validate(GatewayOptions options, List<string> errors)
    {
        if (options.Storage is not { } storage)
        {
            return;
        }

        const string path = $"{GatewayConstants.ConfigurationRoot}:Storage";
        if (!Enum.IsDefined(storage.Provider))
        {
            errors.Add($"{path}:Provider: '{storage.Provider}' is not a store; use Sqlite or InMemory.");
        }

        if (!Enum.IsDefined(storage.OnStoreFailure))
        {
            errors.Add($"{path}:OnStoreFailure: '{storage.OnStoreFailure}' is not a mode; use FailClosed or FailOpen.");
        }

        string hostEnvironment = environment("DOTNET_ENVIRONMENT") ?? environment("ASPNETCORE_ENVIRONMENT") ?? "Production";
        if (storage.Provider == GatewayStoreProvider.InMemory && string.Equals(hostEnvironment, "Production", StringComparison.OrdinalIgnoreCase))
        {
            errors.Add($"{path}:Provider: InMemory is refused in the Production environment: every deferred request and breaker state would be lost at the next restart. Use Sqlite (the default), or set DOTNET_ENVIRONMENT to Development for tests.");
        }

        if (storage.Provider == GatewayStoreProvider.Sqlite && string.IsNullOrWhiteSpace(storage.Path))
        {
            errors.Add($"{path}:Path: the SQLite file is required, for example \"{SqliteStoreConstants.DefaultPath}\".");
        }

        if (storage.BusyTimeout < TimeSpan.Zero || storage.BusyTimeout > SqliteStoreConstants.MaxBusyTimeout)
        {
            errors.Add($"{path}:BusyTimeout: {storage.BusyTimeout:c} is out of range; allowed 00:00:00 to 00:05:00.");
        }

        if (storage.UsageRetention < TimeSpan.FromHours(1) || storage.UsageRetention > TimeSpan.FromDays(3650))
        {
            errors.Add($"{path}:UsageRetention: {storage.UsageRetention:c} is out of range; allowed 01:00:00 to 3650.00:00:00.");
        }

        if (storage.IntegrityCheckInterval < TimeSpan.FromMilliseconds(100) || storage.IntegrityCheckInterval > TimeSpan.FromDays(1))
        {
            errors.Add($"{path}:IntegrityCheckInterval: {storage.IntegrityCheckInterval:c} is out of range; allowed 00:00:00.1 to 1.00:00:00.");
        }

        if (storage.MaxSizeBytes != 0 && storage.MaxSizeBytes is < SqliteStoreConstants.MinMaxSizeBytes or > SqliteStoreConstants.MaxMaxSizeBytes)
        {
            errors.Add($"{path}:MaxSizeBytes: {storage.MaxSizeBytes} is out of range; allowed 0 (no limit) or {SqliteStoreConstants.MinMaxSizeBytes} to {SqliteStoreConstants.MaxMaxSizeBytes}.");
        }
    }
}
