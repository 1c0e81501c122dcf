using System.Security.Cryptography;

namespace Bulwark.Deliveries;

/// <summary>Delivery ids: 128 random bits as 32 lowercase hexadecimal characters, so that knowing one id tells nothing of another.</summary>
public static class DeliveryIds
{
    /// <summary>Creates a new id.</summary>
    /// <returns>The id.</returns>
    public static string Create() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>Tells whether <paramref name="value"/> has the shape of an id (32 lowercase hexadecimal characters).</summary>
    /// <param name="value">The value.</param>
    /// <returns><see langword="true"/> when it does.</returns>
    public static bool IsWellFormed(string? value) =>
        value is { Length: 32 } && value.AsSpan().IndexOfAnyExcept("0123456789abcdef") < 0;
}
