using System.Collections.Concurrent;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Storage;
using Bulwark.Storage;
using Bulwark.Storage.Clients;
using Microsoft.Extensions.Options;

namespace Bulwark.Gateway.Clients;

/// <summary>
/// Gateway-issued client keys: issued and revoked through the admin API, kept in the store (SQLite or PostgreSQL) as hashes, and
/// checked on each request of a <c>Clients: Keys</c> route. A key found valid is held in memory for
/// <c>Bulwark:Clients:KeyCacheDuration</c> (never past its expiry), so that the request path reads the store once per
/// key and period; a revocation through this gateway drops it at once, one through another gateway on the same store (a
/// PostgreSQL fleet) is seen when the period ends; a key issued through any gateway is accepted by all at once. Unknown and revoked keys are not held: each such request reads the store (one indexed
/// lookup), and a string without the shape of a key is refused without reading it.
/// </summary>
internal sealed partial class ClientKeys(GatewayStore store, IOptions<GatewayOptions> options, TimeProvider timeProvider, ILogger<ClientKeys> logger)
{
    private readonly ConcurrentDictionary<string, Held> _valid = new(StringComparer.Ordinal);
    private readonly TimeSpan _cacheDuration = options.Value.Clients.KeyCacheDuration;

    /// <summary>Counts revocations through this gateway: a key read from the store before one is not held after it.</summary>
    private long _revocations;

    /// <summary>Checks a presented key; its identity when valid.</summary>
    public async ValueTask<(ClientKeyCheck Check, ClientIdentity? Identity)> CheckAsync(string? presented, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(presented))
        {
            return (ClientKeyCheck.Missing, null);
        }

        if (!ClientKeyFormat.IsWellFormed(presented))
        {
            return (ClientKeyCheck.Unknown, null);
        }

        string hash = ClientKeyFormat.Hash(presented);
        var now = timeProvider.GetUtcNow();
        if (_valid.TryGetValue(hash, out var held) && now < held.Until)
        {
            return (ClientKeyCheck.Valid, held.Identity);
        }

        long revocations = Volatile.Read(ref _revocations);
        ClientKeyRecord? record;
        try
        {
            record = store.ClientKeyStore is { } keys && store.IsAvailable
                ? await keys.FindClientKeyAsync(hash, cancellationToken).ConfigureAwait(false)
                : throw new StoreUnavailableException("the gateway runs without a store that keeps client keys");
        }
        catch (StoreUnavailableException e)
        {
            Log.CheckFailed(logger, e.Message);
            return (ClientKeyCheck.StoreUnavailable, null);
        }

        var check = Judge(record, now);
        if (check != ClientKeyCheck.Valid)
        {
            _valid.TryRemove(hash, out _);
            return (check, null);
        }

        var identity = new ClientIdentity(record!.Id, record.Owner, record.Team, record.Tier);
        var until = now + _cacheDuration;
        if (record.Expires is { } expires && expires < until)
        {
            until = expires;
        }

        if (_cacheDuration > TimeSpan.Zero && revocations == Volatile.Read(ref _revocations))
        {
            _valid[hash] = new Held(identity, until);

            // A revocation that landed meanwhile may have removed the entry before it was added: it goes now.
            if (revocations != Volatile.Read(ref _revocations))
            {
                _valid.TryRemove(hash, out _);
            }
        }

        return (ClientKeyCheck.Valid, identity);
    }

    /// <summary>Issues a key: stores its hash and returns the key, which is never shown again.</summary>
    /// <exception cref="StoreUnavailableException">The store cannot be written.</exception>
    public async Task<(string Key, ClientKeyRecord Record)> IssueAsync(string owner, string team, string tier, string? name, DateTimeOffset? expires, CancellationToken cancellationToken)
    {
        var keys = RequireStore();
        string key = ClientKeyFormat.NewKey();
        var record = new ClientKeyRecord(ClientKeyFormat.NewId(), ClientKeyFormat.Hash(key), key[..ClientKeyFormat.ShownLength], name, owner, team, tier, timeProvider.GetUtcNow(), expires, null);
        await keys.AddClientKeyAsync(record, cancellationToken).ConfigureAwait(false);
        Log.Issued(logger, record.Id, team, tier);
        return (key, record);
    }

    /// <summary>Lists the keys (never a key or its hash: callers show <see cref="ClientKeyRecord.Prefix"/>).</summary>
    /// <exception cref="StoreUnavailableException">The store cannot be read.</exception>
    public Task<IReadOnlyList<ClientKeyRecord>> ListAsync(int maxCount, CancellationToken cancellationToken) =>
        RequireStore().ListClientKeysAsync(maxCount, cancellationToken);

    /// <summary>Revokes a key: refused from now on by this gateway; by others on the same store within their cache duration.</summary>
    /// <exception cref="StoreUnavailableException">The store cannot be written.</exception>
    public async Task<ClientKeyRecord?> RevokeAsync(string id, CancellationToken cancellationToken)
    {
        var record = await RequireStore().RevokeClientKeyAsync(id, timeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        if (record is not null)
        {
            Interlocked.Increment(ref _revocations);
            _valid.TryRemove(record.Hash, out _);
            Log.Revoked(logger, record.Id);
        }

        return record;
    }

    private static ClientKeyCheck Judge(ClientKeyRecord? record, DateTimeOffset now) => record switch
    {
        null => ClientKeyCheck.Unknown,
        { Revoked: not null } => ClientKeyCheck.Revoked,
        { Expires: { } expires } when expires <= now => ClientKeyCheck.Expired,
        _ => ClientKeyCheck.Valid,
    };

    private IClientKeyStore RequireStore() =>
        store.ClientKeyStore is { } keys && store.IsAvailable
            ? keys
            : throw new StoreUnavailableException("client keys need the SQLite or PostgreSQL store, and the gateway runs without it");

    private sealed record Held(ClientIdentity Identity, DateTimeOffset Until);

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.ClientKeyIssued, Level = LogLevel.Information, Message = "Client key {KeyId} issued (team {Team}, tier {Tier})")]
        public static partial void Issued(ILogger logger, string keyId, string team, string tier);

        [LoggerMessage(EventId = EventIds.ClientKeyRevoked, Level = LogLevel.Information, Message = "Client key {KeyId} revoked")]
        public static partial void Revoked(ILogger logger, string keyId);

        [LoggerMessage(EventId = EventIds.ClientKeyCheckFailed, Level = LogLevel.Warning, Message = "A client key could not be checked: the store cannot be read ({Reason}); the request is refused with 503")]
        public static partial void CheckFailed(ILogger logger, string reason);
    }
}
