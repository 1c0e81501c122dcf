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
    ];
}
