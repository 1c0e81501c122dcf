namespace Bulwark.Storage.Clients;

/// <summary>
/// Where the gateway keeps the client keys it issues (their hashes, never the keys). Every instance that shares the store
/// sees a key as soon as it is added, and its revocation as soon as it is written: nothing is cached by the store.
/// </summary>
public interface IClientKeyStore
{
    /// <summary>Stores a newly issued client key (its hash, never the key).</summary>
    /// <param name="key">The key's record; its <see cref="ClientKeyRecord.Id"/> and <see cref="ClientKeyRecord.Hash"/> must be new.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the key is stored.</returns>
    /// <exception cref="StoreUnavailableException">The store cannot be written, or the id or hash is taken.</exception>
    Task AddClientKeyAsync(ClientKeyRecord key, CancellationToken cancellationToken);

    /// <summary>Finds the client key with this hash, revoked or not.</summary>
    /// <param name="hash">The SHA-256 of the key, 64 upper-case hexadecimal characters.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The key's record, or <see langword="null"/> when no key has this hash.</returns>
    /// <exception cref="StoreUnavailableException">The store cannot be read.</exception>
    Task<ClientKeyRecord?> FindClientKeyAsync(string hash, CancellationToken cancellationToken);

    /// <summary>Lists the client keys, revoked ones included, oldest first.</summary>
    /// <param name="maxCount">The most keys returned; 1 to 100,000.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The keys' records.</returns>
    /// <exception cref="StoreUnavailableException">The store cannot be read.</exception>
    Task<IReadOnlyList<ClientKeyRecord>> ListClientKeysAsync(int maxCount, CancellationToken cancellationToken);

    /// <summary>Revokes a client key: from then on it is refused. Revoking a revoked key keeps its first revocation time.</summary>
    /// <param name="id">The key's id.</param>
    /// <param name="at">When it is revoked.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The key's record after the revocation, or <see langword="null"/> when no key has this id.</returns>
    /// <exception cref="StoreUnavailableException">The store cannot be written.</exception>
    Task<ClientKeyRecord?> RevokeClientKeyAsync(string id, DateTimeOffset at, CancellationToken cancellationToken);
}
