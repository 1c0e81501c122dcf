namespace Bulwark.Storage.Postgres;

/// <summary>Defaults and bounds of <see cref="PostgresStoreOptions"/>.</summary>
internal static class PostgresStoreConstants
{
    public const string DefaultSchema = "bulwark";

    public const int MaxSchemaLength = 63;

    public static readonly TimeSpan DefaultCommandTimeout = TimeSpan.FromSeconds(5);

    public static readonly TimeSpan MinCommandTimeout = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan MaxCommandTimeout = TimeSpan.FromMinutes(5);
}
