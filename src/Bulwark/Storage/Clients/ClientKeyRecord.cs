namespace Bulwark.Storage.Clients;

/// <summary>A client key issued by the gateway, as stored: never the key itself, only its hash.</summary>
/// <param name="Id">The key's id, unique; what the admin API revokes and the usage ledger records.</param>
/// <param name="Hash">The SHA-256 of the key's UTF-8 bytes, 64 upper-case hexadecimal characters; unique.</param>
/// <param name="Prefix">The key's first characters, shown to tell keys apart (not enough to use it).</param>
/// <param name="Name">A label the operator gave it, or <see langword="null"/>.</param>
/// <param name="Owner">The user the key belongs to.</param>
/// <param name="Team">The owner's team.</param>
/// <param name="Tier">The key's tier (for example <c>free</c> or <c>pro</c>).</param>
/// <param name="Created">When it was issued.</param>
/// <param name="Expires">When it stops being accepted, or <see langword="null"/> for never.</param>
/// <param name="Revoked">When it was revoked, or <see langword="null"/> while it is not.</param>
public sealed record ClientKeyRecord(
    string Id,
    string Hash,
    string Prefix,
    string? Name,
    string Owner,
    string Team,
    string Tier,
    DateTimeOffset Created,
    DateTimeOffset? Expires,
    DateTimeOffset? Revoked);
