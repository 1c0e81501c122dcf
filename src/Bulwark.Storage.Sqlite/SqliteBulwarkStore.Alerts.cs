using Bulwark.Storage.Alerts;
using Microsoft.Data.Sqlite;

namespace Bulwark.Storage.Sqlite;

/// <summary>Alerts: their state, silences, and the notifications made for them (stored before they are enqueued).</summary>
public sealed partial class SqliteBulwarkStore
{
    /// <summary>Stores what one step of alerting changed, in one transaction: alerts, silences and new notifications (pending).</summary>
    /// <param name="changes">The changes.</param>
    /// <param name="now">When they are written.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the changes are stored (durable against the process stopping).</returns>
    /// <exception cref="StoreUnavailableException">The store cannot be written.</exception>
    public Task SaveAlertChangesAsync(AlertStoreChanges changes, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        return RunAsync("store alerts", async (connection, ct) =>
        {
            long at = now.ToUnixTimeMilliseconds();
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await UpsertAsync(connection, transaction, "alerts", changes.Alerts.Select(static a => (a.Id, a.Data)), at, ct).ConfigureAwait(false);
            await UpsertAsync(connection, transaction, "alert_silences", changes.Silences.Select(static s => (s.Id, s.Data)), at, ct).ConfigureAwait(false);
            await DeleteAsync(connection, transaction, "alerts", changes.RemovedAlertIds, ct).ConfigureAwait(false);
            await DeleteAsync(connection, transaction, "alert_silences", changes.RemovedSilenceIds, ct).ConfigureAwait(false);
            if (changes.Notifications.Count > 0)
            {
                await using var insert = connection.CreateCommand();
                insert.Transaction = transaction;
                insert.CommandText = """
                    INSERT INTO alert_notifications (id, queue, payload, created_at, enqueued_at) VALUES ($id, $queue, $payload, $at, NULL)
                    ON CONFLICT (id) DO NOTHING;
                    """;
                var id = insert.Parameters.Add("$id", SqliteType.Text);
                var queue = insert.Parameters.Add("$queue", SqliteType.Text);
                var payload = insert.Parameters.Add("$payload", SqliteType.Text);
                var created = insert.Parameters.Add("$at", SqliteType.Integer);
                foreach (var notification in changes.Notifications)
                {
                    id.Value = notification.Id;
                    queue.Value = notification.Queue;
                    payload.Value = notification.Payload;
                    created.Value = notification.CreatedAt.ToUnixTimeMilliseconds();
                    await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }
            }

            await transaction.CommitAsync(ct).ConfigureAwait(false);
            return 0;
        }, cancellationToken);
    }

    /// <summary>Marks notifications as put on their delivery queue; marks older than a retention are deleted by <see cref="PruneAlertNotificationsAsync"/>.</summary>
    /// <param name="ids">The notifications' ids.</param>
    /// <param name="now">When they were enqueued.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when they are marked.</returns>
    /// <exception cref="StoreUnavailableException">The store cannot be written.</exception>
    public Task MarkAlertNotificationsEnqueuedAsync(IReadOnlyList<string> ids, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count == 0)
        {
            return Task.CompletedTask;
        }

        return RunAsync("mark alert notifications enqueued", async (connection, ct) =>
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using var update = connection.CreateCommand();
            update.Transaction = transaction;
            update.CommandText = "UPDATE alert_notifications SET enqueued_at = $at WHERE id = $id AND enqueued_at IS NULL;";
            var id = update.Parameters.Add("$id", SqliteType.Text);
            update.Parameters.AddWithValue("$at", now.ToUnixTimeMilliseconds());
            foreach (string each in ids)
            {
                id.Value = each;
                await update.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            await transaction.CommitAsync(ct).ConfigureAwait(false);
            return 0;
        }, cancellationToken);
    }

    /// <summary>Deletes the marks of notifications enqueued before <paramref name="before"/> (pending ones are kept).</summary>
    /// <param name="before">The oldest enqueue time kept.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>How many marks were deleted.</returns>
    /// <exception cref="StoreUnavailableException">The store cannot be written.</exception>
    public Task<int> PruneAlertNotificationsAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        RunAsync("prune alert notifications", async (connection, ct) =>
        {
            await using var delete = connection.CreateCommand();
            delete.CommandText = "DELETE FROM alert_notifications WHERE enqueued_at IS NOT NULL AND enqueued_at < $before;";
            delete.Parameters.AddWithValue("$before", before.ToUnixTimeMilliseconds());
            return await delete.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>Reads the alerts, the silences and the notifications not yet marked enqueued.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>What the store holds of alerting.</returns>
    /// <exception cref="StoreUnavailableException">The store cannot be read.</exception>
    public Task<StoredAlertBook> LoadAlertsAsync(CancellationToken cancellationToken) =>
        RunAsync("read alerts", async (connection, ct) =>
        {
            var alerts = new List<StoredAlert>();
            var silences = new List<StoredAlertSilence>();
            var pending = new List<StoredAlertNotification>();
            await using (var read = connection.CreateCommand())
            {
                read.CommandText = "SELECT id, data FROM alerts ORDER BY id;";
                await using var reader = await read.ExecuteReaderAsync(ct).ConfigureAwait(false);
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    alerts.Add(new StoredAlert(reader.GetString(0), reader.GetString(1)));
                }
            }

            await using (var read = connection.CreateCommand())
            {
                read.CommandText = "SELECT id, data FROM alert_silences ORDER BY id;";
                await using var reader = await read.ExecuteReaderAsync(ct).ConfigureAwait(false);
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    silences.Add(new StoredAlertSilence(reader.GetString(0), reader.GetString(1)));
                }
            }

            await using (var read = connection.CreateCommand())
            {
                read.CommandText = "SELECT id, queue, payload, created_at FROM alert_notifications WHERE enqueued_at IS NULL ORDER BY created_at, id;";
                await using var reader = await read.ExecuteReaderAsync(ct).ConfigureAwait(false);
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    pending.Add(new StoredAlertNotification(reader.GetString(0), reader.GetString(1), reader.GetString(2), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3))));
                }
            }

            return new StoredAlertBook(alerts, silences, pending);
        }, cancellationToken);

    private static async Task UpsertAsync(SqliteConnection connection, SqliteTransaction transaction, string table, IEnumerable<(string Id, string Data)> rows, long at, CancellationToken ct)
    {
        await using var upsert = connection.CreateCommand();
        upsert.Transaction = transaction;
        upsert.CommandText = $"INSERT INTO {table} (id, data, updated_at) VALUES ($id, $data, $at) ON CONFLICT (id) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at;";
        var id = upsert.Parameters.Add("$id", SqliteType.Text);
        var data = upsert.Parameters.Add("$data", SqliteType.Text);
        upsert.Parameters.AddWithValue("$at", at);
        foreach (var (rowId, rowData) in rows)
        {
            id.Value = rowId;
            data.Value = rowData;
            await upsert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
    }

    private static async Task DeleteAsync(SqliteConnection connection, SqliteTransaction transaction, string table, IReadOnlyList<string> ids, CancellationToken ct)
    {
        if (ids.Count == 0)
        {
            return;
        }

        await using var delete = connection.CreateCommand();
        delete.Transaction = transaction;
        delete.CommandText = $"DELETE FROM {table} WHERE id = $id;";
        var id = delete.Parameters.Add("$id", SqliteType.Text);
        foreach (string each in ids)
        {
            id.Value = each;
            await delete.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
    }
}
