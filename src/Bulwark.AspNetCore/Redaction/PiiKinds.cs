namespace Bulwark.AspNetCore.Redaction;

/// <summary>The kinds of personal data and secrets <see cref="PiiRedactor"/> detects; each is written as <c>[REDACTED:kind]</c>.</summary>
[Flags]
public enum PiiKinds
{
    /// <summary>No built-in detector.</summary>
    None = 0,

    /// <summary>Email addresses, also with <c>%40</c> for <c>@</c> (<c>email</c>).</summary>
    Email = 1 << 0,

    /// <summary>Payment card numbers: 13 to 19 digits, optionally grouped by spaces or dashes, with a known issuer prefix and a valid Luhn checksum (<c>card</c>).</summary>
    Card = 1 << 1,

    /// <summary>IBANs of a known country, of that country's length, with a valid mod-97 checksum (<c>iban</c>).</summary>
    Iban = 1 << 2,

    /// <summary>US social security numbers <c>###-##-####</c>, excluding the never-issued ranges (<c>ssn</c>).</summary>
    Ssn = 1 << 3,

    /// <summary>Phone numbers: <c>+</c> international numbers and separated national formats, 10 to 15 digits (<c>phone</c>).</summary>
    Phone = 1 << 4,

    /// <summary>JSON web tokens: three base64url segments, the first decoding to a JSON object with <c>alg</c> (<c>jwt</c>).</summary>
    Jwt = 1 << 5,

    /// <summary>The token after <c>Bearer </c> (<c>bearer</c>).</summary>
    Bearer = 1 << 6,

    /// <summary>API keys with a well-known prefix (<c>sk-</c>, <c>sk_live_</c>, <c>pk_live_</c>, <c>gsk_</c>, <c>AKIA</c>, <c>ghp_</c>, <c>xoxb-</c>, <c>AIza</c>...) (<c>api_key</c>).</summary>
    ApiKey = 1 << 7,

    /// <summary>Long high-entropy tokens that look like generated secrets (<c>secret</c>); see <see cref="PiiRedactorOptions.MinSecretLength"/>.</summary>
    HighEntropy = 1 << 8,

    /// <summary>The value of a secret-named key: <c>password=...</c>, <c>"api_key": "..."</c>, <c>client_secret=...</c> (<c>secret</c>).</summary>
    SecretAssignment = 1 << 9,

    /// <summary>The value of a sensitive header written as <c>Name: value</c>, see <see cref="PiiRedactorOptions.SensitiveHeaders"/> (<c>header</c>).</summary>
    SensitiveHeader = 1 << 10,

    /// <summary>The user information of a URL, <c>scheme://user:password@host</c> (<c>credentials</c>).</summary>
    UrlCredentials = 1 << 11,

    /// <summary>Every built-in detector.</summary>
    All = Email | Card | Iban | Ssn | Phone | Jwt | Bearer | ApiKey | HighEntropy | SecretAssignment | SensitiveHeader | UrlCredentials,
}
