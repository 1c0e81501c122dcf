using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Bulwark.Storage.Sqlite.Recovery;

/// <summary>
/// Salvages a damaged store: reads the old file (read-only, with its WAL) row by row, skipping what cannot be read, writes
/// every readable delivery and breaker snapshot into a fresh file with the current schema, moves the damaged file aside
/// as <c>&lt;name&gt;.corrupt-&lt;timestamp&gt;</c> and puts the fresh one in its place. Run it with the store closed
/// (the gateway stopped).
/// </summary>
public static class SqliteStoreRecovery
{
    private const string DeliveryColumns = "seq, id, queue, idempotency_key, ordering_key, method, target, headers, content_type, body, state, attempts, max_attempts, created_at, expires_at, next_attempt_at, lease_owner, lease_expires_at, last_error, response_status, response_content_type, response_body, completed_at, notified, fingerprint, response_truncated";
    private const string BreakerColumns = "key, state, open_until, trip_count, baseline_failure_rate, baseline_weight, last_transition_at, last_transition_reason, taken_at";

    private const string ClientKeyColumns = "id, hash, prefix, name, owner, team, tier, created_at, expires_at, revoked_at";

    /// <summary>Salvages the store at <paramref name="path"/>.</summary>
    /// <param name="path">The damaged store's file.</param>
    /// <param name="timeProvider">Dates the damaged file's new name.</param>
    /// <returns>What was salvaged and what was not.</returns>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    /// <exception cref="StoreUnavailableException">The fresh file cannot be written, or the files cannot be moved.</exception>
    public static SqliteRecoveryReport Recover(string path, TimeProvider timeProvider)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(timeProvider);
        path = System.IO.Path.GetFullPath(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"There is no store at '{path}'.", path);
        }

        string stamp = timeProvider.GetUtcNow().ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..8];
        string fresh = path + ".recovering-" + stamp;
        string aside = path + ".corrupt-" + stamp;
        var unreadable = new List<string>();
        int deliveries = 0, breakers = 0;
        try
        {
            SqliteBulwarkStore.Open(new SqliteStoreOptions { Path = fresh }).Dispose();
            using var target = Connect(fresh, SqliteOpenMode.ReadWrite);
            using var transaction = target.BeginTransaction();
            using (var source = Connect(path, SqliteOpenMode.ReadOnly))
            {
                deliveries = Salvage(source, target, "deliveries", "seq", DeliveryColumns, IsDelivery, unreadable);
                breakers = Salvage(source, target, "breaker_state", "rowid", BreakerColumns, static row => row[0] is string { Length: > 0 }, unreadable);

                // Issued client keys (schema 4 on): lost, every client holding one would be locked out. Revoked ones are
                // kept revoked. Not counted in the report, whose shape is public.
                if (HasTable(source, "client_keys"))
                {
                    Salvage(source, target, "client_keys", "rowid", ClientKeyColumns, IsClientKey, unreadable);
                }
            }

            // The process that held these leases is gone (the store is salvaged with the gateway stopped).
            using (var release = target.CreateCommand())
            {
                release.CommandText = "UPDATE deliveries SET state = 0, lease_owner = NULL, lease_expires_at = NULL WHERE state = 1;";
                release.ExecuteNonQuery();
            }

            transaction.Commit();
        }
        catch (Exception e) when (e is SqliteException or RecoveryAbortedException)
        {
            // Nothing is swapped: the damaged file stays where it is, and the partial fresh one goes.
            SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { string.Empty, "-wal", "-shm", "-journal" })
            {
                File.Delete(fresh + suffix);
            }

            throw new StoreUnavailableException(StoreUnavailableReason.CannotOpen, $"Recovery stopped and changed nothing ('{path}' is untouched): {(e is SqliteException ? $"the fresh store '{fresh}' could not be written: {e.Message}" : e.Message)}", e);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
        }

        try
        {
            File.Move(path, aside);
            foreach (var suffix in new[] { "-wal", "-shm" })
            {
                if (File.Exists(path + suffix))
                {
                    File.Move(path + suffix, aside + suffix);
                }
            }

            File.Move(fresh, path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StoreUnavailableException(StoreUnavailableReason.CannotOpen, $"The salvaged store is complete at '{fresh}', but moving the files into place failed: {e.Message}", e);
        }

        return new SqliteRecoveryReport(path, aside, deliveries, breakers, unreadable);
    }

    private static SqliteConnection Connect(string path, SqliteOpenMode mode)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = mode, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    private static bool IsClientKey(object?[] row) =>
        row[0] is string { Length: > 0 } && row[1] is string { Length: 64 } && row[2] is string && row[4] is string && row[5] is string && row[6] is string && row[7] is long;

    private static bool HasTable(SqliteConnection source, string table)
    {
        try
        {
            using var command = source.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = $name;";
            command.Parameters.AddWithValue("$name", table);
            return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture) > 0;
        }
        catch (SqliteException e) when (e.SqliteErrorCode is 11 or 26)
        {
            // The schema itself is damaged: try the table, and report what fails.
            return true;
        }
    }

    private static bool IsDelivery(object?[] row) =>
        row[1] is string { Length: > 0 } && row[2] is string { Length: > 0 } && row[3] is string { Length: > 0 }
        && row[10] is long state && state is >= 0 and <= 3 && row[9] is byte[] or DBNull && IsHeaders(row[7]);

    /// <summary>
    /// Copies every readable row of <paramref name="table"/>, in rowid order: a scan that hits a damaged page is resumed
    /// past it, found by seeking forward (exponentially, then narrowed) to the first rowid that can be reached again.
    /// </summary>
    private static int Salvage(SqliteConnection source, SqliteConnection target, string table, string rowid, string allColumns, Func<object?[], bool> valid, List<string> unreadable)
    {
        // An older schema lacks later columns: read what it has, the fresh file's defaults fill in the rest. A row that
        // still lacks a required value is rejected and reported.
        var wanted = allColumns.Split(',', StringSplitOptions.TrimEntries);
        var present = SourceColumns(source, table);
        string columns = string.Join(", ", wanted.Select(c => present.Contains(c) ? c : "NULL"));
        var inserted = wanted.Where(present.Contains).ToArray();
        int columnCount = wanted.Length;
        using var insert = target.CreateCommand();
        insert.CommandText = $"INSERT INTO {table} ({string.Join(", ", inserted)}) VALUES ({string.Join(", ", wanted.Select((c, i) => (c, i)).Where(p => present.Contains(p.c)).Select(p => $"$p{p.i}"))});";
        int copied = 0;
        long next = long.MinValue;
        while (true)
        {
            long failedAt;
            try
            {
                using var scan = source.CreateCommand();
                scan.CommandText = $"SELECT {rowid}, {columns} FROM {table} WHERE {rowid} >= $from ORDER BY {rowid};";
                scan.Parameters.AddWithValue("$from", next);
                using var reader = scan.ExecuteReader();
                while (reader.Read())
                {
                    long current = reader.GetInt64(0);
                    next = current == long.MaxValue ? current : current + 1;
                    object?[] row;
                    try
                    {
                        row = [.. Enumerable.Range(1, columnCount).Select(reader.GetValue)];
                    }
                    catch (SqliteException)
                    {
                        unreadable.Add($"{table}: row {current}");
                        continue;
                    }

                    if (!valid(row))
                    {
                        unreadable.Add($"{table}: row {current} (garbled)");
                        continue;
                    }

                    insert.Parameters.Clear();
                    for (int i = 0; i < columnCount; i++)
                    {
                        if (present.Contains(wanted[i]))
                        {
                            insert.Parameters.AddWithValue($"$p{i}", row[i] ?? DBNull.Value);
                        }
                    }

                    try
                    {
                        copied += insert.ExecuteNonQuery();
                    }
                    catch (SqliteException e) when (e.SqliteErrorCode == 19)
                    {
                        // A constraint (NOT NULL, a duplicate key): the row is reported, never silently dropped.
                        unreadable.Add($"{table}: row {current} rejected ({e.Message})");
                    }
                    catch (SqliteException e)
                    {
                        // The fresh file's own failure (disk full, I/O): not the source's damage.
                        throw new RecoveryAbortedException($"writing the fresh store failed: {e.Message}", e);
                    }
                }

                return copied;
            }
            catch (SqliteException e)
            {
                failedAt = next;
                if (e.SqliteErrorCode is not (11 or 26 or 10))
                {
                    // Not damage (locked, out of memory, a query this file cannot answer): salvaging on would lose rows.
                    throw new RecoveryAbortedException($"reading '{table}' failed with an error that is not corruption: {e.Message}", e);
                }
            }

            if (ResumeAfter(source, table, rowid, failedAt) is not { } resume)
            {
                unreadable.Add($"{table}: rows from {Show(failedAt)} on");
                return copied;
            }

            if (resume.FirstRow is not { } first)
            {
                unreadable.Add($"{table}: rows from {Show(failedAt)} on");
                return copied;
            }

            unreadable.Add($"{table}: rows {Show(failedAt)} to {first - 1}");
            next = resume.Seek;
        }
    }

    private static HashSet<string> SourceColumns(SqliteConnection source, string table)
    {
        var columns = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        try
        {
            using var command = source.CreateCommand();
            command.CommandText = $"SELECT name FROM pragma_table_info('{table}');";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                columns.Add(reader.GetString(0));
            }
        }
        catch (SqliteException e) when (e.SqliteErrorCode is 11 or 26)
        {
            // The schema itself is damaged: read as if it were current, and report what fails.
        }

        if (columns.Count == 0)
        {
            columns.UnionWith((table switch { "deliveries" => DeliveryColumns, "client_keys" => ClientKeyColumns, _ => BreakerColumns }).Split(',', StringSplitOptions.TrimEntries));
        }

        columns.Add("rowid");
        return columns;
    }

    private static bool IsHeaders(object? value)
    {
        if (value is not string text)
        {
            return false;
        }

        try
        {
            return System.Text.Json.JsonSerializer.Deserialize<string[][]>(text) is { } headers && headers.All(static h => h is [not null, not null]);
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }

    private static string Show(long rowid) => rowid == long.MinValue ? "the first" : rowid.ToString(CultureInfo.InvariantCulture);

    /// <summary>The smallest seek position past <paramref name="failedAt"/> that can be read again, and the first row found there (none: the end).</summary>
    private static (long Seek, long? FirstRow)? ResumeAfter(SqliteConnection source, string table, string rowid, long failedAt)
    {
        long start = failedAt == long.MinValue ? 0 : failedAt;
        long bad = start, step = 1;
        (long Seek, long? FirstRow)? good = null;
        for (int i = 0; i < 62 && good is null; i++, step <<= 1)
        {
            long at = start + step;
            if (Probe(source, table, rowid, at) is { } found)
            {
                good = (at, found.Row);
            }
            else
            {
                bad = at;
            }
        }

        if (good is not { } g)
        {
            return null;
        }

        // Narrow down: the rows between the last failing and the first working seek may still be readable.
        long low = bad, high = g.Seek;
        long? firstRow = g.FirstRow;
        while (high - low > 1)
        {
            long mid = low + ((high - low) / 2);
            if (Probe(source, table, rowid, mid) is { } found)
            {
                high = mid;
                firstRow = found.Row;
            }
            else
            {
                low = mid;
            }
        }

        return (high, firstRow);
    }

    /// <summary>Seeks to the first row at or after <paramref name="at"/>: the row (or none, past the end), or <see langword="null"/> when the seek hits damage.</summary>
    private static (long? Row, bool Ok)? Probe(SqliteConnection source, string table, string rowid, long at)
    {
        try
        {
            using var command = source.CreateCommand();
            command.CommandText = $"SELECT {rowid} FROM {table} WHERE {rowid} >= $at ORDER BY {rowid} LIMIT 1;";
            command.Parameters.AddWithValue("$at", at);
            return (command.ExecuteScalar() is long row ? row : null, true);
        }
        catch (SqliteException)
        {
            return null;
        }
    }
}

/// <summary>Recovery cannot go on without losing rows it could read: nothing is swapped.</summary>
internal sealed class RecoveryAbortedException(string message, Exception? inner) : Exception(message, inner);
