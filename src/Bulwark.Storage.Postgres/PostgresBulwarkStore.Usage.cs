using Bulwark.Storage.Usage;
using Npgsql;

namespace Bulwark.Storage.Postgres;

/// <summary>The usage ledger: appended by every instance at once (rows only ever added), summed over all of them.</summary>
public sealed partial class PostgresBulwarkStore
{
    private const decimal NanosPerUnit = 1_000_000_000m;

    /// <inheritdoc/>
    public Task AppendUsageAsync(IReadOnlyList<UsageLedgerRow> rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0)
        {
            return Task.CompletedTask;
        }

        return RunAsync("append to the usage ledger", async (connection, ct) =>
        {
            await using var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await using var insert = new NpgsqlCommand(
                """
                INSERT INTO usage_ledger (at, client_key_hash, client_key_id, user_name, route, provider, model, input_tokens, cached_input_tokens, output_tokens, cost_nanos, status,
                                          request_model, budget_user, team, tier, charged_tokens, charged_cost_nanos, interrupted)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19);
                """,
                connection,
                transaction);
            await using var settle = new NpgsqlCommand("DELETE FROM budget_leases WHERE id = $1;", connection, transaction);
            foreach (var row in rows)
            {
                insert.Parameters.Clear();
                insert.Parameters.Add(new NpgsqlParameter { Value = row.Time.ToUnixTimeMilliseconds() });
                insert.Parameters.Add(Text(row.ClientKeyHash));
                insert.Parameters.Add(Text(row.ClientKeyId));
                insert.Parameters.Add(Text(row.User));
                insert.Parameters.Add(new NpgsqlParameter { Value = row.Route });
                insert.Parameters.Add(Text(row.Provider));
                insert.Parameters.Add(Text(row.Model));
                insert.Parameters.Add(Bigint(row.InputTokens));
                insert.Parameters.Add(Bigint(row.CachedInputTokens));
                insert.Parameters.Add(Bigint(row.OutputTokens));
                insert.Parameters.Add(Bigint(row.Cost is { } c ? Nanos(c) : null));
                insert.Parameters.Add(new NpgsqlParameter { Value = row.Status });
                insert.Parameters.Add(Text(row.RequestModel));
                insert.Parameters.Add(Text(row.BudgetUser));
                insert.Parameters.Add(Text(row.Team));
                insert.Parameters.Add(Text(row.Tier));
                insert.Parameters.Add(Bigint(row.ChargedTokens));
                insert.Parameters.Add(Bigint(row.ChargedCost is { } charged ? Nanos(charged) : null));
                insert.Parameters.Add(new NpgsqlParameter { Value = row.Interrupted });
                await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                if (row.LeaseId is { } id)
                {
                    settle.Parameters.Clear();
                    settle.Parameters.Add(new NpgsqlParameter { Value = id });
                    await settle.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }
            }

            await transaction.CommitAsync(ct).ConfigureAwait(false);
            return 0;
        }, cancellationToken);
    }

    /// <inheritdoc/>
    /// <remarks>Rows another instance is pruning at the same moment are skipped (<c>SKIP LOCKED</c>), so instances prune side by side.</remarks>
    public Task<int> PruneUsageAsync(DateTimeOffset before, int maxRows, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRows, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxRows, 1_000_000);
        return NonQueryAsync(
            "prune the usage ledger",
            "DELETE FROM usage_ledger WHERE seq IN (SELECT seq FROM usage_ledger WHERE at < $1 ORDER BY at LIMIT $2 FOR UPDATE SKIP LOCKED);",
            [before.ToUnixTimeMilliseconds(), maxRows],
            cancellationToken);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<UsageLedgerTotal>> QueryUsageAsync(DateTimeOffset from, DateTimeOffset to, UsageLedgerGrouping groupBy, CancellationToken cancellationToken)
    {
        string column = groupBy switch
        {
            UsageLedgerGrouping.Client => "COALESCE(client_key_id, client_key_hash)",
            UsageLedgerGrouping.User => "user_name",
            UsageLedgerGrouping.Provider => "provider",
            UsageLedgerGrouping.Model => "model",
            UsageLedgerGrouping.Route => "route",
            _ => throw new ArgumentOutOfRangeException(nameof(groupBy), groupBy, null),
        };
        return RunAsync<IReadOnlyList<UsageLedgerTotal>>("read the usage ledger", async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand(
                $"""
                SELECT {column}, COUNT(*), COALESCE(SUM(input_tokens), 0)::bigint, COALESCE(SUM(cached_input_tokens), 0)::bigint, COALESCE(SUM(output_tokens), 0)::bigint,
                       COALESCE(SUM(cost_nanos), 0)::bigint, COUNT(*) FILTER (WHERE cost_nanos IS NULL)
                FROM usage_ledger WHERE at >= $1 AND at < $2 GROUP BY {column} ORDER BY 6 DESC, 2 DESC;
                """,
                connection);
            Add(command, from.ToUnixTimeMilliseconds(), to.ToUnixTimeMilliseconds());
            var totals = new List<UsageLedgerTotal>();
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                totals.Add(new UsageLedgerTotal(
                    NullableString(reader, 0),
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

    private static long Nanos(decimal amount) => (long)decimal.Round(amount * NanosPerUnit, MidpointRounding.AwayFromZero);
}
