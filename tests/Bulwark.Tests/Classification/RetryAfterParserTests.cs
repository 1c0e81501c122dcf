using System.Net;
using Bulwark.Classification;
using Microsoft.Extensions.Time.Testing;
using Polly;
using Polly.CircuitBreaker;

namespace Bulwark.Tests.Classification;

public class RetryAfterParserTests
{
    private static readonly DateTimeOffset Now = new(2015, 10, 21, 7, 27, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("0", 0)]
    [InlineData("120", 120)]
    [InlineData(" 5 ", 5)]
    [InlineData("Wed, 21 Oct 2015 07:28:00 GMT", 60)]
    [InlineData("Wednesday, 21-Oct-15 07:28:30 GMT", 90)]
    [InlineData("Wed Oct 21 07:29:00 2015", 120)]
    [InlineData("Wed, 21 Oct 2015 07:00:00 GMT", 0)]
    public void TryParse_ValidValue_ReturnsDelay(string value, int expectedSeconds)
    {
        Assert.True(RetryAfterParser.TryParse(value, Now, out var delay));
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), delay);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("-5")]
    [InlineData("1.5")]
    [InlineData("soon")]
    public void TryParse_InvalidValue_ReturnsFalse(string? value)
    {
        Assert.False(RetryAfterParser.TryParse(value, Now, out var delay));
        Assert.Equal(TimeSpan.Zero, delay);
    }

    [Fact]
    public void TryParse_HugeDeltaSeconds_SaturatesToMaxValue()
    {
        Assert.True(RetryAfterParser.TryParse("99999999999999999999999", Now, out var delay));
        Assert.Equal(TimeSpan.MaxValue, delay);
    }

    [Fact]
    public void TryGetRetryAfter_ResponseWithDeltaOrDate_ReturnsDelay()
    {
        using var delta = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        delta.Headers.TryAddWithoutValidation("Retry-After", "7");
        using var date = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        date.Headers.TryAddWithoutValidation("Retry-After", "Wed, 21 Oct 2015 07:27:45 GMT");
        using var none = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);

        Assert.True(RetryAfterParser.TryGetRetryAfter(delta, Now, out var d1));
        Assert.Equal(TimeSpan.FromSeconds(7), d1);
        Assert.True(RetryAfterParser.TryGetRetryAfter(date, Now, out var d2));
        Assert.Equal(TimeSpan.FromSeconds(45), d2);
        Assert.False(RetryAfterParser.TryGetRetryAfter(none, Now, out _));
    }

    [Fact]
    public void TryGetRetryAfter_Exceptions_ReadBrokenCircuitAndProvider()
    {
        Assert.True(RetryAfterParser.TryGetRetryAfter(new BrokenCircuitException(TimeSpan.FromSeconds(3)), out var broken));
        Assert.Equal(TimeSpan.FromSeconds(3), broken);
        Assert.False(RetryAfterParser.TryGetRetryAfter(new BrokenCircuitException(), out _));
        Assert.True(RetryAfterParser.TryGetRetryAfter(new RejectedException(TimeSpan.FromSeconds(4)), out var rejected));
        Assert.Equal(TimeSpan.FromSeconds(4), rejected);
        Assert.True(RetryAfterParser.TryGetRetryAfter(new RejectedException(TimeSpan.FromSeconds(-4)), out var negative));
        Assert.Equal(TimeSpan.Zero, negative);
        Assert.False(RetryAfterParser.TryGetRetryAfter(new RejectedException(null), out _));
        Assert.False(RetryAfterParser.TryGetRetryAfter(new InvalidOperationException(), out _));
    }

    [Fact]
    public void TryGetRetryAfter_OutcomeWithHttpDate_RelativeToTimeProvider()
    {
        var time = new FakeTimeProvider(Now);
        using var response = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        response.Headers.TryAddWithoutValidation("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT");

        Assert.True(RetryAfterParser.TryGetRetryAfter(Outcome.FromResult<object>(response), time, out var delay));
        Assert.Equal(TimeSpan.FromSeconds(60), delay);

        time.Advance(TimeSpan.FromSeconds(20));
        Assert.True(RetryAfterParser.TryGetRetryAfter(Outcome.FromResult(response), time, out delay));
        Assert.Equal(TimeSpan.FromSeconds(40), delay);

        Assert.True(RetryAfterParser.TryGetRetryAfter(Outcome.FromException<int>(new BrokenCircuitException(TimeSpan.FromSeconds(2))), time, out delay));
        Assert.Equal(TimeSpan.FromSeconds(2), delay);
        Assert.False(RetryAfterParser.TryGetRetryAfter(Outcome.FromResult(42), time, out _));
    }

    private sealed class RejectedException(TimeSpan? retryAfter) : Exception("rejected"), IRetryAfterProvider
    {
        public TimeSpan? RetryAfter { get; } = retryAfter;
    }
}
