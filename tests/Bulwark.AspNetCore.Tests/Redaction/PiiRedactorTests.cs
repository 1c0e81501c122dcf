using Bulwark.AspNetCore.Redaction;
using Bulwark.AspNetCore.Redaction.Detectors;

namespace Bulwark.AspNetCore.Tests.Redaction;

public class PiiRedactorTests
{
    private static readonly PiiRedactor Redactor = new();

    [Theory]
    [InlineData("4111111111111111")]
    [InlineData("4111 1111 1111 1111")]
    [InlineData("5555-5555-5555-4444")]
    [InlineData("378282246310005")]
    [InlineData("6011111111111117")]
    public void Redact_LuhnValidCard_IsRedacted(string card) =>
        Assert.Equal("paid with [REDACTED:card] today", Redactor.Redact($"paid with {card} today"));

    [Theory]
    [InlineData("4111111111111112")] // Luhn fails
    [InlineData("4111 1111 1111 1121")] // Luhn fails
    [InlineData("1767225600000")] // epoch milliseconds: no issuer starts with 1
    [InlineData("4111-1111 1111-1111")] // mixed separators
    [InlineData("41111111111111111111")] // 20 digits
    public void Redact_NotACard_IsKept(string number)
    {
        string text = $"value {number} seen";
        Assert.Same(text, Redactor.Redact(text));
    }

    [Fact]
    public void Luhn_KnownValues()
    {
        Assert.True(Checksums.Luhn("79927398713"));
        Assert.False(Checksums.Luhn("79927398710"));
    }

    [Theory]
    [InlineData("DE89370400440532013000")]
    [InlineData("GB82 WEST 1234 5698 7654 32")]
    [InlineData("FR1420041010050500013M02606")]
    [InlineData("nl91abna0417164300")]
    public void Redact_Mod97ValidIban_IsRedacted(string iban) =>
        Assert.Equal("iban=[REDACTED:iban] ok", Redactor.Redact($"iban={iban} ok"));

    [Theory]
    [InlineData("DE89370400440532013001")] // check digits fail
    [InlineData("GB82WEST1234569876543")] // one short for GB
    [InlineData("ZZ89370400440532013000")] // no such country
    public void Redact_InvalidIban_IsKept(string iban)
    {
        string text = $"account {iban} ok";
        Assert.Same(text, Redactor.Redact(text));
    }

    [Theory]
    [InlineData("123-45-6789")]
    [InlineData("078-05-1121")]
    [InlineData("899-99-9999")]
    public void Redact_IssuableSsn_IsRedacted(string ssn) =>
        Assert.Equal("ssn [REDACTED:ssn] on file", Redactor.Redact($"ssn {ssn} on file"));

    [Theory]
    [InlineData("000-12-3456")] // area 000
    [InlineData("666-12-3456")] // area 666
    [InlineData("912-12-3456")] // area 9xx
    [InlineData("123-00-4567")] // group 00
    [InlineData("123-45-0000")] // serial 0000
    public void Redact_SsnInNeverIssuedRange_IsKept(string ssn)
    {
        string text = $"ssn {ssn} on file";
        Assert.Same(text, Redactor.Redact(text));
    }

    [Fact]
    public void Redact_Jwt_IsRedacted()
    {
        const string jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
        Assert.Equal("jwt [REDACTED:jwt] end", Redactor.Redact($"jwt {jwt} end"));
    }

    [Theory]
    [InlineData("abcdefghij.klmnopqrst.uvwxyz0123")] // decodes to bytes that are not JSON
    [InlineData("eyJ0eXAiOiJKV1QifQ.eyJzdWIiOiIxIn0.c2ln")] // JSON header without "alg"
    [InlineData("Microsoft.AspNetCore.Hosting.Diagnostics")]
    public void Redact_DottedStringThatIsNotAJwt_IsKept(string value)
    {
        string text = $"value {value} end";
        Assert.Same(text, Redactor.Redact(text));
    }

