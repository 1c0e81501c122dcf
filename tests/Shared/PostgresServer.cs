using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace Bulwark.Tests.Shared;

/// <summary>
/// A real PostgreSQL server for the tests: <c>initdb</c> into a temp directory, then <c>postgres</c> on a free port of
/// 127.0.0.1 (never a system service), stopped and deleted at the end. PostgreSQL refuses to run as root, so as root it runs
/// as the <c>postgres</c> user the Debian package creates. Each test takes a fresh database of its own.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private const string SuperUser = "bulwark";
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(60);
    private int _databases;
    private Process? _server;
    private string? _directory;

    /// <summary>Gets the port the server listens on.</summary>
    public int Port { get; private set; }

    /// <summary>Gets the directory of PostgreSQL's programs.</summary>
    public static string BinDirectory { get; } = FindBinDirectory();

    /// <summary>Gets a connection string to the server's <c>postgres</c> database as the superuser.</summary>
    public string AdminConnectionString => ConnectionStringFor("postgres");

    public async Task InitializeAsync()
    {
        _directory = Path.Combine(Path.GetTempPath(), "bulwark-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(_directory);
        bool root = Environment.UserName == "root";
        if (root)
        {
            // The data directory must belong to the user the server runs as.
            await RunAsync("chown", ["postgres:postgres", _directory], asPostgres: false);
        }

        string data = Path.Combine(_directory, "data");
        await RunAsync(Path.Combine(BinDirectory, "initdb"), ["-D", data, "-U", SuperUser, "--auth=trust", "-E", "UTF8", "--no-sync", "--no-instructions"], root);
        Port = FreePorts.Next();
        _server = Start(Path.Combine(BinDirectory, "postgres"),
            ["-D", data, "-p", Port.ToString(CultureInfo.InvariantCulture), "-k", _directory, "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "max_connections=200"],
            root);
        var server = _server;
        await Poll.UntilAsync(
            async () =>
            {
                Assert.False(server.HasExited, "postgres exited at start");
                try
                {
                    await using var connection = new NpgsqlConnection(AdminConnectionString);
                    await connection.OpenAsync();
                    return true;
                }
                catch (NpgsqlException)
                {
                    return false;
                }
            },
            "postgres to accept connections",
            StartDeadline);
    }

    /// <summary>Creates an empty database and returns a connection string to it.</summary>
    /// <returns>The connection string.</returns>
    public async Task<string> CreateDatabaseAsync()
    {
        string name = "test_" + Interlocked.Increment(ref _databases).ToString(CultureInfo.InvariantCulture);
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE {name};", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionStringFor(name);
    }

    public async Task DisposeAsync()
    {
        if (_server is { HasExited: false } server)
        {
            // SIGINT: fast shutdown (rolls back open transactions, closes connections).
            await RunAsync("kill", ["-INT", server.Id.ToString(CultureInfo.InvariantCulture)], asPostgres: false);
            if (!server.WaitForExit(TimeSpan.FromSeconds(20)))
            {
                server.Kill(entireProcessTree: true);
            }
        }

        _server?.Dispose();
        NpgsqlConnection.ClearAllPools();
        if (_directory is not null)
        {
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private string ConnectionStringFor(string database) =>
        new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = Port, Username = SuperUser, Database = database, Pooling = true }.ConnectionString;

    private static string FindBinDirectory()
    {
        var root = new DirectoryInfo("/usr/lib/postgresql");
        var bin = root.Exists
            ? root.GetDirectories().Select(d => Path.Combine(d.FullName, "bin")).Where(d => File.Exists(Path.Combine(d, "postgres"))).OrderDescending().FirstOrDefault()
            : null;
        return bin ?? throw new InvalidOperationException("PostgreSQL is not installed (Debian package 'postgresql'; eng/test.sh installs it).");
    }

    /// <summary>Runs <paramref name="program"/> directly, or as the <c>postgres</c> user through <c>runuser</c>.</summary>
    private static ProcessStartInfo StartInfo(string program, IReadOnlyList<string> arguments, bool asPostgres)
    {
        var info = new ProcessStartInfo(asPostgres ? "runuser" : program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in asPostgres ? ["-u", "postgres", "--", program, .. arguments] : arguments)
        {
            info.ArgumentList.Add(a);
        }

        return info;
    }

    private static Process Start(string program, IReadOnlyList<string> arguments, bool asPostgres)
    {
        var info = StartInfo(program, arguments, asPostgres);
        var process = Process.Start(info) ?? throw new InvalidOperationException($"{program} did not start.");
        process.OutputDataReceived += static (_, _) => { };
        process.ErrorDataReceived += static (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task RunAsync(string program, IReadOnlyList<string> arguments, bool asPostgres)
    {
        var info = StartInfo(program, arguments, asPostgres);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{program} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} exited with {process.ExitCode}: {await output}{await error}");
        }
    }
}

/// <summary>One PostgreSQL server for every test of the assembly.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "postgres";
}
