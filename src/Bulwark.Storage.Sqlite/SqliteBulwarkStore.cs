using System.Data;
using System.Globalization;
using System.Text.Json;
using Bulwark.CircuitBreaker;
using Bulwark.Deliveries;
using Bulwark.Storage.Sqlite.Migrations;
using Microsoft.Data.Sqlite;
using Polly.CircuitBreaker;

namespace Bulwark.Storage.Sqlite;

/// <summary>
/// Bulwark's embedded store: one SQLite file in WAL mode, every multi-step change in one immediate transaction, the schema
/// migrated at start-up. Safe for many threads and for several processes on the same file (leases keep them apart).
/// </summary>
/// <remarks>
/// One connection stays open for the store's lifetime. Before every operation the store checks that the file at its path
/// is still the one it opened (and that its WAL is still there); a file deleted or replaced under it, or a page that fails
/// an integrity check, puts the store in a failed state for good: every later operation throws
/// <see cref="StoreUnavailableException"/>, so nothing more is acknowledged. A deleted file is copied back to its path
/// from the connection still open on it, so that a restart finds every entry that was acknowledged.
/// </remarks>
public sealed partial class SqliteBulwarkStore : ICircuitBreakerStateStore, IDeliveryStore, Clients.IClientKeyStore, Usage.IUsageLedgerStore, Budgets.IBudgetStore, Alerts.IAlertStore, IDisposable
{
    /// <summary>How long a passing quick_check after an I/O error vouches for the file: errors meanwhile are not checked again.</summary>
    private static readonly TimeSpan QuickCheckInterval = TimeSpan.FromSeconds(10);

    private const string EntryColumns = "id, queue, idempotency_key, ordering_key, method, target, headers, content_type, body, state, attempts, max_attempts, created_at, expires_at, next_attempt_at, lease_owner, lease_expires_at, last_error, response_status, response_content_type, response_body, completed_at, notified, seq, fingerprint, response_truncated";

    private readonly string _connectionString;
    private readonly string _keeperConnectionString;
    private readonly string _checkConnectionString;
    private readonly string _walPath;
    private readonly string _shmPath;
    private readonly TimeProvider _timeProvider;
    private readonly Lock _keeperLock = new();
    private SqliteConnection? _keeper;
    private StoreUnavailableException? _failure;
    private Task<string>? _rescue;
    private int _quickCheckRunning;
    private int _integrityCheckRunning;
    private DateTimeOffset? _lastQuickCheckPassed;
    private string _pragmas;

    /// <summary>What a look at the store's files found.</summary>
    private enum Loss
    {
        None,
        MainAbsent,
        MainReplaced,
        WalOrShm,
        Unknown,
    }

    private SqliteBulwarkStore(string path, SqliteStoreOptions options)
    {
        FilePath = path;
        _walPath = path + "-wal";
        _shmPath = path + "-shm";
        _timeProvider = options.TimeProvider;
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = false,
            // The driver retries a busy command for DefaultTimeout seconds, where 0 means forever: a BusyTimeout under one
            // second (0 included) must still end, so the driver gets at least one second on top of SQLite's busy_timeout.
            DefaultTimeout = Math.Max(1, (int)Math.Ceiling(options.BusyTimeout.TotalSeconds)),
        };

