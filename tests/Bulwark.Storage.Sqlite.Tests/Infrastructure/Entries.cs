using Bulwark.Deliveries;

namespace Bulwark.Storage.Sqlite.Tests.Infrastructure;

/// <summary>Delivery entries for store tests. Times are whole milliseconds: the SQLite store keeps millisecond precision.</summary>
internal static class Entries
{
    public static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public static DeliveryEntry New(
        string key,
        string queue = "payments",
        string? orderingKey = null,
        DateTimeOffset? createdAt = null,
        DateTimeOffset? nextAttemptAt = null,
        DeliveryEnvelope? envelope = null,
        int maxAttempts = 5,
        TimeSpan? timeToLive = null)
    {
        var created = createdAt ?? T0;
        return new DeliveryEntry
        {
            Id = DeliveryIds.Create(),
            Queue = queue,
            IdempotencyKey = key,
            OrderingKey = orderingKey,
            Envelope = envelope ?? DeliveryEnvelope.ForPayload("{\"amount\":42}"u8.ToArray(), "application/json"),
            State = DeliveryState.Pending,
            MaxAttempts = maxAttempts,
            CreatedAt = created,
            ExpiresAt = created + (timeToLive ?? TimeSpan.FromHours(1)),
            NextAttemptAt = nextAttemptAt ?? created,
        };
    }

    public static DeliveryResponse Response(int status = 200, string body = "{\"ok\":true}") =>
        new(status, "application/json", System.Text.Encoding.UTF8.GetBytes(body));
}
