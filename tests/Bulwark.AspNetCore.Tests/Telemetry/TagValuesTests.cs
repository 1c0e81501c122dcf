using Bulwark.AspNetCore.Telemetry;

namespace Bulwark.AspNetCore.Tests.Telemetry;

public sealed class TagValuesTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(200)]
    [InlineData(599)]
    [InlineData(600)]
    [InlineData(-1)]
    [InlineData(int.MaxValue)]
    public void Box_IsTheValueAsABoxedInt(int value)
    {
        object boxed = TagValues.Box(value);

        Assert.IsType<int>(boxed);
        Assert.Equal(value, (int)boxed);
    }

    [Fact]
    public void Box_ReusesOneBoxForAStatusCode()
    {
        Assert.Same(TagValues.Box(503), TagValues.Box(503));
    }

    [Fact]
    public void Names_AreTheOnesBuiltPerRequestBefore()
    {
        Assert.Equal("GET /orders/{id}", TagValues.RequestName("GET", "/orders/{id}"));
        Assert.Equal("GET /orders/{id}", TagValues.RequestName("GET", "/orders/{id}"));
        Assert.Equal("POST /orders/{id}", TagValues.RequestName("POST", "/orders/{id}"));
        Assert.Equal("attempt primary", TagValues.AttemptName("primary"));
        Assert.Equal("attempt primary", TagValues.AttemptName("primary"));
        Assert.Equal("attempt secondary", TagValues.AttemptName("secondary"));
    }
}
