using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Bulwark.CircuitBreaker;
using Bulwark.Deliveries;
using Bulwark.Storage.Alerts;
using Bulwark.Storage.Budgets;
using Bulwark.Storage.Clients;
using Bulwark.Storage.Postgres.Migrations;
using Bulwark.Storage.Usage;
using Npgsql;
using NpgsqlTypes;
using Polly.CircuitBreaker;

namespace Bulwark.Storage.Postgres;

/// <summary>
/// Bulwark's store on PostgreSQL, shared by several instances: circuit breaker snapshots, the deferred-delivery queue, and
/// the gateway's data (client keys, usage ledger, budgets and their leases, alerts). Dispatchers on every instance lease due entries with <c>FOR UPDATE SKIP LOCKED</c>, so each entry is handed to one
/// dispatcher at a time; an instance that dies mid-delivery hands its leases back when they expire.
/// </summary>
/// <remarks>
/// Every failure of the server (unreachable, timed out, full, read-only) surfaces as <see cref="StoreUnavailableException"/>
/// with its <see cref="StoreUnavailableReason"/>; nothing is acknowledged that was not committed. Unlike the SQLite store,
/// a failure is never sticky: the next operation tries the server again.
/// </remarks>
public sealed partial class PostgresBulwarkStore : ICircuitBreakerStateStore, IDeliveryStore, IClientKeyStore, IUsageLedgerStore, IBudgetStore, IAlertStore, IDisposable, IAsyncDisposable
{
    private const string EntryColumns =
        "id, queue, idempotency_key, ordering_key, method, target, headers, content_type, body, state, attempts, max_attempts, created_at, expires_at, " +
        "next_attempt_at, lease_owner, lease_expires_at, last_error, response_status, response_content_type, response_body, completed_at, notified, seq, fingerprint, response_truncated";

    private readonly NpgsqlDataSource _dataSource;
    private readonly HolderLock _holder;

    private PostgresBulwarkStore(NpgsqlDataSource dataSource, string schema, int schemaVersion, HolderLock holder)
    {
        _dataSource = dataSource;
        Schema = schema;
        SchemaVersion = schemaVersion;
        _holder = holder;
    }

    /// <summary>Gets the schema the tables live in.</summary>
    public string Schema { get; }

    /// <summary>Gets the schema version after the migrations ran.</summary>
    public int SchemaVersion { get; }

    /// <summary>
    /// Connects, creates the schema when missing and applies the migrations it lacks (once, whichever instance comes first),
    /// and returns the store.
    /// </summary>
    /// <param name="options">The options.</param>
    /// <returns>The open store.</returns>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem.</exception>
    /// <exception cref="StoreUnavailableException">The server cannot be reached or refused the migrations; the message says which.</exception>
    public static PostgresBulwarkStore Open(PostgresStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (Validate(options) is { Count: > 0 } problems)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }

