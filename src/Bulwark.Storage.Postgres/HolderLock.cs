using Bulwark.Storage.Postgres.Migrations;
using Npgsql;

namespace Bulwark.Storage.Postgres;

/// <summary>
/// The session advisory lock an open store holds for its lifetime, on a connection of its own: while the lock is held the
/// store's process runs, so its budget leases are requests in flight; once the lock is free (the process stopped, its
/// connection closed) they are leases left behind. The lock number is random, retried until free, and written on leases.
/// </summary>
internal sealed class HolderLock : IDisposable
{
    private const int MaxTries = 32;
    private readonly Lock _gate = new();
    private readonly NpgsqlDataSource _dataSource;
    private NpgsqlConnection? _connection;

    private HolderLock(NpgsqlDataSource dataSource, NpgsqlConnection connection, int number)
    {
        _dataSource = dataSource;
        _connection = connection;
        Number = number;
    }

    /// <summary>Gets this store instance's id, written on its leases (unique, unlike the lock number a later instance may reuse).</summary>
    public string Holder { get; } = Guid.NewGuid().ToString("N");

    /// <summary>Gets the lock number held.</summary>
    public int Number { get; private set; }

    public static HolderLock Acquire(NpgsqlDataSource dataSource)
    {
        var connection = dataSource.OpenConnection();
        try
        {
            return new HolderLock(dataSource, connection, TakeFreeNumber(connection, null));
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Whether the lock <paramref name="number"/> is free now (its holder stopped), tested inside the caller's transaction.</summary>
    public static async Task<bool> IsFreeAsync(NpgsqlConnection connection, int number, CancellationToken cancellationToken)
    {
        // A transaction-level lock: taken only to test, released at the caller's commit.
        await using var command = new NpgsqlCommand("SELECT pg_try_advisory_xact_lock($1, $2);", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = PostgresMigrations.HolderLockClass });
        command.Parameters.Add(new NpgsqlParameter { Value = number });
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is true;
    }

    /// <summary>
    /// Takes the lock again when its connection was lost (the server restarted): the same number when it is still free,
    /// else a new one. Between the loss and this call another instance may have charged this one's leases as left behind;
    /// the requests are then charged twice, never not at all.
    /// </summary>
    public void EnsureHeld()
    {
        lock (_gate)
        {
            if (_connection is { State: System.Data.ConnectionState.Open })
            {
                return;
            }

            _connection?.Dispose();
            _connection = null;
            var connection = _dataSource.OpenConnection();
            try
            {
                Number = TakeFreeNumber(connection, Number);
                _connection = connection;
            }
            catch
            {
                connection.Dispose();
                throw;
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            // Closing the session releases the lock.
            _connection?.Dispose();
            _connection = null;
        }
    }

    private static int TakeFreeNumber(NpgsqlConnection connection, int? preferred)
    {
        for (int i = 0; i < MaxTries; i++)
        {
            int number = i == 0 && preferred is { } p ? p : Random.Shared.Next(int.MinValue, int.MaxValue);
            using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock($1, $2);", connection);
            command.Parameters.Add(new NpgsqlParameter { Value = PostgresMigrations.HolderLockClass });
            command.Parameters.Add(new NpgsqlParameter { Value = number });
            if (command.ExecuteScalar() is true)
            {
                return number;
            }
        }

        throw new StoreUnavailableException(StoreUnavailableReason.Busy, $"The PostgreSQL store could not take a free instance lock in {MaxTries} tries.");
    }
}
