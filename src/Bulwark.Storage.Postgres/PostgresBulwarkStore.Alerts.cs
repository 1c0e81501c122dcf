using Bulwark.Storage.Alerts;
using Npgsql;

namespace Bulwark.Storage.Postgres;

/// <summary>
/// Alerts: their state, silences, and the notifications made for them (stored before they are enqueued). Each step is one
/// transaction, each row a whole JSON document, so instances writing at once never leave a half-written step; a
/// notification id is stored once, by whichever instance writes it first.
/// </summary>
public sealed partial class PostgresBulwarkStore
{
    /// <inheritdoc/>
    public Task SaveAlertChangesAsync(AlertStoreChanges changes, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        return RunAsync("store alerts", async (connection, ct) =>
        {
            long at = now.ToUnixTimeMilliseconds();
            await using var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await UpsertAsync(connection, transaction, "alerts", [.. changes.Alerts.Select(static a => (a.Id, a.Data))], at, ct).ConfigureAwait(false);
            await UpsertAsync(connection, transaction, "alert_silences", [.. changes.Silences.Select(static s => (s.Id, s.Data))], at, ct).ConfigureAwait(false);
            await DeleteAsync(connection, transaction, "alerts", changes.RemovedAlertIds, ct).ConfigureAwait(false);
            await DeleteAsync(connection, transaction, "alert_silences", changes.RemovedSilenceIds, ct).ConfigureAwait(false);
            if (changes.Notifications.Count > 0)
            {
                await using var insert = new NpgsqlCommand(
                    "INSERT INTO alert_notifications (id, queue, payload, created_at, enqueued_at) VALUES ($1, $2, $3, $4, NULL) ON CONFLICT (id) DO NOTHING;",
                    connection,
                    transaction);
                foreach (var notification in changes.Notifications)
                {
                    insert.Parameters.Clear();
                    Add(insert, notification.Id, notification.Queue, notification.Payload, notification.CreatedAt.ToUnixTimeMilliseconds());
                    await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }
            }

            await transaction.CommitAsync(ct).ConfigureAwait(false);
            return 0;
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public Task MarkAlertNotificationsEnqueuedAsync(IReadOnlyList<string> ids, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        return ids.Count == 0
            ? Task.CompletedTask
            : NonQueryAsync(
                "mark alert notifications enqueued",
                "UPDATE alert_notifications SET enqueued_at = $2 WHERE id = ANY($1) AND enqueued_at IS NULL;",
                [ids.ToArray(), now.ToUnixTimeMilliseconds()],
                cancellationToken);
    }

    /// <inheritdoc/>
    public Task<int> PruneAlertNotificationsAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        NonQueryAsync(
            "prune alert notifications",
            "DELETE FROM alert_notifications WHERE enqueued_at IS NOT NULL AND enqueued_at < $1;",
            [before.ToUnixTimeMilliseconds()],
            cancellationToken);

    /// <inheritdoc/>
    public Task<StoredAlertBook> LoadAlertsAsync(CancellationToken cancellationToken) =>
        RunAsync("read alerts", static async (connection, ct) =>
        {
            // One snapshot for the three reads.
            await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct).ConfigureAwait(false);
            var alerts = new List<StoredAlert>();
            var silences = new List<StoredAlertSilence>();
            var pending = new List<StoredAlertNotification>();
            await using (var read = new NpgsqlCommand("SELECT id, data FROM alerts ORDER BY id COLLATE \"C\";", connection, transaction))
            await using (var reader = await read.ExecuteReaderAsync(ct).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    alerts.Add(new StoredAlert(reader.GetString(0), reader.GetString(1)));
                }
            }

            await using (var read = new NpgsqlCommand("SELECT id, data FROM alert_silences ORDER BY id COLLATE \"C\";", connection, transaction))
            await using (var reader = await read.ExecuteReaderAsync(ct).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    silences.Add(new StoredAlertSilence(reader.GetString(0), reader.GetString(1)));
                }
            }

            await using (var read = new NpgsqlCommand("SELECT id, queue, payload, created_at FROM alert_notifications WHERE enqueued_at IS NULL ORDER BY created_at, id COLLATE \"C\";", connection, transaction))
            await using (var reader = await read.ExecuteReaderAsync(ct).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    pending.Add(new StoredAlertNotification(reader.GetString(0), reader.GetString(1), reader.GetString(2), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3))));
                }
            }

            await transaction.CommitAsync(ct).ConfigureAwait(false);
            return new StoredAlertBook(alerts, silences, pending);
        }, cancellationToken);

    private static async Task UpsertAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string table, IReadOnlyList<(string Id, string Data)> rows, long at, CancellationToken ct)
    {
        if (rows.Count == 0)
        {
            return;
        }

        await using var upsert = new NpgsqlCommand(
            $"INSERT INTO {table} (id, data, updated_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at;",
            connection,
            transaction);
        foreach (var (id, data) in rows)
        {
            upsert.Parameters.Clear();
            Add(upsert, id, data, at);
            await upsert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
    }

    private static async Task DeleteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string table, IReadOnlyList<string> ids, CancellationToken ct)
    {
        if (ids.Count == 0)
        {
            return;
        }

        await using var delete = new NpgsqlCommand($"DELETE FROM {table} WHERE id = ANY($1);", connection, transaction);
        delete.Parameters.Add(new NpgsqlParameter { Value = ids.ToArray() });
        await delete.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }
}
