using Bulwark.Storage.Budgets;
using Microsoft.Data.Sqlite;

namespace Bulwark.Storage.Sqlite;

/// <summary>Budgets: leases of requests in flight, the spend the ledger holds, and budgets made by the admin API.</summary>
public sealed partial class SqliteBulwarkStore
{
    /// <summary>Stores the leases of budgeted requests about to be sent, in one transaction.</summary>
    /// <param name="leases">The leases; each id must be new.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the leases are stored (durable against the process stopping).</returns>
    /// <exception cref="StoreUnavailableException">The store cannot be written.</exception>
    public Task AddBudgetLeasesAsync(IReadOnlyList<BudgetLease> leases, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(leases);
        if (leases.Count == 0)
        {
            return Task.CompletedTask;
        }

        return RunAsync("store budget leases", async (connection, ct) =>
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = """
                INSERT INTO budget_leases (id, at, client_key_id, user, team, tier, route, model, tokens, cost_nanos)
                VALUES ($id, $at, $keyId, $user, $team, $tier, $route, $model, $tokens, $cost);
                """;
            var id = insert.Parameters.Add("$id", SqliteType.Text);
            var at = insert.Parameters.Add("$at", SqliteType.Integer);
            var keyId = insert.Parameters.Add("$keyId", SqliteType.Text);
            var user = insert.Parameters.Add("$user", SqliteType.Text);
            var team = insert.Parameters.Add("$team", SqliteType.Text);
            var tier = insert.Parameters.Add("$tier", SqliteType.Text);
            var route = insert.Parameters.Add("$route", SqliteType.Text);
            var model = insert.Parameters.Add("$model", SqliteType.Text);
            var tokens = insert.Parameters.Add("$tokens", SqliteType.Integer);
            var cost = insert.Parameters.Add("$cost", SqliteType.Integer);
            foreach (var lease in leases)
            {
                id.Value = lease.Id;
                at.Value = lease.Time.ToUnixTimeMilliseconds();
                keyId.Value = (object?)lease.ClientKeyId ?? DBNull.Value;
                user.Value = (object?)lease.User ?? DBNull.Value;
                team.Value = (object?)lease.Team ?? DBNull.Value;
                tier.Value = (object?)lease.Tier ?? DBNull.Value;
                route.Value = lease.Route;
                model.Value = (object?)lease.Model ?? DBNull.Value;
                tokens.Value = lease.Tokens;
                cost.Value = lease.Cost is { } c ? Nanos(c) : DBNull.Value;
                await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            await transaction.CommitAsync(ct).ConfigureAwait(false);
            return 0;
        }, cancellationToken);
    }

