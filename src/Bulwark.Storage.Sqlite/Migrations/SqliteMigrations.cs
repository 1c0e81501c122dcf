namespace Bulwark.Storage.Sqlite.Migrations;

/// <summary>
/// The schema, as numbered migrations applied in order at start-up, each in one transaction with the version bump
/// (<c>PRAGMA user_version</c>). Never edit a published migration: add the next one.
/// </summary>
internal static class SqliteMigrations
{
    public static IReadOnlyList<string> All { get; } =
    [
        // 1: breaker snapshots and the deferred-delivery queue.
        """
        CREATE TABLE breaker_state (
            key                     TEXT    NOT NULL PRIMARY KEY COLLATE NOCASE,
            state                   INTEGER NOT NULL,
            open_until              INTEGER NULL,
            trip_count              INTEGER NOT NULL,
            baseline_failure_rate   REAL    NOT NULL,
            baseline_weight         REAL    NOT NULL,
            last_transition_at      INTEGER NULL,
            last_transition_reason  INTEGER NOT NULL,
            taken_at                INTEGER NOT NULL
        );

        CREATE TABLE deliveries (
            seq                     INTEGER PRIMARY KEY AUTOINCREMENT,
            id                      TEXT    NOT NULL UNIQUE,
            queue                   TEXT    NOT NULL,
            idempotency_key         TEXT    NOT NULL,
            ordering_key            TEXT    NULL,
            method                  TEXT    NULL,
            target                  TEXT    NULL,
            headers                 TEXT    NOT NULL,
            content_type            TEXT    NULL,
            body                    BLOB    NOT NULL,
            state                   INTEGER NOT NULL,
            attempts                INTEGER NOT NULL,
            max_attempts            INTEGER NOT NULL,
            created_at              INTEGER NOT NULL,
            expires_at              INTEGER NOT NULL,
            next_attempt_at         INTEGER NOT NULL,
            lease_owner             TEXT    NULL,
            lease_expires_at        INTEGER NULL,
            last_error              TEXT    NULL,
            response_status         INTEGER NULL,
            response_content_type   TEXT    NULL,
            response_body           BLOB    NULL,
            completed_at            INTEGER NULL,
            notified                INTEGER NOT NULL DEFAULT 0,
            UNIQUE (queue, idempotency_key)
        );

        CREATE INDEX deliveries_due ON deliveries (state, next_attempt_at);
        CREATE INDEX deliveries_ordering ON deliveries (queue, ordering_key, seq) WHERE ordering_key IS NOT NULL;
        """,

        // 2: the request fingerprint (a key reused for another request is told from a repeat) and truncated responses.
        """
        ALTER TABLE deliveries ADD COLUMN fingerprint TEXT NULL;
        ALTER TABLE deliveries ADD COLUMN response_truncated INTEGER NOT NULL DEFAULT 0;
        """,

        // 3: the usage ledger, one row per completed AI request; cost in billionths (summed exactly).
        """
        CREATE TABLE usage_ledger (
            seq                     INTEGER PRIMARY KEY AUTOINCREMENT,
            at                      INTEGER NOT NULL,
            client_key_hash         TEXT    NULL,
            user                    TEXT    NULL,
            route                   TEXT    NOT NULL,
            provider                TEXT    NULL,
            model                   TEXT    NULL,
            input_tokens            INTEGER NULL,
            cached_input_tokens     INTEGER NULL,
            output_tokens           INTEGER NULL,
            cost_nanos              INTEGER NULL,
            status                  INTEGER NOT NULL
        );

        CREATE INDEX usage_ledger_at ON usage_ledger (at);
        """,

        // 4: client keys issued by the admin API (only the key's SHA-256 is kept), and the key id on ledger rows.
        """
        CREATE TABLE client_keys (
            id                      TEXT    NOT NULL PRIMARY KEY,
            hash                    TEXT    NOT NULL UNIQUE,
            prefix                  TEXT    NOT NULL,
            name                    TEXT    NULL,
            owner                   TEXT    NOT NULL,
            team                    TEXT    NOT NULL,
            tier                    TEXT    NOT NULL,
            created_at              INTEGER NOT NULL,
            expires_at              INTEGER NULL,
            revoked_at              INTEGER NULL
        );

        ALTER TABLE usage_ledger ADD COLUMN client_key_id TEXT NULL;
        """,

        // 5: budgets. A lease per budgeted request in flight (charged in full if the process dies before it settles);
        // on ledger rows, who the request was counted for and what its budgets were charged; budgets made by the admin API.
        """
        CREATE TABLE budget_leases (
            id                      TEXT    NOT NULL PRIMARY KEY,
            at                      INTEGER NOT NULL,
            client_key_id           TEXT    NULL,
            user                    TEXT    NULL,
            team                    TEXT    NULL,
            tier                    TEXT    NULL,
            route                   TEXT    NOT NULL,
            model                   TEXT    NULL,
            tokens                  INTEGER NOT NULL,
            cost_nanos              INTEGER NULL
        );

        CREATE TABLE budgets (
            name                    TEXT    NOT NULL PRIMARY KEY COLLATE NOCASE,
            definition              TEXT    NOT NULL,
            updated_at              INTEGER NOT NULL
        );

        ALTER TABLE usage_ledger ADD COLUMN request_model TEXT NULL;
        ALTER TABLE usage_ledger ADD COLUMN budget_user TEXT NULL;
        ALTER TABLE usage_ledger ADD COLUMN team TEXT NULL;
        ALTER TABLE usage_ledger ADD COLUMN tier TEXT NULL;
        ALTER TABLE usage_ledger ADD COLUMN charged_tokens INTEGER NULL;
        ALTER TABLE usage_ledger ADD COLUMN charged_cost_nanos INTEGER NULL;
        ALTER TABLE usage_ledger ADD COLUMN interrupted INTEGER NOT NULL DEFAULT 0;
        """,

        // 6: alerts (each as the gateway's JSON), silences, and the notifications made for them: each stored before it
        // is enqueued, so one the process stopped between storing and enqueueing is enqueued at the next start.
        """
        CREATE TABLE alerts (
            id                      TEXT    NOT NULL PRIMARY KEY,
            data                    TEXT    NOT NULL,
            updated_at              INTEGER NOT NULL
        );

        CREATE TABLE alert_silences (
            id                      TEXT    NOT NULL PRIMARY KEY,
            data                    TEXT    NOT NULL,
            updated_at              INTEGER NOT NULL
        );

        CREATE TABLE alert_notifications (
            id                      TEXT    NOT NULL PRIMARY KEY,
            queue                   TEXT    NOT NULL,
            payload                 TEXT    NOT NULL,
            created_at              INTEGER NOT NULL,
            enqueued_at             INTEGER NULL
        );

        CREATE INDEX alert_notifications_pending ON alert_notifications (enqueued_at, created_at);
        """,
    ];
}
