using Bulwark.Deliveries;

namespace Bulwark.Storage.Sqlite.Tests.Infrastructure;

/// <summary>Compares delivery entries field by field, bodies and headers by content (records compare memory by reference).</summary>
internal sealed class EntryComparer : IEqualityComparer<DeliveryEntry?>
{
    public static EntryComparer Instance { get; } = new();

    public static string Describe(DeliveryEntry e) => string.Join(
        " | ",
        e.Id,
        e.Queue,
        e.IdempotencyKey,
        e.OrderingKey ?? "<null>",
        e.Envelope.Method ?? "<null>",
        e.Envelope.Target ?? "<null>",
        string.Join(";", e.Envelope.Headers.Select(h => $"{h.Key}={h.Value}")),
        e.Envelope.ContentType ?? "<null>",
        Convert.ToHexString(e.Envelope.Body.Span),
        e.State,
        e.Attempts,
        e.MaxAttempts,
        e.CreatedAt.ToUnixTimeMilliseconds(),
        e.ExpiresAt.ToUnixTimeMilliseconds(),
        e.NextAttemptAt.ToUnixTimeMilliseconds(),
        e.LeaseOwner ?? "<null>",
        e.LeaseExpiresAt?.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "<null>",
        e.LastError ?? "<null>",
        e.Response is { } r ? $"{r.Status} {r.ContentType} {Convert.ToHexString(r.Body.Span)}" : "<null>",
        e.CompletedAt?.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "<null>",
        e.Notified);

    public bool Equals(DeliveryEntry? x, DeliveryEntry? y) =>
        x is null || y is null ? ReferenceEquals(x, y) : Describe(x) == Describe(y);

    public int GetHashCode(DeliveryEntry? obj) => obj is null ? 0 : Describe(obj).GetHashCode(StringComparison.Ordinal);
}
