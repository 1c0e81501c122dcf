using Bulwark.Gateway.Requests;

namespace Bulwark.Gateway.Tests.Requests;

public sealed class RawTargetTests
{
    [Theory]
    [InlineData("/api/..%2F..%2Fadmin")]
    [InlineData("/api/%2E%2E%2fadmin")]
    [InlineData("/api/x%2F..")]
    [InlineData("/api/x%2f.%2fy")]
    [InlineData("/api/..%5Cadmin")]
    [InlineData("/api/x\\..\\admin")]
    [InlineData("/api/x/..\\")]
    [InlineData("/api/.%2e%5cx?q=1")]
    public void HasHiddenDotSegment_DotSegmentNextToAHiddenSeparator_IsTrue(string target) =>
        Assert.True(RawTarget.HasHiddenDotSegment(target));

    [Theory]
    [InlineData("/api/a%2Fb")]
    [InlineData("/api/x/../y")]
    [InlineData("/api/x/../y%2Fz")]
    [InlineData("/api/v1.2%2Fx")]
    [InlineData("/api/...%2Fx")]
    [InlineData("/api/.hidden%2Fx")]
    [InlineData("/api/x?next=..%2F..%2Fadmin")]
    [InlineData("/")]
    public void HasHiddenDotSegment_NoDotSegmentBesideAHiddenSeparator_IsFalse(string target) =>
        Assert.False(RawTarget.HasHiddenDotSegment(target));

    [Theory]
    [InlineData("/a#b", null)]
    [InlineData("/a/./b?x=%2F", "/a/b?x=%2F")]
    [InlineData("http://other.example/a%ZZ?q", "/a%ZZ?q")]
    [InlineData("*", null)]
    public void PathAndQuery_ForwardsVerbatimOnlyWhatAUriKeepsWhole(string target, string? expected) =>
        Assert.Equal(expected, RawTarget.PathAndQuery(target));
}
