using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Bulwark.Bulkhead;
using Bulwark.Classification;
using CsCheck;
using Polly;
using Polly.Timeout;

namespace Bulwark.Tests.Classification;

public class RequestDeliveryTests
{
    public static TheoryData<Exception, bool> Cases => new()
    {
        { new HttpRequestException(HttpRequestError.ConnectionError, "refused", new SocketException((int)SocketError.ConnectionRefused)), false },
        { new SocketException((int)SocketError.HostNotFound), false },
        { new BulkheadRejectedException(), false },
        { new HttpRequestException(HttpRequestError.ResponseEnded, "reset mid-response"), true },
        { new SocketException((int)SocketError.ConnectionReset), true },
        { new TimeoutRejectedException(), true },
        { new InvalidOperationException(), true },
        { new DeliveryAware(reached: false), false },
        { new HttpRequestException("wrapped", new DeliveryAware(reached: false)), false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void MayHaveReachedDependency_ClassifiesFailures(Exception exception, bool expected) =>
        Assert.Equal(expected, RequestDelivery.MayHaveReachedDependency(exception));

    [Fact]
    public void MayHaveReachedDependency_AResultWasDelivered() =>
        Assert.True(RequestDelivery.MayHaveReachedDependency(Outcome.FromResult(503)));

    public static TheoryData<Exception, bool> ProcessedCases => new()
    {
        // Not sent: not processed either.
        { new HttpRequestException(HttpRequestError.ConnectionError, "refused", new SocketException((int)SocketError.ConnectionRefused)), false },
        { new BulkheadRejectedException(), false },
        // EnsureSuccessStatusCode's 429: a refusal; its 503 lost the Retry-After that could prove one.
        { new HttpRequestException("429", null, HttpStatusCode.TooManyRequests), false },
        { new HttpRequestException("503", null, HttpStatusCode.ServiceUnavailable), true },
        { new HttpRequestException(HttpRequestError.ResponseEnded, "reset mid-response"), true },
        { new TimeoutRejectedException(), true },
        { new DeliveryAware(reached: true, provedNotProcessed: true), false },
        { new HttpRequestException("wrapped", new DeliveryAware(reached: true, provedNotProcessed: true)), false },
        { new DeliveryAware(reached: true, provedNotProcessed: false), true },
        { new DeliveryAware(reached: false, provedNotProcessed: false), false },
    };

    [Theory]
    [MemberData(nameof(ProcessedCases))]
    public void MayHaveBeenProcessed_ClassifiesFailures(Exception exception, bool expected) =>
        Assert.Equal(expected, RequestDelivery.MayHaveBeenProcessed(exception));

    [Theory]
    [InlineData(429, false, false)]
    [InlineData(429, true, false)]
    [InlineData(503, true, false)]
    [InlineData(503, false, true)] // a 503 without Retry-After may come from a proxy after the work began
    [InlineData(500, true, true)]
    [InlineData(502, true, true)]
    [InlineData(200, false, true)]
    public void MayHaveBeenProcessed_AResponse_IsRefusedBy429Or503WithRetryAfter(int status, bool retryAfter, bool expected)
    {
        using var response = new HttpResponseMessage((HttpStatusCode)status);
        if (retryAfter)
        {
            response.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(expected, RequestDelivery.MayHaveBeenProcessed(Outcome.FromResult(response)));
        Assert.Equal(!expected, RequestDelivery.ProvesNotProcessed(response));
    }

    /// <summary>
    /// Over every status, Retry-After or not, and delivery: what a weaker condition allows a stronger one allows too
    /// (NotSent ⊆ NotProcessed ⊆ Always), Always allows everything, and NotProcessed allows exactly what proves no processing.
    /// </summary>
    [Fact]
    public void MaySendAgain_AnyOutcome_ConditionsAreNested()
    {
        var outcomes = Gen.OneOf(
            Gen.Select(Gen.Int[100, 599], Gen.Bool).Select(static t => (Kind: "response", Status: t.Item1, RetryAfter: t.Item2, Reached: true, Proved: false)),
            Gen.Select(Gen.Bool, Gen.Bool).Select(static t => (Kind: "exception", Status: 0, RetryAfter: false, Reached: t.Item1, Proved: t.Item2)));

        outcomes.Sample(sample =>
        {
            using var response = new HttpResponseMessage((HttpStatusCode)sample.Status);
            if (sample.RetryAfter)
            {
                response.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(2));
            }

            var outcome = sample.Kind == "response"
                ? Outcome.FromResult<object>(response)
                : Outcome.FromException<object>(new DeliveryAware(sample.Reached, sample.Proved));
            bool always = RequestDelivery.MaySendAgain(outcome, ReplayCondition.Always);
            bool notProcessed = RequestDelivery.MaySendAgain(outcome, ReplayCondition.NotProcessed);
            bool notSent = RequestDelivery.MaySendAgain(outcome, ReplayCondition.NotSent);

            Assert.True(always);
            Assert.True(!notSent || notProcessed, $"{sample}: allowed when not sent, but not when not processed");
            bool refused = sample.Kind == "response"
                ? sample.Status == 429 || (sample.Status == 503 && sample.RetryAfter)
                : !sample.Reached || sample.Proved;
            Assert.Equal(refused, notProcessed);
            Assert.Equal(sample.Kind == "exception" && !sample.Reached, notSent);
        });
    }

    private sealed class DeliveryAware(bool reached, bool provedNotProcessed = false) : Exception("x"), IRequestDeliveryInfo
    {
        public bool MayHaveReachedDependency => reached;

        public bool ProvedNotProcessed => provedNotProcessed;
    }
}