    [Theory]
    [InlineData("jane.doe@example.com", "[REDACTED:email]")]
    [InlineData("jane.doe%40example.com", "[REDACTED:email]")]
    [InlineData("+1 415 555 0134", "[REDACTED:phone]")]
    [InlineData("(415) 555-0142", "[REDACTED:phone]")]
    [InlineData("+44 20 7946 0958", "[REDACTED:phone]")]
    [InlineData("Bearer abcDEF123456ghiJKL7890", "Bearer [REDACTED:bearer]")]
    [InlineData("sk_live_4eC39HqLyjWDarjtT1zdp7dc", "[REDACTED:api_key]")]
    [InlineData("AKIAIOSFODNN7EXAMPLE", "[REDACTED:api_key]")]
    [InlineData("ghp_16C7e42F292c6912E7710c838347Ae178B4a", "[REDACTED:api_key]")]
    [InlineData("xoxb-123456789012-123456789012-abcdefABCDEF123456", "[REDACTED:api_key]")]
    [InlineData("AIzaSyA1b2C3d4E5f6G7h8I9j0KlMnOpQrStUvW", "[REDACTED:api_key]")]
    [InlineData("password=hunter2", "password=[REDACTED:secret]")]
    [InlineData("postgres://app:s3cret@db:5432/x", "postgres://[REDACTED:credentials]@db:5432/x")]
    [InlineData("Q2xhdWRlIGlzIGEgbW9kZWwgYnkgQW50aHJvcGlj1x9", "[REDACTED:secret]")]
    public void Redact_EachKind_WritesItsKind(string secret, string expected) =>
        Assert.Equal($"<{expected}>", Redactor.Redact($"<{secret}>"));

    [Theory]
    [InlineData("3f2504e0-4f89-11d3-9a0c-0305e82c3301")] // GUID
    [InlineData("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")] // SHA-256
    [InlineData("/blobs/da39a3ee5e6b4b0d3255bfef95601890afd80709/raw")] // SHA-1 in a path
    [InlineData("ORD-2026-000123")]
    [InlineData("10.0.12")]
    [InlineData("2026-01-15T10:22:33.120Z")]
    [InlineData("checkout-7d9f8b6c5d-x2k4p")]
    [InlineData("Bearer authentication failed")]
    [InlineData("PublicKeyToken=null")]
    public void Redact_BenignValue_IsKept(string value) => Assert.Same(value, Redactor.Redact(value));

    [Fact]
    public void Redact_PlainText_ReturnsTheSameInstance()
    {
        const string text = "GET orders responded OK";
        Assert.Same(text, Redactor.Redact(text));
    }

    [Theory]
    [InlineData("Cookie: session=abc; theme=dark", "Cookie: [REDACTED:header]")]
    [InlineData("x-api-key=12345", "x-api-key=[REDACTED:header]")]
    [InlineData("{\"Authorization\": \"Basic YWRtaW46bGV0bWVpbg==\"}", "{\"Authorization\": \"[REDACTED:header]\"}")]
    [InlineData("Set-Cookie: id=a3fWa; Secure\nnext line", "Set-Cookie: [REDACTED:header]\nnext line")]
    public void Redact_SensitiveHeader_ValueUpToQuoteOrLineEndIsRedacted(string text, string expected) =>
        Assert.Equal(expected, Redactor.Redact(text));

    [Fact]
    public void Redact_ConfiguredPattern_UsesItsKind()
    {
        var options = new PiiRedactorOptions();
        options.Patterns["employee_id"] = @"EMP-\d{6}";
        var redactor = new PiiRedactor(options);
        Assert.Equal("by [REDACTED:employee_id]", redactor.Redact("by EMP-123456"));
    }

    [Fact]
    public void Redact_ConfiguredHeader_IsRedacted()
    {
        var options = new PiiRedactorOptions();
        options.SensitiveHeaders.Add("X-Session-Token");
        Assert.Equal("X-Session-Token: [REDACTED:header]", new PiiRedactor(options).Redact("X-Session-Token: abc"));
    }

    [Fact]
    public void Redact_DisabledKind_IsKept()
    {
        var redactor = new PiiRedactor(new PiiRedactorOptions { Kinds = PiiKinds.All & ~PiiKinds.Email });
        Assert.Equal("jane@example.com", redactor.Redact("jane@example.com"));
    }

    [Fact]
    public void Redact_OverlappingFindings_AreMergedSoNothingLeaks()
    {
        string redacted = Redactor.Redact("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlMTIz");
        Assert.Equal("Authorization: [REDACTED:jwt]", redacted);
    }

