using Bulwark.Storage.Clients;
using Microsoft.Data.Sqlite;

namespace Bulwark.Storage.Sqlite;

/// <summary>Client keys: issued, listed, found by hash, revoked.</summary>
public sealed partial class SqliteBulwarkStore
{
    private const string ClientKeyColumns = "id, hash, prefix, name, owner, team, tier, created_at, expires_at, revoked_at";

    /// <summary>Stores a newly issued client key (its hash, never the key).</summary>
    /// <param name="key">The key's record; its <see cref="ClientKeyRecord.Id"/> and <see cref="ClientKeyRecord.Hash"/> must be new.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the key is stored.</returns>
    /// <exception cref="StoreUnavailableException">The store cannot be written.</exception>
    public Task AddClientKeyAsync(ClientKeyRecord key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        return RunAsync("store a client key", async (connection, ct) =>
        {
            await using var insert = connection.CreateCommand();
            insert.CommandText = $"INSERT INTO client_keys ({ClientKeyColumns}) VALUES ($id, $hash, $prefix, $name, $owner, $team, $tier, $created, $expires, $revoked);";
            insert.Parameters.AddWithValue("$id", key.Id);
            insert.Parameters.AddWithValue("$hash", key.Hash);
            insert.Parameters.AddWithValue("$prefix", key.Prefix);
            insert.Parameters.AddWithValue("$name", (object?)key.Name ?? DBNull.Value);
            insert.Parameters.AddWithValue("$owner", key.Owner);
            insert.Parameters.AddWithValue("$team", key.Team);
            insert.Parameters.AddWithValue("$tier", key.Tier);
            insert.Parameters.AddWithValue("$created", key.Created.ToUnixTimeMilliseconds());
            insert.Parameters.AddWithValue("$expires", key.Expires is { } e ? e.ToUnixTimeMilliseconds() : DBNull.Value);
            insert.Parameters.AddWithValue("$revoked", key.Revoked is { } r ? r.ToUnixTimeMilliseconds() : DBNull.Value);
            return await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <summary>Finds the client key with this hash, revoked or not.</summary>
    /// <param name="hash">The SHA-256 of the key, 64 upper-case hexadecimal characters.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The key's record, or <see langword="null"/> when no key has this hash.</returns>
    /// <exception cref="StoreUnavailableException">The store cannot be read.</exception>
    public Task<ClientKeyRecord?> FindClientKeyAsync(string hash, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(hash);
        return RunAsync("read a client key", async (connection, ct) =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT {ClientKeyColumns} FROM client_keys WHERE hash = $hash;";
            command.Parameters.AddWithValue("$hash", hash);
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            return await reader.ReadAsync(ct).ConfigureAwait(false) ? ReadClientKey(reader) : null;
        }, cancellationToken);
    }

    /// <summary>Lists the client keys, revoked ones included, oldest first.</summary>
    /// <param name="maxCount">The most keys returned; 1 to 100,000.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The keys' records.</returns>
    /// <exception cref="StoreUnavailableException">The store cannot be read.</exception>
    public Task<IReadOnlyList<ClientKeyRecord>> ListClientKeysAsync(int maxCount, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxCount, 100_000);
        return RunAsync<IReadOnlyList<ClientKeyRecord>>("list client keys", async (connection, ct) =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT {ClientKeyColumns} FROM client_keys ORDER BY created_at, id LIMIT $max;";
            command.Parameters.AddWithValue("$max", maxCount);
            var keys = new List<ClientKeyRecord>();
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                keys.Add(ReadClientKey(reader));
            }

            return keys;
        }, cancellationToken);
    }

    /// <summary>Revokes a client key: from then on it is refused. Revoking a revoked key keeps its first revocation time.</summary>
    /// <param name="id">The key's id.</param>
    /// <param name="at">When it is revoked.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The key's record after the revocation, or <see langword="null"/> when no key has this id.</returns>
    /// <exception cref="StoreUnavailableException">The store cannot be written.</exception>
    public Task<ClientKeyRecord?> RevokeClientKeyAsync(string id, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        return RunAsync("revoke a client key", async (connection, ct) =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"UPDATE client_keys SET revoked_at = COALESCE(revoked_at, $at) WHERE id = $id RETURNING {ClientKeyColumns};";
            command.Parameters.AddWithValue("$id", id);
            command.Parameters.AddWithValue("$at", at.ToUnixTimeMilliseconds());
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            return await reader.ReadAsync(ct).ConfigureAwait(false) ? ReadClientKey(reader) : null;
        }, cancellationToken);
    }

    private static ClientKeyRecord ReadClientKey(SqliteDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetString(2),
        reader.IsDBNull(3) ? null : reader.GetString(3),
        reader.GetString(4),
        reader.GetString(5),
        reader.GetString(6),
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(7)),
        reader.IsDBNull(8) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(8)),
        reader.IsDBNull(9) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(9)));
}
