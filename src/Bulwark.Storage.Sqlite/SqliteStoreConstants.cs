namespace Bulwark.Storage.Sqlite;

/// <summary>Defaults and limits of the SQLite store.</summary>
internal static class SqliteStoreConstants
{
    public const string DefaultPath = "data/bulwark.db";

    public const long MinMaxSizeBytes = 64 * 1024;

    public const long MaxMaxSizeBytes = 1L << 40;

    public static readonly TimeSpan DefaultBusyTimeout = TimeSpan.FromSeconds(5);

    public static readonly TimeSpan MaxBusyTimeout = TimeSpan.FromMinutes(5);
}
