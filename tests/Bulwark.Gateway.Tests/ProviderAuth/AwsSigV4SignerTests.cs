using Bulwark.Gateway.ProviderAuth;

namespace Bulwark.Gateway.Tests.ProviderAuth;

/// <summary>
/// The signer against AWS's published Signature Version 4 test suite (aws-sig-v4-test-suite: credentials
/// AKIDEXAMPLE / wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY, 20150830T123600Z, us-east-1, service "service", host
/// example.amazonaws.com): the canonical request, the string to sign and the signature of each case. The cases that
/// expect a normalized path (get-relative, get-slash…) are left out: the gateway signs the path it sends, as S3 does.
/// </summary>
public class AwsSigV4SignerTests
{
    private static readonly AwsCredentials Example = new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", null);

    private static readonly DateTimeOffset SuiteTime = new(2015, 8, 30, 12, 36, 0, TimeSpan.Zero);

    private const string Empty = AwsSigV4Signer.EmptyPayloadHash;

    public static TheoryData<string, string, string, string, string[], string, string> Suite() => new()
    {
        // name, method, path, query, headers (name:value), expected canonical request's signed headers, signature
        { "get-vanilla", "GET", "/", "", [], "host;x-amz-date", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31" },
        { "get-unreserved", "GET", "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", "", [], "host;x-amz-date", "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f" },
        { "get-utf8", "GET", "/ሴ", "", [], "host;x-amz-date", "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85" },
        { "get-space-unnormalized", "GET", "/example space/", "", [], "host;x-amz-date", "652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741" },
        { "get-slashes-unnormalized", "GET", "//example//", "", [], "host;x-amz-date", "87cca117541a147f6df867677d98a7d80dff226d2bfca9e4ffa899665623c7e5" },
        { "get-relative-unnormalized", "GET", "/example/..", "", [], "host;x-amz-date", "eca7ead57bb5aa5c8e28007acd4ff04e1ff9a0ff3b237ec1554a184887ff9282" },
        { "get-vanilla-query-order-key-case", "GET", "/", "Param2=value2&Param1=value1", [], "host;x-amz-date", "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500" },
        { "get-vanilla-query-order-encoded", "GET", "/", "Param-3=Value3&Param=Value2&%E1%88%B4=Value1", [], "host;x-amz-date", "371d3713e185cc334048618a97f809c9ffe339c62934c032af5a0e595648fcac" },
        { "get-vanilla-query-unreserved", "GET", "/", "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz=-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", [], "host;x-amz-date", "9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197" },
        { "get-vanilla-utf8-query", "GET", "/", "%E1%88%B4=bar", [], "host;x-amz-date", "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04" },
        { "get-header-key-duplicate", "GET", "/", "", ["My-Header1:value2", "My-Header1:value2", "My-Header1:value1"], "host;my-header1;x-amz-date", "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea" },
        { "get-header-value-order", "GET", "/", "", ["My-Header1:value4", "My-Header1:value1", "My-Header1:value3", "My-Header1:value2"], "host;my-header1;x-amz-date", "08c7e5a9acfcfeb3ab6b2185e75ce8b1deb5e634ec47601a50643f830c755c01" },
        { "get-header-value-trim", "GET", "/", "", ["My-Header1: value1", "My-Header2: \"a   b   c\""], "host;my-header1;my-header2;x-amz-date", "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736" },
        { "post-vanilla", "POST", "/", "", [], "host;x-amz-date", "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b" },
        { "post-vanilla-query", "POST", "/", "Param1=value1", [], "host;x-amz-date", "28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11" },
        { "post-header-value-case", "POST", "/", "", ["My-Header1:VALUE1"], "host;my-header1;x-amz-date", "cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d" },
    };

    [Theory]
    [MemberData(nameof(Suite))]
    public void Sign_AwsTestSuiteCase_GivesThePublishedSignature(string name, string method, string path, string query, string[] headers, string signedHeaders, string signature)
    {
        var result = SignSuite(method, path, query, [.. headers.Select(static h => new KeyValuePair<string, string>(h[..h.IndexOf(':')], h[(h.IndexOf(':') + 1)..]))], Empty, Example);

        Assert.True(signature == result.Signature, $"{name}: got {result.Signature} from the canonical request\n{result.CanonicalRequest}");
        Assert.Equal($"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders={signedHeaders}, Signature={signature}", result.Authorization);
    }

    [Fact]
    public void Sign_GetVanilla_CanonicalRequestAndStringToSign_AreThePublishedOnes()
    {
        var result = SignSuite("GET", "/", "", [], Empty, Example);

        Assert.Equal("GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n" + Empty, result.CanonicalRequest);
        Assert.Equal("AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\nbb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63", result.StringToSign);
        Assert.Equal("20150830T123600Z", result.AmzDate);
    }

    [Fact]
    public void Sign_PostXWwwFormUrlencoded_SignsTheBodysHashAndItsHeaders()
    {
        const string bodyHash = "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e";
        Assert.Equal(bodyHash, AwsSigV4Signer.Hex(System.Security.Cryptography.SHA256.HashData("Param1=value1"u8)));

        var result = SignSuite("POST", "/", "", [new("Content-Type", "application/x-www-form-urlencoded"), new("Content-Length", "13"), new("x-amz-content-sha256", bodyHash)], bodyHash, Example);

        Assert.Equal("d3875051da38690788ef43de4db0d8f280229d82040bfac253562e56c3f20e0b", result.Signature);
        Assert.EndsWith("content-length;content-type;host;x-amz-content-sha256;x-amz-date\n" + bodyHash, result.CanonicalRequest, StringComparison.Ordinal);
    }

    [Fact]
    public void Sign_SessionCredentials_SignsTheSecurityToken()
    {
        const string token = "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267";

        var result = SignSuite("GET", "/", "", [], Empty, Example with { SessionToken = token });

        Assert.Equal("07ec1639c89043aa0e3e2de82b96708f198cceab042d4a97044c66dd9f74e7f8", result.Signature);
        Assert.Contains("x-amz-security-token:" + token + "\n", result.CanonicalRequest, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/bucket/a%20b", "/bucket/a%20b")]
    [InlineData("/bucket/caf%C3%A9.txt", "/bucket/caf%C3%A9.txt")]
    [InlineData("/bucket/a+b(1)", "/bucket/a%2Bb%281%29")]
    [InlineData("/bucket/dir%2Fkey", "/bucket/dir%2Fkey")]
    [InlineData("/bucket//x/../y", "/bucket//x/../y")]
    public void CanonicalPath_S3_IsTheWirePathEncodedOnce_NeverNormalized(string wire, string canonical)
    {
        Assert.Equal(canonical, AwsSigV4Signer.CanonicalPath(wire, doubleEncode: false));
    }

    [Fact]
    public void CanonicalPath_OtherServices_EncodeTheWirePathAgain()
    {
        Assert.Equal("/a%2520b", AwsSigV4Signer.CanonicalPath("/a%20b", doubleEncode: true));
    }

    [Fact]
    public void Sign_AnotherSecond_GivesAnotherDateAndSignature()
    {
        var request = new AwsSigV4Request("PUT", "127.0.0.1:9000", "/uploads/a", "", [], AwsSigV4Signer.UnsignedPayload);

        var first = AwsSigV4Signer.Sign(request, Example, "us-east-1", "s3", SuiteTime);
        var second = AwsSigV4Signer.Sign(request, Example, "us-east-1", "s3", SuiteTime.AddSeconds(1));

        Assert.Equal("20150830T123601Z", second.AmzDate);
        Assert.NotEqual(first.Signature, second.Signature);
        Assert.EndsWith("\nUNSIGNED-PAYLOAD", first.CanonicalRequest, StringComparison.Ordinal);
    }

    [Fact]
    public void Credentials_ToString_HoldsNoSecret()
    {
        string text = (Example with { SessionToken = "session-secret" }).ToString();

        Assert.DoesNotContain("wJalrXUtnFEMI", text, StringComparison.Ordinal);
        Assert.DoesNotContain("session-secret", text, StringComparison.Ordinal);
    }

    private static AwsSigV4Signature SignSuite(string method, string path, string query, KeyValuePair<string, string>[] headers, string payloadHash, AwsCredentials credentials) =>
        AwsSigV4Signer.Sign(new AwsSigV4Request(method, "example.amazonaws.com", path, query, headers, payloadHash), credentials, "us-east-1", "service", SuiteTime);
}