        // Only the keeper, opened first, may create the file: a pooled connection opened after the file was deleted must
        // fail, not create an empty database that a restart would take for the store.
        _keeperConnectionString = builder.ToString();
        builder.Mode = SqliteOpenMode.ReadOnly;
        _checkConnectionString = builder.ToString();
        builder.Mode = SqliteOpenMode.ReadWrite;
        builder.Pooling = true;
        _connectionString = builder.ToString();
        _pragmas = string.Create(
            CultureInfo.InvariantCulture,
            $"PRAGMA busy_timeout = {(long)options.BusyTimeout.TotalMilliseconds}; PRAGMA synchronous = {(options.FlushEveryCommit ? "FULL" : "NORMAL")}; PRAGMA foreign_keys = ON;");
    }

    /// <summary>Gets the database file's full path.</summary>
    public string FilePath { get; }

    /// <summary>Gets the schema version after migrations.</summary>
    public int SchemaVersion { get; private set; }

    /// <summary>
    /// Gets why the store stopped accepting operations (its file was corrupt, or deleted or replaced while open), or
    /// <see langword="null"/> while it works. Once set it stays set: every operation throws it.
    /// </summary>
    public StoreUnavailableException? Failure => Volatile.Read(ref _failure);

    /// <summary>
    /// Gets whether SQLite's own check that an open file is still the one at its path could not be called in this process
    /// (the native library lacks the entry point): then only the path is checked, so a file replaced at the same path
    /// goes unnoticed. Known once a store has tried the check.
    /// </summary>
    public static bool FileIdentityCheckUnavailable => SqliteFileIdentity.Unavailable;

    /// <summary>
    /// Gets the rescue of a lost file's entries, run in the background once the store failed: its outcome (also appended to
    /// <see cref="Failure"/>'s message), or <see langword="null"/> when there was nothing to rescue.
    /// </summary>
    /// <value>A task that completes with the rescue's outcome once it is done.</value>
    public Task<string?> RescueCompletion => Volatile.Read(ref _rescue) is { } rescue ? rescue.ContinueWith<string?>(static t => t.Result, TaskScheduler.Default) : Task.FromResult<string?>(null);

    /// <summary>
    /// Opens the store: creates the file and its directory when missing, turns on WAL, applies pending migrations and checks
    /// the file's integrity.
    /// </summary>
    /// <param name="options">The settings.</param>
    /// <returns>The open store.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A setting is outside its documented range.</exception>
    /// <exception cref="StoreUnavailableException">The file is corrupt, not a database, locked beyond the busy timeout, or cannot be created or written; the message says which.</exception>
    public static SqliteBulwarkStore Open(SqliteStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Path, nameof(options.Path));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BusyTimeout, TimeSpan.Zero, nameof(options.BusyTimeout));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.BusyTimeout, SqliteStoreConstants.MaxBusyTimeout, nameof(options.BusyTimeout));
        if (options.MaxSizeBytes != 0 && options.MaxSizeBytes is < SqliteStoreConstants.MinMaxSizeBytes or > SqliteStoreConstants.MaxMaxSizeBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxSizeBytes, "MaxSizeBytes must be 0 (no limit) or in [65536, 2^40].");
        }

        string path = System.IO.Path.GetFullPath(options.Path);
        try
        {
            if (System.IO.Path.GetDirectoryName(path) is { Length: > 0 } directory)
            {
                Directory.CreateDirectory(directory);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StoreUnavailableException($"The store's directory for '{path}' cannot be created: {e.Message}", e);
        }

        var store = new SqliteBulwarkStore(path, options);
        try
        {
            var connection = store.OpenConnection(store._keeperConnectionString);
            store._keeper = connection;
            Execute(connection, "PRAGMA journal_mode = WAL;");
            store.SchemaVersion = Migrate(connection);
            var check = Convert.ToString(Scalar(connection, "PRAGMA quick_check;"), CultureInfo.InvariantCulture);
            if (!string.Equals(check, "ok", StringComparison.OrdinalIgnoreCase))
            {
                throw new StoreUnavailableException(StoreUnavailableReason.Corrupt, $"The store '{path}' is corrupt: it failed its integrity check ({check}). Salvage its readable entries into a fresh file (bulwark store recover), restore it from a backup, or move it aside to start with an empty store.");
            }

            if (options.MaxSizeBytes > 0)
            {
                // max_page_count counts pages: use this file's own page size (4 KiB unless the file was created elsewhere).
                long pageSize = Convert.ToInt64(Scalar(connection, "PRAGMA page_size;"), CultureInfo.InvariantCulture);
                store._pragmas += string.Create(CultureInfo.InvariantCulture, $" PRAGMA max_page_count = {Math.Max(1, options.MaxSizeBytes / pageSize)};");
            }
        }
        catch (SqliteException e)
        {
            store.Dispose();
            SqliteConnection.ClearAllPools();
            throw Translate(e, path, "open");
        }
        catch
        {
            store.Dispose();
            throw;
        }

        return store;
    }

    /// <summary>Closes the connection the store keeps open and the pooled ones.</summary>
    public void Dispose()
    {
        lock (_keeperLock)
        {
            _keeper?.Dispose();
            _keeper = null;
        }

        using var pooled = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(pooled);
    }

    /// <summary>
    /// Runs SQLite's <c>quick_check</c> on a fresh connection (so it reads the file, not pages cached in memory); a file
    /// that fails it puts the store in its failed state. Reads every page: for a periodic check, not for every request.
    /// </summary>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>A task that completes when the file passed, or at once while another check is running (one at a time).</returns>
    /// <exception cref="StoreUnavailableException">It did not, or the store had already failed.</exception>
    public async Task CheckIntegrityAsync(CancellationToken cancellationToken)
    {
        EnsureUsable();
        if (Interlocked.CompareExchange(ref _integrityCheckRunning, 1, 0) != 0)
        {
            // One check at a time: another caller's check is reading the file now, and fails the store if it must.
            return;
        }

        string? result;
        try
        {
            await using var connection = OpenConnection(_checkConnectionString);
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA quick_check(1);";
            result = Convert.ToString(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        }
        catch (SqliteException e)
        {
            throw OnError(e, "check its integrity");
        }
        finally
        {
            Volatile.Write(ref _integrityCheckRunning, 0);
        }

        if (!string.Equals(result, "ok", StringComparison.OrdinalIgnoreCase))
        {
            throw Fail(StoreUnavailableReason.Corrupt, $"it failed its integrity check ({result})", null);
        }
    }

    /// <inheritdoc/>
    public async Task SaveBreakerStateAsync(string key, CircuitBreakerSnapshot snapshot, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(snapshot);
        await RunAsync("save a circuit breaker's state", async (connection, ct) =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = """
                INSERT INTO breaker_state (key, state, open_until, trip_count, baseline_failure_rate, baseline_weight, last_transition_at, last_transition_reason, taken_at)
                VALUES ($key, $state, $open_until, $trip_count, $rate, $weight, $last_at, $reason, $taken_at)
                ON CONFLICT (key) DO UPDATE SET state = excluded.state, open_until = excluded.open_until, trip_count = excluded.trip_count,
                    baseline_failure_rate = excluded.baseline_failure_rate, baseline_weight = excluded.baseline_weight,
                    last_transition_at = excluded.last_transition_at, last_transition_reason = excluded.last_transition_reason, taken_at = excluded.taken_at
                WHERE excluded.taken_at >= breaker_state.taken_at;
                """;
            command.Parameters.AddWithValue("$key", key);
            command.Parameters.AddWithValue("$state", (int)snapshot.State);
            command.Parameters.AddWithValue("$open_until", ToDb(snapshot.OpenUntil));
            command.Parameters.AddWithValue("$trip_count", snapshot.TripCount);
            command.Parameters.AddWithValue("$rate", snapshot.BaselineFailureRate);
            command.Parameters.AddWithValue("$weight", snapshot.BaselineWeight);
            command.Parameters.AddWithValue("$last_at", ToDb(snapshot.LastTransitionAt));
            command.Parameters.AddWithValue("$reason", (int)snapshot.LastTransitionReason);
            command.Parameters.AddWithValue("$taken_at", snapshot.TakenAt.ToUnixTimeMilliseconds());
            await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            return 0;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyDictionary<string, CircuitBreakerSnapshot>> LoadBreakerStatesAsync(CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyDictionary<string, CircuitBreakerSnapshot>>("load circuit breaker states", async (connection, ct) =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT key, state, open_until, trip_count, baseline_failure_rate, baseline_weight, last_transition_at, last_transition_reason, taken_at FROM breaker_state;";
            var states = new Dictionary<string, CircuitBreakerSnapshot>(StringComparer.OrdinalIgnoreCase);
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                states[reader.GetString(0)] = new CircuitBreakerSnapshot(
                    (CircuitState)reader.GetInt32(1),
                    FromDb(reader, 2),
                    reader.GetInt32(3),
                    reader.GetDouble(4),
                    reader.GetDouble(5),
                    FromDb(reader, 6),
                    (CircuitTransitionReason)reader.GetInt32(7),
                    DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(8)));
            }

            return states;
        }, cancellationToken);

    /// <inheritdoc/>
    public Task<(DeliveryEntry Entry, bool Created)> EnqueueAsync(DeliveryEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return RunAsync("store a deferred delivery", async (connection, ct) =>
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = """
                INSERT INTO deliveries (id, queue, idempotency_key, ordering_key, method, target, headers, content_type, body, state, attempts, max_attempts, created_at, expires_at, next_attempt_at, lease_owner, lease_expires_at, fingerprint)
                VALUES ($id, $queue, $key, $ordering_key, $method, $target, $headers, $content_type, $body, $state, $attempts, $max_attempts, $created_at, $expires_at, $next_attempt_at, $lease_owner, $lease_expires_at, $fingerprint)
                ON CONFLICT (queue, idempotency_key) DO NOTHING;
                """;
            var envelope = entry.Envelope;
            insert.Parameters.AddWithValue("$id", entry.Id);
            insert.Parameters.AddWithValue("$queue", entry.Queue);
            insert.Parameters.AddWithValue("$key", entry.IdempotencyKey);
            insert.Parameters.AddWithValue("$ordering_key", (object?)entry.OrderingKey ?? DBNull.Value);
            insert.Parameters.AddWithValue("$method", (object?)envelope.Method ?? DBNull.Value);
            insert.Parameters.AddWithValue("$target", (object?)envelope.Target ?? DBNull.Value);
            insert.Parameters.AddWithValue("$headers", JsonSerializer.Serialize(envelope.Headers.Select(h => new[] { h.Key, h.Value })));
            insert.Parameters.AddWithValue("$content_type", (object?)envelope.ContentType ?? DBNull.Value);
            insert.Parameters.Add("$body", SqliteType.Blob).Value = envelope.Body.ToArray();
            insert.Parameters.AddWithValue("$state", (int)entry.State);
            insert.Parameters.AddWithValue("$attempts", entry.Attempts);
            insert.Parameters.AddWithValue("$max_attempts", entry.MaxAttempts);
            insert.Parameters.AddWithValue("$created_at", entry.CreatedAt.ToUnixTimeMilliseconds());
            insert.Parameters.AddWithValue("$expires_at", entry.ExpiresAt.ToUnixTimeMilliseconds());
            insert.Parameters.AddWithValue("$next_attempt_at", entry.NextAttemptAt.ToUnixTimeMilliseconds());
            insert.Parameters.AddWithValue("$lease_owner", (object?)entry.LeaseOwner ?? DBNull.Value);
            insert.Parameters.AddWithValue("$lease_expires_at", ToDb(entry.LeaseExpiresAt));
            insert.Parameters.AddWithValue("$fingerprint", (object?)entry.Fingerprint ?? DBNull.Value);
            bool created = await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
            var stored = created ? entry : (await SelectAsync(connection, transaction, "queue = $p0 AND idempotency_key = $p1", [entry.Queue, entry.IdempotencyKey], 1, ct).ConfigureAwait(false))[0];
            await transaction.CommitAsync(ct).ConfigureAwait(false);
            return (stored, created);
        }, cancellationToken, confirmAfter: true);
    }

    /// <inheritdoc/>
    public Task<DeliveryEntry?> GetAsync(string id, CancellationToken cancellationToken) =>
        SingleAsync("id = $p0", [id], cancellationToken);

    /// <inheritdoc/>
    public Task<DeliveryEntry?> FindAsync(string queue, string idempotencyKey, CancellationToken cancellationToken) =>
        SingleAsync("queue = $p0 AND idempotency_key = $p1", [queue, idempotencyKey], cancellationToken);

    /// <inheritdoc/>
    public Task<IReadOnlyList<DeliveryEntry>> LeaseDueAsync(string owner, DateTimeOffset now, TimeSpan leaseDuration, int maxCount, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        return RunAsync<IReadOnlyList<DeliveryEntry>>("lease due deliveries", async (connection, ct) =>
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using var update = connection.CreateCommand();
            update.Transaction = transaction;
            update.CommandText = $"""
                UPDATE deliveries SET state = {(int)DeliveryState.InProgress}, attempts = attempts + 1, lease_owner = $owner, lease_expires_at = $until
                WHERE seq IN (
                    SELECT d.seq FROM deliveries d
                    WHERE d.state = {(int)DeliveryState.Pending} AND d.next_attempt_at <= $now
                      AND (d.ordering_key IS NULL OR NOT EXISTS (
                          SELECT 1 FROM deliveries e
                          WHERE e.queue = d.queue AND e.ordering_key = d.ordering_key AND e.seq < d.seq
                            AND e.state IN ({(int)DeliveryState.Pending}, {(int)DeliveryState.InProgress})))
                    ORDER BY d.seq
                    LIMIT $max)
                RETURNING {EntryColumns};
                """;
            update.Parameters.AddWithValue("$owner", owner);
            update.Parameters.AddWithValue("$until", (now + leaseDuration).ToUnixTimeMilliseconds());
            update.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
            update.Parameters.AddWithValue("$max", maxCount);
            var leased = await ReadEntriesAsync(update, ct).ConfigureAwait(false);
            await transaction.CommitAsync(ct).ConfigureAwait(false);
            leased.Sort(static (a, b) => a.Seq.CompareTo(b.Seq));
            return [.. leased.Select(static e => e.Entry)];
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public Task<bool> CompleteAsync(string id, string owner, DeliveryCompletion completion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(completion);
        return RunAsync("record a delivery attempt", async (connection, ct) =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"""
                UPDATE deliveries SET state = $state, lease_owner = NULL, lease_expires_at = NULL,
                    next_attempt_at = COALESCE($next, next_attempt_at),
                    last_error = CASE WHEN $state = {(int)DeliveryState.Delivered} THEN NULL ELSE COALESCE($error, last_error) END,
                    response_status = COALESCE($status, response_status),
                    response_content_type = CASE WHEN $status IS NULL THEN response_content_type ELSE $response_type END,
                    response_body = CASE WHEN $status IS NULL THEN response_body ELSE $response_body END,
                    response_truncated = CASE WHEN $status IS NULL THEN response_truncated ELSE $response_truncated END,
                    completed_at = $completed_at
                WHERE id = $id AND state = {(int)DeliveryState.InProgress} AND lease_owner = $owner;
                """;
            command.Parameters.AddWithValue("$id", id);
            command.Parameters.AddWithValue("$owner", owner);
            command.Parameters.AddWithValue("$state", (int)completion.State);
            command.Parameters.AddWithValue("$next", ToDb(completion.NextAttemptAt));
            command.Parameters.AddWithValue("$error", (object?)completion.Error ?? DBNull.Value);
            command.Parameters.AddWithValue("$status", (object?)completion.Response?.Status ?? DBNull.Value);
            command.Parameters.AddWithValue("$response_type", (object?)completion.Response?.ContentType ?? DBNull.Value);
            command.Parameters.AddWithValue("$response_truncated", completion.Response is { BodyTruncated: true } ? 1 : 0);
            command.Parameters.Add("$response_body", SqliteType.Blob).Value = completion.Response is { } r ? r.Body.ToArray() : DBNull.Value;
            command.Parameters.AddWithValue("$completed_at", completion.State is DeliveryState.Delivered or DeliveryState.Dead ? completion.At.ToUnixTimeMilliseconds() : DBNull.Value);
            return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public Task MarkNotifiedAsync(string id, CancellationToken cancellationToken) =>
        NonQueryAsync("record that observers were told", "UPDATE deliveries SET notified = 1 WHERE id = $p0;", [id], cancellationToken);

    /// <inheritdoc/>
    public Task<IReadOnlyList<DeliveryEntry>> ListAsync(DeliveryState? state, int maxCount, CancellationToken cancellationToken) =>
        state is { } s
            ? ListWhereAsync("state = $p0", [(int)s], maxCount, cancellationToken)
            : ListWhereAsync("1 = 1", [], maxCount, cancellationToken);

    /// <inheritdoc/>
    public Task<IReadOnlyList<DeliveryEntry>> ListUnnotifiedAsync(int maxCount, CancellationToken cancellationToken) =>
        ListWhereAsync($"state = {(int)DeliveryState.Delivered} AND notified = 0", [], maxCount, cancellationToken);

    /// <inheritdoc/>
    public Task<IReadOnlyList<DeliveryEntry>> ListStuckAsync(DateTimeOffset now, int maxCount, CancellationToken cancellationToken) =>
        ListWhereAsync($"state = {(int)DeliveryState.InProgress} AND lease_expires_at < $p0", [now.ToUnixTimeMilliseconds()], maxCount, cancellationToken);

    /// <inheritdoc/>
    public Task<int> ReleaseExpiredLeasesAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        NonQueryAsync(
            "return stuck deliveries to the queue",
            $"UPDATE deliveries SET state = {(int)DeliveryState.Pending}, lease_owner = NULL, lease_expires_at = NULL, next_attempt_at = $p0 WHERE state = {(int)DeliveryState.InProgress} AND lease_expires_at < $p0;",
            [now.ToUnixTimeMilliseconds()],
            cancellationToken);

    /// <inheritdoc/>
    public Task<int> ReleaseLeasesOfAsync(string owner, DateTimeOffset now, CancellationToken cancellationToken) =>
        NonQueryAsync(
            "return a dead dispatcher's deliveries to the queue",
            $"UPDATE deliveries SET state = {(int)DeliveryState.Pending}, lease_owner = NULL, lease_expires_at = NULL, next_attempt_at = $p1 WHERE state = {(int)DeliveryState.InProgress} AND lease_owner = $p0;",
            [owner, now.ToUnixTimeMilliseconds()],
            cancellationToken);

    /// <inheritdoc/>
    public async Task<bool> ReplayAsync(string id, DateTimeOffset now, TimeSpan timeToLive, CancellationToken cancellationToken) =>
        await NonQueryAsync(
            "replay a dead delivery",
            $"UPDATE deliveries SET state = {(int)DeliveryState.Pending}, attempts = 0, next_attempt_at = $p1, expires_at = $p2, completed_at = NULL, last_error = NULL, response_status = NULL, response_content_type = NULL, response_body = NULL, response_truncated = 0 WHERE id = $p0 AND state = {(int)DeliveryState.Dead};",
            [id, now.ToUnixTimeMilliseconds(), (now + timeToLive).ToUnixTimeMilliseconds()],
            cancellationToken).ConfigureAwait(false) == 1;

    /// <inheritdoc/>
    public Task<int> PurgeAsync(DeliveryState state, DateTimeOffset completedBefore, CancellationToken cancellationToken)
    {
        if (state is not (DeliveryState.Delivered or DeliveryState.Dead))
        {
            throw new ArgumentOutOfRangeException(nameof(state), state, "Only delivered or dead entries can be purged.");
        }

        return NonQueryAsync("purge deliveries", "DELETE FROM deliveries WHERE state = $p0 AND completed_at < $p1;", [(int)state, completedBefore.ToUnixTimeMilliseconds()], cancellationToken);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyDictionary<DeliveryState, long>> CountAsync(CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyDictionary<DeliveryState, long>>("count deliveries", async (connection, ct) =>
        {
            var counts = Enum.GetValues<DeliveryState>().ToDictionary(s => s, _ => 0L);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT state, COUNT(*) FROM deliveries GROUP BY state;";
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                counts[(DeliveryState)reader.GetInt32(0)] = reader.GetInt64(1);
            }

            return counts;
        }, cancellationToken);

    /// <summary>Appends completed AI requests to the usage ledger, in one transaction.</summary>
    /// <param name="rows">The rows.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the rows are stored.</returns>
    /// <exception cref="StoreUnavailableException">The store cannot be written.</exception>
    public Task AppendUsageAsync(IReadOnlyList<Usage.UsageLedgerRow> rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0)
        {
            return Task.CompletedTask;
        }

        return RunAsync("append to the usage ledger", async (connection, ct) =>
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = """
                INSERT INTO usage_ledger (at, client_key_hash, client_key_id, user, route, provider, model, input_tokens, cached_input_tokens, output_tokens, cost_nanos, status,
                                          request_model, budget_user, team, tier, charged_tokens, charged_cost_nanos, interrupted)
                VALUES ($at, $client, $keyId, $user, $route, $provider, $model, $input, $cached, $output, $cost, $status,
                        $requestModel, $budgetUser, $team, $tier, $chargedTokens, $chargedCost, $interrupted);
                """;
            await using var settle = connection.CreateCommand();
            settle.Transaction = transaction;
            settle.CommandText = "DELETE FROM budget_leases WHERE id = $lease;";
            var lease = settle.Parameters.Add("$lease", SqliteType.Text);
            var requestModel = insert.Parameters.Add("$requestModel", SqliteType.Text);
            var budgetUser = insert.Parameters.Add("$budgetUser", SqliteType.Text);
            var team = insert.Parameters.Add("$team", SqliteType.Text);
            var tier = insert.Parameters.Add("$tier", SqliteType.Text);
            var chargedTokens = insert.Parameters.Add("$chargedTokens", SqliteType.Integer);
            var chargedCost = insert.Parameters.Add("$chargedCost", SqliteType.Integer);
            var interrupted = insert.Parameters.Add("$interrupted", SqliteType.Integer);
            var at = insert.Parameters.Add("$at", SqliteType.Integer);
            var client = insert.Parameters.Add("$client", SqliteType.Text);
            var keyId = insert.Parameters.Add("$keyId", SqliteType.Text);
            var user = insert.Parameters.Add("$user", SqliteType.Text);
            var route = insert.Parameters.Add("$route", SqliteType.Text);
            var provider = insert.Parameters.Add("$provider", SqliteType.Text);
            var model = insert.Parameters.Add("$model", SqliteType.Text);
            var input = insert.Parameters.Add("$input", SqliteType.Integer);
            var cached = insert.Parameters.Add("$cached", SqliteType.Integer);
            var output = insert.Parameters.Add("$output", SqliteType.Integer);
            var cost = insert.Parameters.Add("$cost", SqliteType.Integer);
            var status = insert.Parameters.Add("$status", SqliteType.Integer);
            foreach (var row in rows)
            {
                at.Value = row.Time.ToUnixTimeMilliseconds();
                client.Value = (object?)row.ClientKeyHash ?? DBNull.Value;
                keyId.Value = (object?)row.ClientKeyId ?? DBNull.Value;
                user.Value = (object?)row.User ?? DBNull.Value;
                route.Value = row.Route;
                provider.Value = (object?)row.Provider ?? DBNull.Value;
                model.Value = (object?)row.Model ?? DBNull.Value;
                input.Value = (object?)row.InputTokens ?? DBNull.Value;
                cached.Value = (object?)row.CachedInputTokens ?? DBNull.Value;
                output.Value = (object?)row.OutputTokens ?? DBNull.Value;
                cost.Value = row.Cost is { } c ? Nanos(c) : DBNull.Value;
                status.Value = row.Status;
                requestModel.Value = (object?)row.RequestModel ?? DBNull.Value;
                budgetUser.Value = (object?)row.BudgetUser ?? DBNull.Value;
                team.Value = (object?)row.Team ?? DBNull.Value;
                tier.Value = (object?)row.Tier ?? DBNull.Value;
                chargedTokens.Value = (object?)row.ChargedTokens ?? DBNull.Value;
                chargedCost.Value = row.ChargedCost is { } charged ? Nanos(charged) : DBNull.Value;
                interrupted.Value = row.Interrupted ? 1 : 0;
                await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                if (row.LeaseId is { } id)
                {
                    lease.Value = id;
                    await settle.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }
            }

            await transaction.CommitAsync(ct).ConfigureAwait(false);
            return 0;
        }, cancellationToken);
    }

    /// <summary>
    /// Deletes the usage ledger's rows completed before <paramref name="before"/>, at most <paramref name="maxRows"/> of
    /// them in one transaction (the oldest first), so that a large backlog is pruned in steps that never hold the store
    /// for long.
    /// </summary>
    /// <param name="before">Rows completed before this time are deleted.</param>
    /// <param name="maxRows">The most rows deleted by this call; 1 to 1,000,000.</param>
    /// <param name="cancellationToken">Cancels the deletion.</param>
    /// <returns>The number of rows deleted: fewer than <paramref name="maxRows"/> when no older row is left.</returns>
    /// <exception cref="StoreUnavailableException">The store cannot be written.</exception>
    public Task<int> PruneUsageAsync(DateTimeOffset before, int maxRows, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRows, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxRows, 1_000_000);
        return RunAsync("prune the usage ledger", async (connection, ct) =>
        {
            await using var delete = connection.CreateCommand();
            delete.CommandText = """
                DELETE FROM usage_ledger WHERE rowid IN (SELECT rowid FROM usage_ledger WHERE at < $before ORDER BY at LIMIT $max);
                """;
            delete.Parameters.AddWithValue("$before", before.ToUnixTimeMilliseconds());
            delete.Parameters.AddWithValue("$max", maxRows);
            return await delete.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <summary>Sums the usage ledger's rows completed in [<paramref name="from"/>, <paramref name="to"/>), by <paramref name="groupBy"/>, largest cost first.</summary>
    /// <param name="from">The start of the range (included).</param>
    /// <param name="to">The end of the range (excluded).</param>
    /// <param name="groupBy">What the sums are grouped by.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>One total per group.</returns>
    /// <exception cref="StoreUnavailableException">The store cannot be read.</exception>
    public Task<IReadOnlyList<Usage.UsageLedgerTotal>> QueryUsageAsync(DateTimeOffset from, DateTimeOffset to, Usage.UsageLedgerGrouping groupBy, CancellationToken cancellationToken)
    {
        string column = groupBy switch
        {
            Usage.UsageLedgerGrouping.Client => "COALESCE(client_key_id, client_key_hash)",
            Usage.UsageLedgerGrouping.User => "user",
            Usage.UsageLedgerGrouping.Provider => "provider",
            Usage.UsageLedgerGrouping.Model => "model",
            Usage.UsageLedgerGrouping.Route => "route",
            _ => throw new ArgumentOutOfRangeException(nameof(groupBy), groupBy, null),
        };
        return RunAsync<IReadOnlyList<Usage.UsageLedgerTotal>>("read the usage ledger", async (connection, ct) =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"""
                SELECT {column}, COUNT(*), COALESCE(SUM(input_tokens), 0), COALESCE(SUM(cached_input_tokens), 0), COALESCE(SUM(output_tokens), 0),
                       COALESCE(SUM(cost_nanos), 0), SUM(CASE WHEN cost_nanos IS NULL THEN 1 ELSE 0 END)
                FROM usage_ledger WHERE at >= $from AND at < $to GROUP BY {column} ORDER BY 6 DESC, 2 DESC;
                """;
            command.Parameters.AddWithValue("$from", from.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("$to", to.ToUnixTimeMilliseconds());
            var totals = new List<Usage.UsageLedgerTotal>();
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                totals.Add(new Usage.UsageLedgerTotal(
                    reader.IsDBNull(0) ? null : reader.GetString(0),
                    reader.GetInt64(1),
                    reader.GetInt64(2),
                    reader.GetInt64(3),
                    reader.GetInt64(4),
                    reader.GetInt64(5) / NanosPerUnit,
                    reader.GetInt64(6)));
            }

            return totals;
        }, cancellationToken);
    }

    /// <summary>Checks that the store can be read now; for health checks.</summary>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>A task that completes when the store answered.</returns>
    /// <exception cref="StoreUnavailableException">It did not.</exception>
    public Task PingAsync(CancellationToken cancellationToken) =>
        RunAsync("read", static async (connection, ct) =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM breaker_state;";
            return await command.ExecuteScalarAsync(ct).ConfigureAwait(false);
        }, cancellationToken);

    private const decimal NanosPerUnit = 1_000_000_000m;

    private static long Nanos(decimal amount) => (long)decimal.Round(amount * NanosPerUnit, MidpointRounding.AwayFromZero);

    private static int Migrate(SqliteConnection connection)
    {
        var migrations = SqliteMigrations.All;

        // A store already at this version needs no write lock: another process may be writing to it right now.
        if (Convert.ToInt32(Scalar(connection, "PRAGMA user_version;"), CultureInfo.InvariantCulture) == migrations.Count)
        {
            return migrations.Count;
        }

        while (true)
        {
            // An immediate transaction takes the write lock first; the version is read under it, because another process
            // opening the same new file at the same moment may have migrated while this one waited for the lock.
            using var transaction = connection.BeginTransaction(deferred: false);
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "PRAGMA user_version;";
            int version = Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture);
            if (version > migrations.Count)
            {
                throw new StoreUnavailableException($"The store's schema is version {version}, newer than this Bulwark knows ({migrations.Count}). Run the newer Bulwark, or point the store at another file.");
            }

            if (version == migrations.Count)
            {
                transaction.Commit();
                return version;
            }

            command.CommandText = migrations[version] + string.Create(CultureInfo.InvariantCulture, $"\nPRAGMA user_version = {version + 1};");
            command.ExecuteNonQuery();
            transaction.Commit();
        }
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static StoreUnavailableException Translate(SqliteException e, string path, string operation)
    {
        (StoreUnavailableReason reason, string why) = e.SqliteErrorCode switch
        {
            5 or 6 => (StoreUnavailableReason.Busy, "it is locked by another process beyond the busy timeout"),
            8 => (StoreUnavailableReason.ReadOnly, "it is read-only"),
            10 => (StoreUnavailableReason.Unspecified, "a disk input/output error occurred"),
            11 or 26 => (StoreUnavailableReason.Corrupt, "the file is corrupt or not a SQLite database; salvage its readable entries (bulwark store recover), restore it from a backup or move it aside"),
            13 => (StoreUnavailableReason.Full, "the disk or the store's size limit is full"),
            14 => (StoreUnavailableReason.CannotOpen, "the file cannot be opened or created (check the path and permissions)"),
            3 or 23 => (StoreUnavailableReason.ReadOnly, "permission was denied"),
            _ => (StoreUnavailableReason.Unspecified, $"SQLite error {e.SqliteErrorCode}"),
        };
        return new StoreUnavailableException(reason, $"The Bulwark store '{path}' could not {operation}: {why}. ({e.Message})", e);
    }

    private static object ToDb(DateTimeOffset? value) => value is { } v ? v.ToUnixTimeMilliseconds() : DBNull.Value;

    private static DateTimeOffset? FromDb(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(ordinal));

    private static async Task<List<(DeliveryEntry Entry, long Seq)>> ReadEntriesAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        var entries = new List<(DeliveryEntry, long)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            entries.Add((ReadEntry(reader), reader.GetInt64(23)));
        }

        return entries;
    }

    private static DeliveryEntry ReadEntry(SqliteDataReader r)
    {
        var headers = JsonSerializer.Deserialize<string[][]>(r.GetString(6)) ?? [];
        if (headers.Any(static h => h is not [not null, not null]))
        {
            throw new JsonException("A stored header is not a [name, value] pair.");
        }

        string? Text(int i) => r.IsDBNull(i) ? null : r.GetString(i);
        return new DeliveryEntry
        {
            Id = r.GetString(0),
            Queue = r.GetString(1),
            IdempotencyKey = r.GetString(2),
            OrderingKey = Text(3),
            Envelope = new DeliveryEnvelope(Text(4), Text(5), [.. headers.Select(h => new KeyValuePair<string, string>(h[0], h[1]))], Text(7), (byte[])r.GetValue(8)),
            State = (DeliveryState)r.GetInt32(9),
            Attempts = r.GetInt32(10),
            MaxAttempts = r.GetInt32(11),
            CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(12)),
            ExpiresAt = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(13)),
            NextAttemptAt = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(14)),
            LeaseOwner = Text(15),
            LeaseExpiresAt = FromDb(r, 16),
            LastError = Text(17),
            Response = r.IsDBNull(18) ? null : new DeliveryResponse(r.GetInt32(18), Text(19), r.IsDBNull(20) ? ReadOnlyMemory<byte>.Empty : (byte[])r.GetValue(20), r.GetInt64(25) != 0),
            CompletedAt = FromDb(r, 21),
            Notified = r.GetInt64(22) != 0,
            Fingerprint = Text(24),
        };
    }

    private static async Task<List<DeliveryEntry>> SelectAsync(SqliteConnection connection, SqliteTransaction? transaction, string where, object[] parameters, int maxCount, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT {EntryColumns} FROM deliveries WHERE {where} ORDER BY seq LIMIT {maxCount.ToString(CultureInfo.InvariantCulture)};";
        for (int i = 0; i < parameters.Length; i++)
        {
            command.Parameters.AddWithValue(string.Create(CultureInfo.InvariantCulture, $"$p{i}"), parameters[i]);
        }

        return [.. (await ReadEntriesAsync(command, cancellationToken).ConfigureAwait(false)).Select(static e => e.Entry)];
    }

    private async Task<DeliveryEntry?> SingleAsync(string where, object[] parameters, CancellationToken cancellationToken) =>
        (await ListWhereAsync(where, parameters, 1, cancellationToken).ConfigureAwait(false)) is [var entry] ? entry : null;

    private Task<IReadOnlyList<DeliveryEntry>> ListWhereAsync(string where, object[] parameters, int maxCount, CancellationToken cancellationToken) =>
        maxCount < 1
            ? Task.FromResult<IReadOnlyList<DeliveryEntry>>([])
            : RunAsync<IReadOnlyList<DeliveryEntry>>("read deliveries", async (connection, ct) => await SelectAsync(connection, null, where, parameters, maxCount, ct).ConfigureAwait(false), cancellationToken);

    private Task<int> NonQueryAsync(string operation, string sql, object[] parameters, CancellationToken cancellationToken) =>
        RunAsync(operation, async (connection, ct) =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            for (int i = 0; i < parameters.Length; i++)
            {
                command.Parameters.AddWithValue(string.Create(CultureInfo.InvariantCulture, $"$p{i}"), parameters[i]);
            }

            return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>
    /// Runs <paramref name="work"/> on a pooled connection once the file is known to be the one opened. With
    /// <paramref name="confirmAfter"/> the check is made again after the work committed: a write that raced a deletion is
    /// reported as failed (and the caller does not acknowledge it) even though it reached the lost file.
    /// </summary>
    private async Task<T> RunAsync<T>(string operation, Func<SqliteConnection, CancellationToken, Task<T>> work, CancellationToken cancellationToken, bool confirmAfter = false)
    {
        EnsureUsable();
        try
        {
            T result;
            await using (var connection = OpenConnection(_connectionString))
            {
                result = await work(connection, cancellationToken).ConfigureAwait(false);
            }

            if (confirmAfter)
            {
                EnsureUsable();
            }

            return result;
        }
        catch (SqliteException e)
        {
            throw OnError(e, operation);
        }
        catch (JsonException e)
        {
            // A row's headers are not the JSON the store writes: the file was changed behind its back.
            throw Fail(StoreUnavailableReason.Corrupt, $"{operation} found a row it cannot read: {e.Message}", e);
        }
    }

    /// <summary>
    /// Throws when the store has failed, or when its file is no longer the one it opened (and then fails it). The checks
    /// are <c>stat</c> calls made without a lock; a loss is only believed when a second look agrees, and a check that
    /// fails for another reason than a missing file refuses this operation alone.
    /// </summary>
    private void EnsureUsable()
    {
        if (Volatile.Read(ref _failure) is { } failure)
        {
            throw Repeat(failure);
        }

        var keeper = Volatile.Read(ref _keeper) ?? throw Closed();
        Loss loss;
        try
        {
            loss = ConfirmLoss(keeper);
        }
        catch (ObjectDisposedException)
        {
            throw Closed();
        }

        if (loss == Loss.Unknown)
        {
            throw new StoreUnavailableException(StoreUnavailableReason.Unspecified, $"The store's file '{FilePath}' could not be checked (the file system answered with an error): this operation was refused and changed nothing; the next one checks again.");
        }

        if (loss != Loss.None)
        {
            throw Fail(StoreUnavailableReason.FileLost, null, null, loss);
        }
    }

    private StoreUnavailableException Closed() => new(StoreUnavailableReason.Unspecified, $"The store '{FilePath}' is closed.");

    /// <summary>Looks at the files; when something seems lost, looks again: a loss both looks agree on, <see cref="Loss.Unknown"/> when a look failed, or none.</summary>
    private Loss ConfirmLoss(SqliteConnection keeper)
    {
        var first = Observe(keeper);
        if (first == Loss.None)
        {
            return Loss.None;
        }

        var second = Observe(keeper);
        if (second == Loss.None)
        {
            return Loss.None;
        }

        return first == Loss.Unknown || second == Loss.Unknown ? Loss.Unknown : second;
    }

    private Loss Observe(SqliteConnection keeper)
    {
        // HAS_MOVED compares the path's inode with the open file's: when it answers "not moved" the path needs no stat of
        // its own. "Moved" also comes from a stat that failed (EACCES, ESTALE): only ENOENT, or another file standing at the
        // path, is a loss.
        bool? moved = SqliteFileIdentity.HasMoved(keeper);
        if (moved != false)
        {
            switch (SqliteFileIdentity.Probe(FilePath))
            {
                case PathState.Absent:
                    return Loss.MainAbsent;
                case PathState.Unknown:
                    return Loss.Unknown;
                case PathState.Present when moved == true:
                    return Loss.MainReplaced;
            }
        }

        // The keeper holds the WAL and the wal-index open, so SQLite never removes them: a missing one was deleted from
        // outside (and a new connection would create a second one beside the keeper's).
        var wal = SqliteFileIdentity.Probe(_walPath);
        var shm = SqliteFileIdentity.Probe(_shmPath);
        if (wal == PathState.Unknown || shm == PathState.Unknown)
        {
            return Loss.Unknown;
        }

        return wal == PathState.Absent || shm == PathState.Absent ? Loss.WalOrShm : Loss.None;
    }

    private StoreUnavailableException OnError(SqliteException error, string operation)
    {
        var translated = Translate(error, FilePath, operation);
        if (translated.Reason == StoreUnavailableReason.Corrupt)
        {
            return Fail(StoreUnavailableReason.Corrupt, $"{operation} failed: {error.Message}", error);
        }

        if (translated.Reason == StoreUnavailableReason.CannotOpen && Volatile.Read(ref _keeper) is { } keeper)
        {
            try
            {
                if (ConfirmLoss(keeper) is not (Loss.None or Loss.Unknown) and var loss)
                {
                    return Fail(StoreUnavailableReason.FileLost, null, error, loss);
                }
            }
            catch (ObjectDisposedException)
            {
                return Closed();
            }
        }

        if (error.SqliteErrorCode == 10 && !PassesQuickCheck())
        {
            // A short or garbled read can surface as an I/O error: it is corruption when the file fails its check.
            return Fail(StoreUnavailableReason.Corrupt, $"{operation} failed with an I/O error and the file failed its integrity check: {error.Message}", error);
        }

        return translated;
    }

    /// <summary>
    /// Runs quick_check after an I/O error, one at a time and at most once per <see cref="QuickCheckInterval"/> after a
    /// pass: errors meanwhile are reported as they are (not as corruption), and the running check fails the store if the
    /// file is corrupt.
    /// </summary>
    private bool PassesQuickCheck()
    {
        if (Interlocked.CompareExchange(ref _quickCheckRunning, 1, 0) != 0)
        {
            return true;
        }

        try
        {
            var now = _timeProvider.GetUtcNow();
            if (_lastQuickCheckPassed is { } passed && now - passed < QuickCheckInterval)
            {
                return true;
            }

            using var connection = OpenConnection(_checkConnectionString);
            bool ok = string.Equals(Convert.ToString(Scalar(connection, "PRAGMA quick_check(1);"), CultureInfo.InvariantCulture), "ok", StringComparison.OrdinalIgnoreCase);
            if (ok)
            {
                _lastQuickCheckPassed = now;
            }

            return ok;
        }
        catch (SqliteException e)
        {
            return e.SqliteErrorCode is not (11 or 26);
        }
        finally
        {
            Volatile.Write(ref _quickCheckRunning, 0);
        }
    }

    /// <summary>
    /// Puts the store in its failed state (the first failure wins) and returns the exception every later operation throws.
    /// A lost file's entries are rescued in the background (<see cref="RescueCompletion"/>); its outcome is then appended
    /// to <see cref="Failure"/>'s message.
    /// </summary>
    private StoreUnavailableException Fail(StoreUnavailableReason reason, string? detail, Exception? cause, Loss loss = Loss.None)
    {
        string message = reason == StoreUnavailableReason.Corrupt
            ? $"The store '{FilePath}' is corrupt ({detail}): nothing more is accepted into it. Stop the process, then salvage what is readable into a fresh file (bulwark store recover) or restore a backup."
            : loss switch
            {
                Loss.MainReplaced => $"The store file '{FilePath}' was replaced by another file while it was open: nothing more is accepted into it.",
                Loss.WalOrShm => $"The store's write-ahead log or its index ('{_walPath}', '{_shmPath}') was deleted while the store was open: nothing more is accepted into it.",
                _ => $"The store file '{FilePath}' was deleted while it was open: nothing more is accepted into it.",
            };
        var failure = new StoreUnavailableException(reason, message, cause);
        if (Interlocked.CompareExchange(ref _failure, failure, null) is { } earlier)
        {
            return Repeat(earlier);
        }

        using (var pooled = new SqliteConnection(_connectionString))
        {
            SqliteConnection.ClearPool(pooled);
        }

        if (reason == StoreUnavailableReason.FileLost)
        {
            if (loss is Loss.MainAbsent or Loss.MainReplaced && Volatile.Read(ref _keeper) is { } keeper)
            {
                // The -wal at the path is no longer this file's to delete when the keeper closes.
                SqliteFileIdentity.KeepWalOnClose(keeper);
            }

            _rescue = Task.Run(() =>
            {
                string outcome = Rescue(loss);
                Volatile.Write(ref _failure, new StoreUnavailableException(reason, message + " " + outcome, cause));
                return outcome;
            });
        }

        return Repeat(failure);
    }

    private static StoreUnavailableException Repeat(StoreUnavailableException failure) => new(failure.Reason, failure.Message, failure.InnerException);

    /// <summary>
    /// Keeps what the store acknowledged when its files were lost, from the connection still open on them. A lost WAL or
    /// wal-index: a checkpoint writes every committed frame into the file, still the one at the path. A deleted file: the
    /// database is copied out (SQLite's backup API) and moved to the path only while nothing stands there. A replaced
    /// file: the copy stays beside it. Never overwrites a file; a failed copy is deleted.
    /// </summary>
    private string Rescue(Loss loss)
    {
        lock (_keeperLock)
        {
            if (_keeper is not { } keeper)
            {
                return "The store was closed before its entries could be copied out.";
            }

            long unfinished;
            try
            {
                unfinished = Convert.ToInt64(Scalar(keeper, $"SELECT COUNT(*) FROM deliveries WHERE state IN ({(int)DeliveryState.Pending}, {(int)DeliveryState.InProgress});"), CultureInfo.InvariantCulture);
                if (loss == Loss.WalOrShm && Checkpoint(keeper))
                {
                    return $"The file at that path is still the store's own: everything committed, with its {unfinished} unfinished deliveries, was written into it (a checkpoint). Restart the process to go on delivering them.";
                }
            }
            catch (SqliteException e)
            {
                return $"Reading the still-open database failed ({e.Message}): {StillOpenAdvice()}";
            }

            string copy = $"{FilePath}.rescued-{_timeProvider.GetUtcNow().ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture)}-{Guid.NewGuid().ToString("N")[..8]}";
            try
            {
                if (System.IO.Path.GetDirectoryName(FilePath) is { Length: > 0 } directory)
                {
                    Directory.CreateDirectory(directory);
                }

                using (var destination = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = copy, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString()))
                {
                    destination.Open();
                    keeper.BackupDatabase(destination);
                }

                SqliteConnection.ClearPool(new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = copy, Pooling = false }.ToString()));
            }
            catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException)
            {
                TryDelete(copy);
                TryDelete(copy + "-journal");
                return $"Copying the still-open database out to '{copy}' failed ({e.Message}): {StillOpenAdvice()}";
            }

            if (loss == Loss.MainAbsent && SqliteFileIdentity.Probe(FilePath) == PathState.Absent)
            {
                try
                {
                    // The -wal and -shm left at the path belonged to the deleted file: the copy holds everything they did.
                    File.Delete(_walPath);
                    File.Delete(_shmPath);
                    File.Move(copy, FilePath, overwrite: false);
                    return $"The database as it was, with its {unfinished} unfinished deliveries, was copied back to '{FilePath}' from the file still open: restart the process to go on delivering them.";
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    return $"The database as it was ({unfinished} unfinished deliveries) was copied to '{copy}', but moving it to '{FilePath}' failed ({e.Message}): stop the process and put that copy in place before starting again.";
                }
            }

            return $"The database as it was ({unfinished} unfinished deliveries) was copied to '{copy}': stop the process, move whatever now stands at '{FilePath}' aside (with its -wal and -shm), and put that copy in its place before starting again.";
        }
    }

    /// <summary>Writes every committed WAL frame into the database file; <see langword="false"/> when a reader kept it from finishing.</summary>
    private static bool Checkpoint(SqliteConnection keeper)
    {
        using var command = keeper.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
        using var reader = command.ExecuteReader();
        return reader.Read() && reader.GetInt64(0) == 0;
    }

    /// <summary>What is true once copying out failed: the store refuses everything, so the entries are only in the file this process has open.</summary>
    private string StillOpenAdvice()
    {
        string where = OpenDescriptorOf(FilePath) is { } fd ? $" (while the process runs, that file can be read at '{fd}')" : string.Empty;
        return $"the store refuses every operation, so the entries it acknowledged are no longer delivered; they exist only in the file this process still has open{where}. Copy it out by hand (sqlite3 .backup) before stopping the process, or they are lost.";
    }

    private static string? OpenDescriptorOf(string path)
    {
        try
        {
            foreach (var fd in Directory.EnumerateFiles("/proc/self/fd"))
            {
                if (new FileInfo(fd).LinkTarget is { } target && (target == path || target == path + " (deleted)"))
                {
                    return "/proc/" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "/fd/" + System.IO.Path.GetFileName(fd);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Not Linux, or not readable: no hint.
        }

        return null;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort.
        }
    }

    private SqliteConnection OpenConnection(string connectionString)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = _pragmas;
            command.ExecuteNonQuery();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }
}