    /// <summary>Deletes leases whose requests ended without a ledger row (refused, failed, deferred): nothing is charged for them.</summary>
    /// <param name="ids">The leases' ids.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the leases are gone.</returns>
    /// <exception cref="StoreUnavailableException">The store cannot be written.</exception>
    public Task ReleaseBudgetLeasesAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count == 0)
        {
            return Task.CompletedTask;
        }

        return RunAsync("release budget leases", async (connection, ct) =>
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using var delete = connection.CreateCommand();
            delete.Transaction = transaction;
            delete.CommandText = "DELETE FROM budget_leases WHERE id = $id;";
            var id = delete.Parameters.Add("$id", SqliteType.Text);
            foreach (string each in ids)
            {
                id.Value = each;
                await delete.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            await transaction.CommitAsync(ct).ConfigureAwait(false);
            return 0;
        }, cancellationToken);
    }

    /// <summary>
    /// Turns every lease left in the store into a ledger row charged in full (its request was in flight when the process
    /// that held it stopped, so the provider may have served it), in one transaction. For one process at its start: the
    /// file serves one gateway, so every lease in it is one left behind (several gateways share the PostgreSQL store,
    /// which tells its instances' leases apart).
    /// </summary>
    /// <param name="now">When the rows are recorded.</param>
    /// <param name="cancellationToken">Cancels the recovery.</param>
    /// <returns>The leases recovered.</returns>
    /// <exception cref="StoreUnavailableException">The store cannot be written.</exception>
    public Task<IReadOnlyList<BudgetLease>> RecoverBudgetLeasesAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyList<BudgetLease>>("recover budget leases", async (connection, ct) =>
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            var leases = new List<BudgetLease>();
            await using (var read = connection.CreateCommand())
            {
                read.Transaction = transaction;
                read.CommandText = "SELECT id, at, client_key_id, user, team, tier, route, model, tokens, cost_nanos FROM budget_leases ORDER BY at;";
                await using var reader = await read.ExecuteReaderAsync(ct).ConfigureAwait(false);
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    leases.Add(new BudgetLease(
                        reader.GetString(0),
                        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)),
                        NullableString(reader, 2),
                        NullableString(reader, 3),
                        NullableString(reader, 4),
                        NullableString(reader, 5),
                        reader.GetString(6),
                        NullableString(reader, 7),
                        reader.GetInt64(8),
                        reader.IsDBNull(9) ? null : reader.GetInt64(9) / NanosPerUnit));
                }
            }

            await using (var move = connection.CreateCommand())
            {
                move.Transaction = transaction;
                move.CommandText = """
                    INSERT INTO usage_ledger (at, client_key_id, user, budget_user, team, tier, route, request_model, model, charged_tokens, charged_cost_nanos, status, interrupted)
                    SELECT $now, client_key_id, user, user, team, tier, route, model, model, tokens, cost_nanos, 0, 1 FROM budget_leases;
                    DELETE FROM budget_leases;
                    """;
                move.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
                await move.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            await transaction.CommitAsync(ct).ConfigureAwait(false);
            return leases;
        }, cancellationToken);

    /// <summary>
    /// Sums what the usage ledger's rows completed in [<paramref name="from"/>, <paramref name="to"/>) charged their
    /// budgets, by client (as budgets count it: the identified user, never one a request named itself), model and time
    /// bucket: what a budget's counters are rebuilt from.
    /// </summary>
    /// <param name="from">The start of the range (included).</param>
    /// <param name="to">The end of the range (excluded).</param>
    /// <param name="bucket">The width of a time bucket, from <paramref name="from"/>; 1 second or more.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>One sum per client, model and bucket with any row.</returns>
    /// <exception cref="StoreUnavailableException">The store cannot be read.</exception>
    public Task<IReadOnlyList<BudgetSpend>> SumBudgetSpendAsync(DateTimeOffset from, DateTimeOffset to, TimeSpan bucket, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bucket, TimeSpan.FromSeconds(1));
        long width = (long)bucket.TotalMilliseconds;
        return RunAsync<IReadOnlyList<BudgetSpend>>("read budget spend", async (connection, ct) =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = """
                SELECT client_key_id, budget_user, team, tier, request_model, (at - $from) / $width,
                       COALESCE(SUM(COALESCE(charged_tokens, COALESCE(input_tokens, 0) + COALESCE(output_tokens, 0))), 0),
                       COALESCE(SUM(COALESCE(charged_cost_nanos, cost_nanos, 0)), 0)
                FROM usage_ledger WHERE at >= $from AND at < $to
                GROUP BY 1, 2, 3, 4, 5, 6;
                """;
            command.Parameters.AddWithValue("$from", from.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("$to", to.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("$width", width);
            var sums = new List<BudgetSpend>();
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                sums.Add(new BudgetSpend(
                    NullableString(reader, 0),
                    NullableString(reader, 1),
                    NullableString(reader, 2),
                    NullableString(reader, 3),
                    NullableString(reader, 4),
                    from + TimeSpan.FromMilliseconds(reader.GetInt64(5) * width),
                    reader.GetInt64(6),
                    reader.GetInt64(7) / NanosPerUnit));
            }

            return sums;
        }, cancellationToken);
    }

    /// <summary>Stores a budget made through the admin API, replacing one of the same name.</summary>
    /// <param name="budget">The budget.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when it is stored.</returns>
    /// <exception cref="StoreUnavailableException">The store cannot be written.</exception>
    public Task SaveBudgetAsync(StoredBudget budget, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(budget);
        return RunAsync("store a budget", async (connection, ct) =>
        {
            await using var upsert = connection.CreateCommand();
            upsert.CommandText = """
                INSERT INTO budgets (name, definition, updated_at) VALUES ($name, $definition, $at)
                ON CONFLICT (name) DO UPDATE SET definition = excluded.definition, updated_at = excluded.updated_at;
                """;
            upsert.Parameters.AddWithValue("$name", budget.Name);
            upsert.Parameters.AddWithValue("$definition", budget.Definition);
            upsert.Parameters.AddWithValue("$at", budget.Updated.ToUnixTimeMilliseconds());
            return await upsert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <summary>Deletes a budget made through the admin API.</summary>
    /// <param name="name">The budget's name.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns><see langword="true"/> when it existed.</returns>
    /// <exception cref="StoreUnavailableException">The store cannot be written.</exception>
    public Task<bool> DeleteBudgetAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        return RunAsync("delete a budget", async (connection, ct) =>
        {
            await using var delete = connection.CreateCommand();
            delete.CommandText = "DELETE FROM budgets WHERE name = $name;";
            delete.Parameters.AddWithValue("$name", name);
            return await delete.ExecuteNonQueryAsync(ct).ConfigureAwait(false) > 0;
        }, cancellationToken);
    }

    /// <summary>Lists the budgets made through the admin API, by name.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The budgets.</returns>
    /// <exception cref="StoreUnavailableException">The store cannot be read.</exception>
    public Task<IReadOnlyList<StoredBudget>> ListBudgetsAsync(CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyList<StoredBudget>>("read budgets", async (connection, ct) =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT name, definition, updated_at FROM budgets ORDER BY name;";
            var budgets = new List<StoredBudget>();
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                budgets.Add(new StoredBudget(reader.GetString(0), reader.GetString(1), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2))));
            }

            return budgets;
        }, cancellationToken);

    private static string? NullableString(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
