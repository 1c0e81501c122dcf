namespace Bulwark.Storage.Sqlite;

/// <summary>Defaults and limits of <see cref="SqliteStoreOptions"/>, for checking the same settings read another way.</summary>
public static class SqliteStoreConstants
{
    /// <summary>The default <see cref="SqliteStoreOptions.Path"/>: <c>data/bulwark.db</c>.</summary>
    public const string DefaultPath = "data/bulwark.db";

    /// <summary>The smallest <see cref="SqliteStoreOptions.MaxSizeBytes"/> other than 0 (no limit): 64 KiB.</summary>
    public const long MinMaxSizeBytes = 64 * 1024;

    /// <summary>The largest <see cref="SqliteStoreOptions.MaxSizeBytes"/>: 1 TiB.</summary>
    public const long MaxMaxSizeBytes = 1L << 40;

    /// <summary>The default <see cref="SqliteStoreOptions.BusyTimeout"/>: 5 seconds.</summary>
    public static readonly TimeSpan DefaultBusyTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The largest <see cref="SqliteStoreOptions.BusyTimeout"/>: 5 minutes.</summary>
    public static readonly TimeSpan MaxBusyTimeout = TimeSpan.FromMinutes(5);
}
