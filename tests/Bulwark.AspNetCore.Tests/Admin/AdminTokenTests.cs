using Bulwark.AspNetCore.Admin;
using Microsoft.Extensions.Options;

namespace Bulwark.AspNetCore.Tests.Admin;

public sealed class AdminTokenTests
{
    private const string Secret = "admin-token-tests-0123456789";

    [Fact]
    public void VerifyToken_ExactTokenAfterTrimming_OnlyThatOne()
    {
        var token = Token(Secret);

        Assert.True(token.VerifyToken(Secret));
        Assert.True(token.VerifyToken("  " + Secret + "\r\n"));
        Assert.False(token.VerifyToken(Secret.AsSpan(0, Secret.Length - 1)));
        Assert.False(token.VerifyToken(Secret + "0"));
        Assert.False(token.VerifyToken(Secret.ToUpperInvariant()));
        Assert.False(token.VerifyToken(string.Empty));
    }

    [Fact]
    public void Verify_BearerHeader_SameAnswerAsTheToken()
    {
        var token = Token(Secret);

        Assert.True(token.Verify("Bearer " + Secret));
        Assert.True(token.Verify("bearer " + Secret));
        Assert.False(token.Verify(Secret));
        Assert.False(token.Verify("Basic " + Secret));
        Assert.False(token.Verify(null));
    }

    [Fact]
    public void NoTokenConfigured_VerifiesNothing_AndDerivesNoKey()
    {
        var token = Token(null);

        Assert.False(token.IsEnabled);
        Assert.False(token.VerifyToken(string.Empty));
        Assert.False(token.Verify("Bearer "));
        var error = Assert.Throws<InvalidOperationException>(() => token.DeriveKey("purpose"));
        Assert.Equal("No admin token is configured: there is nothing to derive a key from.", error.Message);
    }

    [Fact]
    public void DeriveKey_StablePerTokenAndPurpose_UnrelatedOtherwise_RevealingNothing()
    {
        byte[] key = Token(Secret).DeriveKey("session");

        Assert.Equal(32, key.Length);
        Assert.Equal(key, Token(Secret).DeriveKey("session"));
        Assert.NotEqual(key, Token(Secret).DeriveKey("csrf"));
        Assert.NotEqual(key, Token(Secret + "x").DeriveKey("session"));
        Assert.NotEqual(key, System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Secret)));
        Assert.Throws<ArgumentException>(() => Token(Secret).DeriveKey(string.Empty));
    }

    private static AdminToken Token(string? value) => new(Options.Create(new BulwarkAdminOptions { Token = value }));
}
