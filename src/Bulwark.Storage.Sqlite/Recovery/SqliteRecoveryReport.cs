namespace Bulwark.Storage.Sqlite.Recovery;

/// <summary>What <see cref="SqliteStoreRecovery.Recover"/> salvaged from a damaged store, and what it could not read.</summary>
/// <param name="Path">The store's path, which now holds the fresh file.</param>
/// <param name="DamagedCopy">Where the damaged file was moved (its <c>-wal</c> and <c>-shm</c> beside it, suffixed the same way).</param>
/// <param name="Deliveries">Delivery rows salvaged (their leases released: each is pending again unless it was finished).</param>
/// <param name="BreakerStates">Circuit breaker snapshots salvaged.</param>
/// <param name="Unreadable">Row ranges that could not be read, one line each (table and rowids), or why nothing could be read.</param>
public sealed record SqliteRecoveryReport(string Path, string DamagedCopy, int Deliveries, int BreakerStates, IReadOnlyList<string> Unreadable);
