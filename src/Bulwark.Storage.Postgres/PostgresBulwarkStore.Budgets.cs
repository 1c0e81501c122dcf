using Bulwark.Storage.Budgets;
using Npgsql;

namespace Bulwark.Storage.Postgres;

/// <summary>
/// Budgets: leases of requests in flight (each written with the store instance that holds it), the spend the ledger holds,
/// and budgets made by the admin API.
/// </summary>
public sealed partial class PostgresBulwarkStore
{
    private const string LeaseColumns = "id, at, client_key_id, user_name, team, tier, route, model, tokens, cost_nanos";

    /// <inheritdoc/>
    public Task AddBudgetLeasesAsync(IReadOnlyList<BudgetLease> leases, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(leases);
        if (leases.Count == 0)
        {
            return Task.CompletedTask;
        }

        return RunAsync("store budget leases", async (connection, ct) =>
        {
            _holder.EnsureHeld();
            await using var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using var insert = new NpgsqlCommand(
                $"INSERT INTO budget_leases (holder, holder_lock, {LeaseColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12);",
                connection,
                transaction);
            foreach (var lease in leases)
            {
                insert.Parameters.Clear();
                Add(insert, _holder.Holder, _holder.Number, lease.Id, lease.Time.ToUnixTimeMilliseconds());
                insert.Parameters.Add(Text(lease.ClientKeyId));
                insert.Parameters.Add(Text(lease.User));
                insert.Parameters.Add(Text(lease.Team));
                insert.Parameters.Add(Text(lease.Tier));
                Add(insert, lease.Route);
                insert.Parameters.Add(Text(lease.Model));
                Add(insert, lease.Tokens);
                insert.Parameters.Add(Bigint(lease.Cost is { } c ? Nanos(c) : null));
                await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            await transaction.CommitAsync(ct).ConfigureAwait(false);
            return 0;
        }, cancellationToken);
    }

    /// <inheritdoc/>
    public Task ReleaseBudgetLeasesAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        return ids.Count == 0
            ? Task.CompletedTask
            : NonQueryAsync("release budget leases", "DELETE FROM budget_leases WHERE id = ANY($1);", [ids.ToArray()], cancellationToken);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// A lease was left behind when the advisory lock of the instance that wrote it is free (that instance's session
    /// ended), or when it carries this instance's lock number but another instance's id (an earlier holder of the number).
    /// The leases are deleted and charged in one statement, so two instances recovering at once charge each lease once.
    /// </remarks>
    public Task<IReadOnlyList<BudgetLease>> RecoverBudgetLeasesAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyList<BudgetLease>>("recover budget leases", async (connection, ct) =>
        {
            await using var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            var holders = new List<(string Holder, int Lock)>();
            await using (var read = new NpgsqlCommand("SELECT DISTINCT holder, holder_lock FROM budget_leases WHERE holder <> $1;", connection, transaction))
            {
                Add(read, _holder.Holder);
                await using var reader = await read.ExecuteReaderAsync(ct).ConfigureAwait(false);
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    holders.Add((reader.GetString(0), reader.GetInt32(1)));
                }
            }

            var gone = new List<string>();
            foreach (var (holder, number) in holders)
            {
                if (number == _holder.Number || await HolderLock.IsFreeAsync(connection, number, ct).ConfigureAwait(false))
                {
                    gone.Add(holder);
                }
            }

            var leases = new List<BudgetLease>();
            if (gone.Count > 0)
            {
                await using var move = new NpgsqlCommand(
                    $"""
                    WITH moved AS (DELETE FROM budget_leases WHERE holder = ANY($2) RETURNING {LeaseColumns}),
                         charged AS (
                             INSERT INTO usage_ledger (at, client_key_id, user_name, budget_user, team, tier, route, request_model, model, charged_tokens, charged_cost_nanos, status, interrupted)
                             SELECT $1, client_key_id, user_name, user_name, team, tier, route, model, model, tokens, cost_nanos, 0, true FROM moved)
                    SELECT {LeaseColumns} FROM moved ORDER BY at;
                    """,
                    connection,
                    transaction);
                Add(move, now.ToUnixTimeMilliseconds(), gone.ToArray());
                await using var reader = await move.ExecuteReaderAsync(ct).ConfigureAwait(false);
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

            await transaction.CommitAsync(ct).ConfigureAwait(false);
            return leases;
        }, cancellationToken);

    /// <inheritdoc/>
    public Task<IReadOnlyList<BudgetSpend>> SumBudgetSpendAsync(DateTimeOffset from, DateTimeOffset to, TimeSpan bucket, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bucket, TimeSpan.FromSeconds(1));
        long width = (long)bucket.TotalMilliseconds;
        return RunAsync<IReadOnlyList<BudgetSpend>>("read budget spend", async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand(
                """
                SELECT client_key_id, budget_user, team, tier, request_model, (at - $1) / $3,
                       COALESCE(SUM(COALESCE(charged_tokens, COALESCE(input_tokens, 0) + COALESCE(output_tokens, 0))), 0)::bigint,
                       COALESCE(SUM(COALESCE(charged_cost_nanos, cost_nanos, 0)), 0)::bigint
                FROM usage_ledger WHERE at >= $1 AND at < $2
                GROUP BY 1, 2, 3, 4, 5, 6;
                """,
                connection);
            Add(command, from.ToUnixTimeMilliseconds(), to.ToUnixTimeMilliseconds(), width);
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

    /// <inheritdoc/>
    public Task SaveBudgetAsync(StoredBudget budget, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(budget);
        return NonQueryAsync(
            "store a budget",
            """
            INSERT INTO budgets (name, definition, updated_at) VALUES ($1, $2, $3)
            ON CONFLICT ((lower(name))) DO UPDATE SET definition = excluded.definition, updated_at = excluded.updated_at;
            """,
            [budget.Name, budget.Definition, budget.Updated.ToUnixTimeMilliseconds()],
            cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<bool> DeleteBudgetAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        return await NonQueryAsync("delete a budget", "DELETE FROM budgets WHERE lower(name) = lower($1);", [name], cancellationToken).ConfigureAwait(false) > 0;
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<StoredBudget>> ListBudgetsAsync(CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyList<StoredBudget>>("read budgets", static async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand("SELECT name, definition, updated_at FROM budgets ORDER BY lower(name) COLLATE \"C\";", connection);
            var budgets = new List<StoredBudget>();
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                budgets.Add(new StoredBudget(reader.GetString(0), reader.GetString(1), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2))));
            }

            return budgets;
        }, cancellationToken);
}
