using Bulwark.ErrorMonitoring;
using CsCheck;

namespace Bulwark.Tests.ErrorMonitoring;

public class MessageNormalizerTests
{
    private static readonly Gen<string> Words = Gen.OneOf<string>(
        "timeout", "connecting", "to", "user", "failed", "order", "not", "found", "at", "for", "in", "the", "request", "can't", "provider's", "is", "=", "-", ":", "(", ")", ",");

    /// <summary>Values that are masked, one generator per kind the normalizer names.</summary>
    private static readonly Gen<string>[] Kinds =
    [
        Gen.Int[0, int.MaxValue].Select(static i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        Gen.Double[0, 1e6].Select(static d => d.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)),
        Gen.Guid.Select(static g => g.ToString()),
        Gen.Int[0, 255].Array[4].Select(static b => string.Join('.', b)),
        Gen.String[Gen.Char["a-z"], 1, 10].Select(static s => s + "@example.com"),
        Gen.UInt.Select(static u => "0x" + u.ToString("x", System.Globalization.CultureInfo.InvariantCulture)),
        Gen.Long[1, long.MaxValue].Select(static l => "a1" + l.ToString("x16", System.Globalization.CultureInfo.InvariantCulture)),
        Gen.String[Gen.Char.AlphaNumeric, 0, 12].Select(static s => "'" + s + "'"),
        Gen.String[Gen.Char.AlphaNumeric, 0, 12].Select(static s => "\"" + s + " x\""),
        Gen.String[Gen.Char.AlphaNumeric, 1, 12].Select(static s => "https://api.example.com/v1/items?id=" + s + "&token=" + s),
    ];

    private static readonly Gen<string> Masked = Gen.OneOf<string>(Kinds);

    /// <summary>Two values of one kind.</summary>
    private static readonly Gen<(string, string)> SameKindPair = Gen.Int[0, Kinds.Length - 1].SelectMany(static k => Gen.Select(Kinds[k], Kinds[k]));

    [Theory]
    [InlineData("Order 12345 not found", "Order <n> not found")]
    [InlineData("Request 630327709 failed", "Request <n> failed")]
    [InlineData("Request 4091015 failed", "Request <n> failed")]
    [InlineData("User alice@example.com has no quota", "User <email> has no quota")]
    [InlineData("Request 3f2504e0-4f89-11d3-9a0c-0305e82c3301 failed", "Request <uuid> failed")]
    [InlineData("connect to 10.0.0.12:5432 refused", "connect to <ip> refused")]
    [InlineData("object 0x7ffe3a10 and deadbeef12 gone; deadbeef stays", "object <hex> and <hex> gone; deadbeef stays")]
    [InlineData("GET https://x.test/a?key=sk123&user=bob failed", "GET https://x.test/a?key=<v>&user=<v> failed")]
    [InlineData("Key 'abc' and \"d e f\" can't be used", "Key '<q>' and \"<q>\" can't be used")]
    [InlineData("  line one\n\tline two  ", "line one line two")]
    public void Normalize_MasksVariableParts(string message, string expected) =>
        Assert.Equal(expected, MessageNormalizer.Normalize(message));

    [Fact]
    public void Normalize_IsIdempotent_NeverThrows_AndBounded()
    {
        Gen.Select(Gen.String, Words.Array[0, 8], Masked.Array[0, 4]).Sample((noise, words, masked) =>
        {
            string message = noise + " " + string.Join(' ', words) + " " + string.Join(' ', masked);
            string once = MessageNormalizer.Normalize(message);
            Assert.True(once.Length <= MessageNormalizer.MaxLength);
            Assert.Equal(once, MessageNormalizer.Normalize(once));
        });
    }

    [Fact]
    public void Normalize_LongAndHostileInput_IsBoundedAndIdempotent()
    {
        Gen.Select(Gen.Char.Array[0, 9000], Masked.Array[0, 400]).Sample((chars, masked) =>
        {
            string message = new string(chars) + string.Join(' ', masked) + new string('"', 3000);
            string once = MessageNormalizer.Normalize(message);
            Assert.True(once.Length <= MessageNormalizer.MaxLength);
            Assert.Equal(once, MessageNormalizer.Normalize(once));
        }, iter: 200);
    }

    [Fact]
    public void MessagesDifferingOnlyInMaskedParts_ShareAFingerprint()
    {
        // A template of words with slots, each slot filled twice with values of one kind: one fingerprint.
        Gen.Select(Words.Array[1, 8], SameKindPair.Array[1, 4]).Sample((words, slots) =>
        {
            string a = string.Join(' ', words) + " " + string.Join(" at ", slots.Select(static s => s.Item1));
            string b = string.Join(' ', words) + " " + string.Join(" at ", slots.Select(static s => s.Item2));
            var context = new ErrorContext { Provider = "p", Route = "/r", StatusCode = 503 };
            Assert.Equal(MessageNormalizer.Normalize(a), MessageNormalizer.Normalize(b));
            Assert.Equal(
                ErrorFingerprint.Compute("T", MessageNormalizer.Normalize(a), context),
                ErrorFingerprint.Compute("T", MessageNormalizer.Normalize(b), context));
        });
    }

    [Fact]
    public void Fingerprint_IsStable_AndSeparatesEachPart()
    {
        var context = new ErrorContext { Provider = "openai", Route = "/v1/{**rest}", StatusCode = 503, Service = "billing" };
        string fingerprint = ErrorFingerprint.Compute("TransientStatus", "upstream said <n>", context);

        // The scheme is fixed: the same inputs give this value in every process.
        Assert.Equal(fingerprint, ErrorFingerprint.Compute("TransientStatus", "upstream said <n>", context with { Attributes = new Dictionary<string, string> { ["a"] = "b" } }));
        Assert.Equal("f29a427711237624", fingerprint);
        Assert.NotEqual(fingerprint, ErrorFingerprint.Compute("Timeout", "upstream said <n>", context));
        Assert.NotEqual(fingerprint, ErrorFingerprint.Compute("TransientStatus", "upstream said <n>!", context));
        Assert.NotEqual(fingerprint, ErrorFingerprint.Compute("TransientStatus", "upstream said <n>", context with { Provider = "anthropic" }));
        Assert.NotEqual(fingerprint, ErrorFingerprint.Compute("TransientStatus", "upstream said <n>", context with { Route = "/other" }));
        Assert.NotEqual(fingerprint, ErrorFingerprint.Compute("TransientStatus", "upstream said <n>", context with { StatusCode = 502 }));
        Assert.NotEqual(fingerprint, ErrorFingerprint.Compute("TransientStatus", "upstream said <n>", context with { Service = "search" }));
    }
}
