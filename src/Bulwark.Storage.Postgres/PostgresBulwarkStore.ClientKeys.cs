using System.Data.Common;
using Bulwark.Storage.Clients;
using Npgsql;
using NpgsqlTypes;

namespace Bulwark.Storage.Postgres;

/// <summary>Client keys: issued, listed, found by hash, revoked; read from the server every time, so a revocation is seen by every instance.</summary>
public sealed partial class PostgresBulwarkStore
{
    private const string ClientKeyColumns = "id, hash, prefix, name, owner, team, tier, created_at, expires_at, revoked_at";

    /// <inheritdoc/>
    public Task AddClientKeyAsync(ClientKeyRecord key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        return RunAsync("store a client key", async (connection, ct) =>
        {
            await using var insert = new NpgsqlCommand($"INSERT INTO client_keys ({ClientKeyColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10);", connection);
            Add(insert, key.Id, key.Hash, key.Prefix);
            insert.Parameters.Add(Text(key.Name));
            Add(insert, key.Owner, key.Team, key.Tier, key.Created.ToUnixTimeMilliseconds());
            insert.Parameters.Add(Bigint(key.Expires));
            insert.Parameters.Add(Bigint(key.Revoked));
            return await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public Task<ClientKeyRecord?> FindClientKeyAsync(string hash, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(hash);
        return RunAsync("read a client key", async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand($"SELECT {ClientKeyColumns} FROM client_keys WHERE hash = $1;", connection);
            Add(command, hash);
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            return await reader.ReadAsync(ct).ConfigureAwait(false) ? ReadClientKey(reader) : null;
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<ClientKeyRecord>> ListClientKeysAsync(int maxCount, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxCount, 100_000);
        return RunAsync<IReadOnlyList<ClientKeyRecord>>("list client keys", async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand($"SELECT {ClientKeyColumns} FROM client_keys ORDER BY created_at, id COLLATE \"C\" LIMIT $1;", connection);
            Add(command, maxCount);
            var keys = new List<ClientKeyRecord>();
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                keys.Add(ReadClientKey(reader));
            }

            return keys;
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public Task<ClientKeyRecord?> RevokeClientKeyAsync(string id, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        return RunAsync("revoke a client key", async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand($"UPDATE client_keys SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1 RETURNING {ClientKeyColumns};", connection);
            Add(command, id, at.ToUnixTimeMilliseconds());
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            return await reader.ReadAsync(ct).ConfigureAwait(false) ? ReadClientKey(reader) : null;
        }, cancellationToken);
    }

    private static ClientKeyRecord ReadClientKey(DbDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetString(2),
        NullableString(reader, 3),
        reader.GetString(4),
        reader.GetString(5),
        reader.GetString(6),
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(7)),
        FromDb(reader, 8),
        FromDb(reader, 9));

    private static string? NullableString(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static NpgsqlParameter Text(string? value) => new() { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)value ?? DBNull.Value };

    private static NpgsqlParameter Bigint(long? value) => new() { NpgsqlDbType = NpgsqlDbType.Bigint, Value = (object?)value ?? DBNull.Value };

    private static NpgsqlParameter Bigint(DateTimeOffset? value) => Bigint(value?.ToUnixTimeMilliseconds());
}
