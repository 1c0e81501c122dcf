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

    [Fact]
    public void TraceIdOf_NoActivity_ReadsTraceparentHeader()
    {
        var context = new DefaultHttpContext();
        context.Request.Headers.TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        Assert.Equal("0af7651916cd43dd8448eb211c80319c", BulwarkCorrelation.TraceIdOf(context));
    }

    [Theory]
    [InlineData("00-00000000000000000000000000000000-b7ad6b7169203331-01")]
    [InlineData("garbage")]
    [InlineData("00-0af7651916cd43dd8448eb211c80319Z-b7ad6b7169203331-01")]
    public void TraceIdOf_InvalidTraceparent_ReturnsNull(string header)
    {
        var context = new DefaultHttpContext();
        context.Request.Headers.TraceParent = header;
        Assert.Null(BulwarkCorrelation.TraceIdOf(context));
    }
}