    [Fact]
    public void Redact_PathologicalInput_IsLinear()
    {
        // Inputs that make backtracking engines explode on email- and dotted-token-like patterns.
        string text = new string('a', 50_000) + "@" + string.Concat(Enumerable.Repeat("a.", 20_000)) + "!" + string.Concat(Enumerable.Repeat("1 ", 20_000));
        var started = System.Diagnostics.Stopwatch.StartNew();
        string redacted = Redactor.Redact(text);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(5), $"took {started.Elapsed}");
        Assert.NotNull(redacted);
    }

    [Fact]
    public void Constructor_OutOfRangeOptions_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => new PiiRedactor(new PiiRedactorOptions { MinSecretLength = 8 }));
        Assert.StartsWith("MinSecretLength must be at least 16; it is 8.", error.Message, StringComparison.Ordinal);
    }

    // The strings of every request's log line: paths, generated correlation ids (GUID "N" and W3C trace ids), route
    // names, providers, breaker states. None can hold what a regular-expression rule looks for, so none may pay a scan
    // (a load profile had the always-on bearer scan and the digit-triggered rules on every line).
    [Theory]
    [InlineData("/api/item")]
    [InlineData("/api/orders/42")]
    [InlineData("3f2504e04f8941d39a0c0305e82c3301")]
    [InlineData("0af7651916cd43dd8448eb211c80319c")]
    [InlineData("/api/{**rest}")]
    [InlineData("upstream")]
    [InlineData("closed")]
    public void Redact_RequestLogStrings_RunNoRegularExpression(string value)
    {
        Assert.Equal(0, Redactor.RegexScansFor(value));
        Assert.Same(value, Redactor.Redact(value));
    }

    // Each text has only the characters its rule needs, so a prefilter narrower than the rule would miss it.
    [Theory]
    [InlineData("mail user%40example.com now", "mail [REDACTED:email] now")]
    [InlineData("key AKIAIOSFODNN7EXAMPLE set", "key [REDACTED:api_key] set")]
    [InlineData("Authorization BEARER abcdefghijklmnopqrstuvwxyz", "Authorization BEARER [REDACTED:bearer]")]
    [InlineData("ssn 123-45-6789 on file", "ssn [REDACTED:ssn] on file")]
    [InlineData("call +44 20 7946 0958 today", "call [REDACTED:phone] today")]
    [InlineData("call (212) 555-0134 today", "call [REDACTED:phone] today")]
    public void Redact_NarrowPrefilters_StillFindEachRule(string text, string expected) =>
        Assert.Equal(expected, Redactor.Redact(text));

    [Theory]
    [InlineData("drain-51fa266c1a744f3388cf07efb292a19a", "drain-51fa266c1a744f3388cf07efb292a19a")]
    [InlineData("checkout-7f3a:42", "checkout-7f3a:42")]
    [InlineData("4111111111111111", "[REDACTED:card]")]
    [InlineData("ghp_16C7e42F292c6912E7710c838347Ae178B4a", "[REDACTED:api_key]")]
    public void RedactIdentifier_EveryRuleButHighEntropy(string id, string expected)
    {
        Assert.Equal(expected, Redactor.RedactIdentifier(id));
        if (expected == id)
        {
            Assert.Same(id, Redactor.RedactIdentifier(id));
        }
    }

    [Fact]
    public void RedactIdentifier_AnIdTheHighEntropyRuleFlags_IsKept_WhereRedactFlagsIt()
    {
        const string id = "drain-51fa266c1a744f3388cf07efb292a19a";
        Assert.Equal("[REDACTED:secret]", Redactor.Redact(id));
        Assert.Same(id, Redactor.RedactIdentifier(id));
    }

    [Fact]
    public void RedactIdentifier_WithHighEntropyOff_RunsTheSameRulesAsRedact()
    {
        var redactor = new PiiRedactor(new PiiRedactorOptions { Kinds = PiiKinds.All & ~PiiKinds.HighEntropy });
        foreach (var text in new[] { "drain-51fa266c1a744f3388cf07efb292a19a", "4111111111111111", "jane.doe@example.com" })
        {
            Assert.Equal(redactor.Redact(text), redactor.RedactIdentifier(text));
        }
    }
}
