using Bulwark.AspNetCore.Correlation;
using Microsoft.AspNetCore.Http;

namespace Bulwark.AspNetCore.Tests.Correlation;

public class BulwarkCorrelationTests
{
    [Theory]
    [InlineData("abc-123_x.y:z", true)]
    [InlineData("4bf92f3577b34da6a3ce929d0e0e4736", true)]
    [InlineData("", false)]
    [InlineData(null, false)]
    [InlineData("has space", false)]
    [InlineData("semi;colon", false)]
    [InlineData("jane@example.com", false)]
    public void IsValid_AllowsOnlyTheSafeAlphabet(string? value, bool valid) => Assert.Equal(valid, BulwarkCorrelation.IsValid(value));

    [Fact]
    public void IsValid_LengthLimitIs128() =>
        Assert.Equal((true, false), (BulwarkCorrelation.IsValid(new string('a', 128)), BulwarkCorrelation.IsValid(new string('a', 129))));

    [Fact]
    public void Get_WithoutMiddleware_ReturnsNull() => Assert.Null(BulwarkCorrelation.Get(new DefaultHttpContext()));
}