        var builder = new NpgsqlConnectionStringBuilder(options.ConnectionString)
        {
            SearchPath = options.Schema,
            Timeout = Seconds(options.CommandTimeout),
            CommandTimeout = Seconds(options.CommandTimeout),
        };
        var dataSource = NpgsqlDataSource.Create(builder);
        try
        {
            int version = Migrate(dataSource, options.Schema);
            return new PostgresBulwarkStore(dataSource, options.Schema, version, HolderLock.Acquire(dataSource));
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            dataSource.Dispose();
            throw Translate(e, "open (connect and migrate)");
        }
        catch
        {
            dataSource.Dispose();
            throw;
        }
    }

    /// <summary>Lists what is wrong with <paramref name="options"/>: empty when they are valid.</summary>
    /// <param name="options">The options.</param>
    /// <returns>One message per problem.</returns>
    public static IReadOnlyList<string> Validate(PostgresStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            problems.Add("The PostgreSQL connection string is required.");
        }
        else
        {
            try
            {
                _ = new NpgsqlConnectionStringBuilder(options.ConnectionString);
            }
            catch (ArgumentException e)
            {
                // The builder's message names the unknown keyword, never a value.
                problems.Add($"The PostgreSQL connection string cannot be read: {e.Message}");
            }
        }

        if (options.Schema is null || !SchemaName().IsMatch(options.Schema))
        {
            problems.Add($"The PostgreSQL schema must be 1 to {PostgresStoreConstants.MaxSchemaLength} ASCII letters, digits or '_', not starting with a digit; it is '{options.Schema}'.");
        }

        if (options.CommandTimeout < PostgresStoreConstants.MinCommandTimeout || options.CommandTimeout > PostgresStoreConstants.MaxCommandTimeout)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"The PostgreSQL command timeout must be in [{PostgresStoreConstants.MinCommandTimeout}, {PostgresStoreConstants.MaxCommandTimeout}]; it is {options.CommandTimeout}."));
        }

        return problems;
    }

    /// <summary>Checks that the server answers.</summary>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>A task that completes when the server answered.</returns>
    /// <exception cref="StoreUnavailableException">It did not.</exception>
    public Task PingAsync(CancellationToken cancellationToken) =>
        RunAsync("answer a ping", static async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand("SELECT 1;", connection);
            return await command.ExecuteScalarAsync(ct).ConfigureAwait(false);
        }, cancellationToken);

    /// <inheritdoc/>
    public void Dispose()
    {
        _holder.Dispose();
        _dataSource.Dispose();
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        _holder.Dispose();
        await _dataSource.DisposeAsync().ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public Task SaveBreakerStateAsync(string key, CircuitBreakerSnapshot snapshot, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(snapshot);
        return RunAsync("save a circuit breaker's state", async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand(
                """
                INSERT INTO breaker_state AS b (key, state, open_until, trip_count, baseline_failure_rate, baseline_weight, last_transition_at, last_transition_reason, taken_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                ON CONFLICT ((lower(key))) DO UPDATE SET state = excluded.state, open_until = excluded.open_until, trip_count = excluded.trip_count,
                    baseline_failure_rate = excluded.baseline_failure_rate, baseline_weight = excluded.baseline_weight,
                    last_transition_at = excluded.last_transition_at, last_transition_reason = excluded.last_transition_reason, taken_at = excluded.taken_at
                WHERE excluded.taken_at >= b.taken_at;
                """,
                connection);
            Add(command, key, (int)snapshot.State, ToDb(snapshot.OpenUntil), snapshot.TripCount, snapshot.BaselineFailureRate, snapshot.BaselineWeight,
                ToDb(snapshot.LastTransitionAt), (int)snapshot.LastTransitionReason, snapshot.TakenAt.ToUnixTimeMilliseconds());
            return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyDictionary<string, CircuitBreakerSnapshot>> LoadBreakerStatesAsync(CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyDictionary<string, CircuitBreakerSnapshot>>("load circuit breaker states", static async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand(
                "SELECT key, state, open_until, trip_count, baseline_failure_rate, baseline_weight, last_transition_at, last_transition_reason, taken_at FROM breaker_state;",
                connection);
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
            var envelope = entry.Envelope;
            await using var insert = new NpgsqlCommand(
                """
                INSERT INTO deliveries (id, queue, idempotency_key, ordering_key, method, target, headers, content_type, body, state, attempts, max_attempts,
                    created_at, expires_at, next_attempt_at, lease_owner, lease_expires_at, fingerprint)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
                ON CONFLICT (queue, idempotency_key) DO NOTHING;
                """,
                connection);
            Add(insert, entry.Id, entry.Queue, entry.IdempotencyKey, Db(entry.OrderingKey), Db(envelope.Method), Db(envelope.Target),
                JsonSerializer.Serialize(envelope.Headers.Select(static h => new[] { h.Key, h.Value })), Db(envelope.ContentType), envelope.Body.ToArray(),
                (int)entry.State, entry.Attempts, entry.MaxAttempts, entry.CreatedAt.ToUnixTimeMilliseconds(), entry.ExpiresAt.ToUnixTimeMilliseconds(),
                entry.NextAttemptAt.ToUnixTimeMilliseconds(), Db(entry.LeaseOwner), ToDb(entry.LeaseExpiresAt), Db(entry.Fingerprint));

            // ON CONFLICT DO NOTHING waits for a concurrent insert of the same key to commit, so the row read next is there.
            if (await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1)
            {
                return (entry, true);
            }

            var stored = await SelectAsync(connection, "queue = $1 AND idempotency_key = $2", [entry.Queue, entry.IdempotencyKey], 1, ct).ConfigureAwait(false);
            return (stored[0], false);
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public Task<DeliveryEntry?> GetAsync(string id, CancellationToken cancellationToken) =>
        SingleAsync("id = $1", [id], cancellationToken);

    /// <inheritdoc/>
    public Task<DeliveryEntry?> FindAsync(string queue, string idempotencyKey, CancellationToken cancellationToken) =>
        SingleAsync("queue = $1 AND idempotency_key = $2", [queue, idempotencyKey], cancellationToken);

    /// <inheritdoc/>
    /// <remarks>
    /// The due rows are locked with <c>FOR UPDATE SKIP LOCKED</c>: a row another instance is leasing at the same moment is
    /// skipped, and a row it leased meanwhile no longer matches once locked, so no entry is leased twice. An entry with an
    /// ordering key is due only when no earlier entry of its key is pending or in progress (a concurrent lease of the
    /// earlier one still sees it pending).
    /// </remarks>
    public Task<IReadOnlyList<DeliveryEntry>> LeaseDueAsync(string owner, DateTimeOffset now, TimeSpan leaseDuration, int maxCount, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        return RunAsync<IReadOnlyList<DeliveryEntry>>("lease due deliveries", async (connection, ct) =>
        {
            await using var update = new NpgsqlCommand(
                $"""
                WITH due AS (
                    SELECT d.seq FROM deliveries d
                    WHERE d.state = {(int)DeliveryState.Pending} AND d.next_attempt_at <= $1
                      AND (d.ordering_key IS NULL OR NOT EXISTS (
                          SELECT 1 FROM deliveries e
                          WHERE e.queue = d.queue AND e.ordering_key = d.ordering_key AND e.seq < d.seq
                            AND e.state IN ({(int)DeliveryState.Pending}, {(int)DeliveryState.InProgress})))
                    ORDER BY d.seq
                    LIMIT $2
                    FOR UPDATE SKIP LOCKED)
                UPDATE deliveries SET state = {(int)DeliveryState.InProgress}, attempts = attempts + 1, lease_owner = $3, lease_expires_at = $4
                FROM due WHERE deliveries.seq = due.seq
                RETURNING {Qualified("deliveries")};
                """,
                connection);
            Add(update, now.ToUnixTimeMilliseconds(), maxCount, owner, (now + leaseDuration).ToUnixTimeMilliseconds());
            var leased = await ReadEntriesAsync(update, ct).ConfigureAwait(false);
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
            await using var command = new NpgsqlCommand(
                $"""
                UPDATE deliveries SET state = $3, lease_owner = NULL, lease_expires_at = NULL,
                    next_attempt_at = COALESCE($4, next_attempt_at),
                    last_error = CASE WHEN $3 = {(int)DeliveryState.Delivered} THEN NULL ELSE COALESCE($5, last_error) END,
                    response_status = COALESCE($6, response_status),
                    response_content_type = CASE WHEN $6 IS NULL THEN response_content_type ELSE $7 END,
                    response_body = CASE WHEN $6 IS NULL THEN response_body ELSE $8 END,
                    response_truncated = CASE WHEN $6 IS NULL THEN response_truncated ELSE $9 END,
                    completed_at = $10
                WHERE id = $1 AND state = {(int)DeliveryState.InProgress} AND lease_owner = $2;
                """,
                connection);
            command.Parameters.Add(new NpgsqlParameter { Value = id });
            command.Parameters.Add(new NpgsqlParameter { Value = owner });
            command.Parameters.Add(new NpgsqlParameter { Value = (int)completion.State });
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint, Value = ToDb(completion.NextAttemptAt) });
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = Db(completion.Error) });
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = (object?)completion.Response?.Status ?? DBNull.Value });
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = Db(completion.Response?.ContentType) });
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bytea, Value = completion.Response is { } r ? r.Body.ToArray() : DBNull.Value });
            command.Parameters.Add(new NpgsqlParameter { Value = completion.Response is { BodyTruncated: true } });
            command.Parameters.Add(new NpgsqlParameter
            {
                NpgsqlDbType = NpgsqlDbType.Bigint,
                Value = completion.State is DeliveryState.Delivered or DeliveryState.Dead ? completion.At.ToUnixTimeMilliseconds() : DBNull.Value,
            });
            return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public Task MarkNotifiedAsync(string id, CancellationToken cancellationToken) =>
        NonQueryAsync("record that observers were told", "UPDATE deliveries SET notified = true WHERE id = $1;", [id], cancellationToken);

    /// <inheritdoc/>
    public Task<IReadOnlyList<DeliveryEntry>> ListAsync(DeliveryState? state, int maxCount, CancellationToken cancellationToken) =>
        state is { } s
            ? ListWhereAsync("state = $1", [(int)s], maxCount, cancellationToken)
            : ListWhereAsync("true", [], maxCount, cancellationToken);

    /// <inheritdoc/>
    public Task<IReadOnlyList<DeliveryEntry>> ListUnnotifiedAsync(int maxCount, CancellationToken cancellationToken) =>
        ListWhereAsync($"state = {(int)DeliveryState.Delivered} AND NOT notified", [], maxCount, cancellationToken);

    /// <inheritdoc/>
    public Task<IReadOnlyList<DeliveryEntry>> ListStuckAsync(DateTimeOffset now, int maxCount, CancellationToken cancellationToken) =>
        ListWhereAsync($"state = {(int)DeliveryState.InProgress} AND lease_expires_at < $1", [now.ToUnixTimeMilliseconds()], maxCount, cancellationToken);

    /// <inheritdoc/>
    public Task<int> ReleaseExpiredLeasesAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        NonQueryAsync(
            "return stuck deliveries to the queue",
            $"UPDATE deliveries SET state = {(int)DeliveryState.Pending}, lease_owner = NULL, lease_expires_at = NULL, next_attempt_at = $1 WHERE state = {(int)DeliveryState.InProgress} AND lease_expires_at < $1;",
            [now.ToUnixTimeMilliseconds()],
            cancellationToken);

    /// <inheritdoc/>
    public Task<int> ReleaseLeasesOfAsync(string owner, DateTimeOffset now, CancellationToken cancellationToken) =>
        NonQueryAsync(
            "return a dead dispatcher's deliveries to the queue",
            $"UPDATE deliveries SET state = {(int)DeliveryState.Pending}, lease_owner = NULL, lease_expires_at = NULL, next_attempt_at = $2 WHERE state = {(int)DeliveryState.InProgress} AND lease_owner = $1;",
            [owner, now.ToUnixTimeMilliseconds()],
            cancellationToken);

    /// <inheritdoc/>
    public async Task<bool> ReplayAsync(string id, DateTimeOffset now, TimeSpan timeToLive, CancellationToken cancellationToken) =>
        await NonQueryAsync(
            "replay a dead delivery",
            $"UPDATE deliveries SET state = {(int)DeliveryState.Pending}, attempts = 0, next_attempt_at = $2, expires_at = $3, completed_at = NULL, last_error = NULL, response_status = NULL, response_content_type = NULL, response_body = NULL, response_truncated = false WHERE id = $1 AND state = {(int)DeliveryState.Dead};",
            [id, now.ToUnixTimeMilliseconds(), (now + timeToLive).ToUnixTimeMilliseconds()],
            cancellationToken).ConfigureAwait(false) == 1;

    /// <inheritdoc/>
    public Task<int> PurgeAsync(DeliveryState state, DateTimeOffset completedBefore, CancellationToken cancellationToken)
    {
        if (state is not (DeliveryState.Delivered or DeliveryState.Dead))
        {
            throw new ArgumentOutOfRangeException(nameof(state), state, "Only delivered or dead entries can be purged.");
        }

        return NonQueryAsync("purge deliveries", "DELETE FROM deliveries WHERE state = $1 AND completed_at < $2;", [(int)state, completedBefore.ToUnixTimeMilliseconds()], cancellationToken);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyDictionary<DeliveryState, long>> CountAsync(CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyDictionary<DeliveryState, long>>("count deliveries", static async (connection, ct) =>
        {
            var counts = Enum.GetValues<DeliveryState>().ToDictionary(s => s, _ => 0L);
            await using var command = new NpgsqlCommand("SELECT state, COUNT(*) FROM deliveries GROUP BY state;", connection);
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                counts[(DeliveryState)reader.GetInt32(0)] = reader.GetInt64(1);
            }

            return counts;
        }, cancellationToken);

    private static int Seconds(TimeSpan value) => (int)Math.Ceiling(value.TotalSeconds);

    private static int Migrate(NpgsqlDataSource dataSource, string schema)
    {
        using var connection = dataSource.OpenConnection();
        using var transaction = connection.BeginTransaction();
        Execute(connection, "SELECT pg_advisory_xact_lock($1);", PostgresMigrations.LockKey);
        Execute(connection, $"CREATE SCHEMA IF NOT EXISTS \"{schema}\";");
        Execute(connection, "CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());");
        using var read = new NpgsqlCommand("SELECT COALESCE(MAX(version), 0) FROM schema_version;", connection);
        int version = Convert.ToInt32(read.ExecuteScalar(), CultureInfo.InvariantCulture);
        var all = PostgresMigrations.All;
        if (version > all.Count)
        {
            throw new StoreUnavailableException(
                StoreUnavailableReason.CannotOpen,
                $"The PostgreSQL schema '{schema}' is at version {version}, written by a newer Bulwark than this one (which knows {all.Count}): upgrade this instance, or point it at another schema.");
        }

        for (; version < all.Count; version++)
        {
            Execute(connection, all[version]);
            Execute(connection, "INSERT INTO schema_version (version) VALUES ($1);", version + 1);
        }

        transaction.Commit();
        return version;
    }

    private static void Execute(NpgsqlConnection connection, string sql, params object[] parameters)
    {
        using var command = new NpgsqlCommand(sql, connection);
        Add(command, parameters);
        command.ExecuteNonQuery();
    }

    private static void Add(NpgsqlCommand command, params object[] values)
    {
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }
    }

    private static object Db(string? value) => (object?)value ?? DBNull.Value;

    private static object ToDb(DateTimeOffset? value) => value is { } v ? v.ToUnixTimeMilliseconds() : DBNull.Value;

    private static DateTimeOffset? FromDb(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(ordinal));

    private static string Qualified(string table) =>
        string.Join(", ", EntryColumns.Split(", ").Select(c => $"{table}.{c}"));

    private static async Task<List<(DeliveryEntry Entry, long Seq)>> ReadEntriesAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var entries = new List<(DeliveryEntry, long)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            entries.Add((ReadEntry(reader), reader.GetInt64(23)));
        }

        return entries;
    }

    private static DeliveryEntry ReadEntry(DbDataReader r)
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
            Response = r.IsDBNull(18) ? null : new DeliveryResponse(r.GetInt32(18), Text(19), r.IsDBNull(20) ? ReadOnlyMemory<byte>.Empty : (byte[])r.GetValue(20), r.GetBoolean(25)),
            CompletedAt = FromDb(r, 21),
            Notified = r.GetBoolean(22),
            Fingerprint = Text(24),
        };
    }

    private static async Task<List<DeliveryEntry>> SelectAsync(NpgsqlConnection connection, string where, object[] parameters, int maxCount, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"SELECT {EntryColumns} FROM deliveries WHERE {where} ORDER BY seq LIMIT {maxCount.ToString(CultureInfo.InvariantCulture)};",
            connection);
        Add(command, parameters);
        return [.. (await ReadEntriesAsync(command, cancellationToken).ConfigureAwait(false)).Select(static e => e.Entry)];
    }

    /// <summary>Says what a failure of the server means for the caller, without the connection string.</summary>
    private static StoreUnavailableException Translate(Exception error, string operation)
    {
        var reason = error switch
        {
            PostgresException { SqlState: "53100" } => StoreUnavailableReason.Full,
            PostgresException { SqlState: "25006" } => StoreUnavailableReason.ReadOnly,
            PostgresException { SqlState: "40001" or "40P01" or "55P03" or "57014" } => StoreUnavailableReason.Busy,
            PostgresException { SqlState: "XX001" or "XX002" } => StoreUnavailableReason.Corrupt,
            PostgresException { SqlState: var state } when state.StartsWith("08", StringComparison.Ordinal) || state.StartsWith("57P", StringComparison.Ordinal) || state == "53300" => StoreUnavailableReason.CannotOpen,
            PostgresException => StoreUnavailableReason.Unspecified,
            NpgsqlException { InnerException: TimeoutException } or TimeoutException => StoreUnavailableReason.Busy,
            _ => StoreUnavailableReason.CannotOpen,
        };
        return new StoreUnavailableException(reason, $"The PostgreSQL store could not {operation}: {error.Message}", error);
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex SchemaName();

    private async Task<DeliveryEntry?> SingleAsync(string where, object[] parameters, CancellationToken cancellationToken) =>
        (await ListWhereAsync(where, parameters, 1, cancellationToken).ConfigureAwait(false)) is [var entry] ? entry : null;

    private Task<IReadOnlyList<DeliveryEntry>> ListWhereAsync(string where, object[] parameters, int maxCount, CancellationToken cancellationToken) =>
        maxCount < 1
            ? Task.FromResult<IReadOnlyList<DeliveryEntry>>([])
            : RunAsync<IReadOnlyList<DeliveryEntry>>("read deliveries", async (connection, ct) => await SelectAsync(connection, where, parameters, maxCount, ct).ConfigureAwait(false), cancellationToken);

    private Task<int> NonQueryAsync(string operation, string sql, object[] parameters, CancellationToken cancellationToken) =>
        RunAsync(operation, async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand(sql, connection);
            Add(command, parameters);
            return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, cancellationToken);

    private async Task<T> RunAsync<T>(string operation, Func<NpgsqlConnection, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            return await work(connection, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException && !cancellationToken.IsCancellationRequested)
        {
            throw Translate(e, operation);
        }
        catch (JsonException e)
        {
            throw new StoreUnavailableException(StoreUnavailableReason.Corrupt, $"The PostgreSQL store could not {operation}: a row's headers are not the JSON the store writes ({e.Message}).", e);
        }
    }
}
