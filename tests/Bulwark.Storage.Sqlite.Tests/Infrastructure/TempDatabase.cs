using Microsoft.Data.Sqlite;

namespace Bulwark.Storage.Sqlite.Tests.Infrastructure;

/// <summary>A fresh directory for one test's database file, deleted (with the pooled connections to it) afterwards.</summary>
internal sealed class TempDatabase : IDisposable
{
    public TempDatabase()
    {
        Directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "bulwark-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        Path = System.IO.Path.Combine(Directory, "bulwark.db");
    }

    public string Directory { get; }

    public string Path { get; }

    public SqliteBulwarkStore Open(Action<SqliteStoreOptions>? configure = null)
    {
        var options = new SqliteStoreOptions { Path = Path };
        configure?.Invoke(options);
        return SqliteBulwarkStore.Open(options);
    }

    /// <summary>A connection of its own (no pool), to inspect or lock the file behind the store's back.</summary>
    public SqliteConnection Connect()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    public void Dispose()
    {
        // Pooled connections keep the file open; close them before deleting it.
        SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp directory does not fail a test.
        }
    }
}
