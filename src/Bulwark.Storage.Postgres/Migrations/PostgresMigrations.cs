namespace Bulwark.Storage.Postgres.Migrations;

/// <summary>
/// The schema, as numbered migrations applied in order when a store opens, each in one transaction with its version row
/// and under an advisory lock, so that instances starting together migrate once. Times are Unix milliseconds
/// (<c>bigint</c>), as in the SQLite store, so both stores round the same way. Never edit a published migration: add the next one.
/// </summary>
internal static class PostgresMigrations
{
    /// <summary>The advisory lock key taken while migrating ("BULWARK" in ASCII, as a number).</summary>
    public const long LockKey = 0x42554C5741524B;

    /// <summary>
    /// The first half of the two-part advisory lock each open store holds for its lifetime ("BWKL"); the second half is
    /// the store's lock number, written on its budget leases. The two-part key space is apart from <see cref="LockKey"/>'s.
    /// </summary>
    public const int HolderLockClass = 0x42574B4C;

    public static IReadOnlyList<string> All { get; } =
    [
        // 1: breaker snapshots and the deferred-delivery queue (the SQLite store's migrations 1 and 2).
        """
        CREATE TABLE breaker_state (
            key                     text             NOT NULL,
            state                   integer          NOT NULL,
            open_until              bigint           NULL,
            trip_count              integer          NOT NULL,
            baseline_failure_rate   double precision NOT NULL,
            baseline_weight         double precision NOT NULL,
            last_transition_at      bigint           NULL,
            last_transition_reason  integer          NOT NULL,
            taken_at                bigint           NOT NULL
        );

        CREATE UNIQUE INDEX breaker_state_key ON breaker_state (lower(key));

        CREATE TABLE deliveries (
            seq                     bigint  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            id                      text    NOT NULL UNIQUE,
            queue                   text    NOT NULL,
            idempotency_key         text    NOT NULL,
            ordering_key            text    NULL,
            fingerprint             text    NULL,
            method                  text    NULL,
            target                  text    NULL,
            headers                 text    NOT NULL,
            content_type            text    NULL,
            body                    bytea   NOT NULL,
            state                   integer NOT NULL,
            attempts                integer NOT NULL,
            max_attempts            integer NOT NULL,
            created_at              bigint  NOT NULL,
            expires_at              bigint  NOT NULL,
            next_attempt_at         bigint  NOT NULL,
            lease_owner             text    NULL,
            lease_expires_at        bigint  NULL,
            last_error              text    NULL,
            response_status         integer NULL,
            response_content_type   text    NULL,
            response_body           bytea   NULL,
            response_truncated      boolean NOT NULL DEFAULT false,
            completed_at            bigint  NULL,
            notified                boolean NOT NULL DEFAULT false,
            UNIQUE (queue, idempotency_key)
        );

        CREATE INDEX deliveries_due ON deliveries (state, next_attempt_at);
        CREATE INDEX deliveries_ordering ON deliveries (queue, ordering_key, seq) WHERE ordering_key IS NOT NULL;
        """,

        // 2: the gateway's own data (the SQLite store's migrations 3 to 6): the usage ledger (cost in billionths, summed
        // exactly), client keys (only the key's SHA-256), budget leases with the store instance that holds them (its
        // advisory lock says whether it still runs), budgets made by the admin API (names unique case-insensitively),
        // alerts, silences and the notifications made for them.
        """
        CREATE TABLE usage_ledger (
            seq                     bigint  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            at                      bigint  NOT NULL,
            client_key_hash         text    NULL,
            client_key_id           text    NULL,
            user_name               text    NULL,
            route                   text    NOT NULL,
            provider                text    NULL,
            model                   text    NULL,
            input_tokens            bigint  NULL,
            cached_input_tokens     bigint  NULL,
            output_tokens           bigint  NULL,
            cost_nanos              bigint  NULL,
            status                  integer NOT NULL,
            request_model           text    NULL,
            budget_user             text    NULL,
            team                    text    NULL,
            tier                    text    NULL,
            charged_tokens          bigint  NULL,
            charged_cost_nanos      bigint  NULL,
            interrupted             boolean NOT NULL DEFAULT false
        );

        CREATE INDEX usage_ledger_at ON usage_ledger (at);

        CREATE TABLE client_keys (
            id                      text    NOT NULL PRIMARY KEY,
            hash                    text    NOT NULL UNIQUE,
            prefix                  text    NOT NULL,
            name                    text    NULL,
            owner                   text    NOT NULL,
            team                    text    NOT NULL,
            tier                    text    NOT NULL,
            created_at              bigint  NOT NULL,
            expires_at              bigint  NULL,
            revoked_at              bigint  NULL
        );

        CREATE TABLE budget_leases (
            id                      text    NOT NULL PRIMARY KEY,
            holder                  text    NOT NULL,
            holder_lock             integer NOT NULL,
            at                      bigint  NOT NULL,
            client_key_id           text    NULL,
            user_name               text    NULL,
            team                    text    NULL,
            tier                    text    NULL,
            route                   text    NOT NULL,
            model                   text    NULL,
            tokens                  bigint  NOT NULL,
            cost_nanos              bigint  NULL
        );

        CREATE INDEX budget_leases_holder ON budget_leases (holder);

        CREATE TABLE budgets (
            name                    text    NOT NULL,
            definition              text    NOT NULL,
            updated_at              bigint  NOT NULL
        );

        CREATE UNIQUE INDEX budgets_name ON budgets (lower(name));

        CREATE TABLE alerts (
            id                      text    NOT NULL PRIMARY KEY,
            data                    text    NOT NULL,
            updated_at              bigint  NOT NULL
        );

        CREATE TABLE alert_silences (
            id                      text    NOT NULL PRIMARY KEY,
            data                    text    NOT NULL,
            updated_at              bigint  NOT NULL
        );

        CREATE TABLE alert_notifications (
            id                      text    NOT NULL PRIMARY KEY,
            queue                   text    NOT NULL,
            payload                 text    NOT NULL,
            created_at              bigint  NOT NULL,
            enqueued_at             bigint  NULL
        );

        CREATE INDEX alert_notifications_pending ON alert_notifications (enqueued_at, created_at);
        """,
    ];
}
