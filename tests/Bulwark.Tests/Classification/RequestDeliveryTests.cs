using System.Net.Sockets;
using Bulwark.Bulkhead;
using Bulwark.Classification;
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
        { new DeliveryAware(false), false },
        { new HttpRequestException("wrapped", new DeliveryAware(false)), false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void MayHaveReachedDependency_ClassifiesFailures(Exception exception, bool expected) =>
        Assert.Equal(expected, RequestDelivery.MayHaveReachedDependency(exception));

    [Fact]
    public void MayHaveReachedDependency_AResultWasDelivered() =>
        Assert.True(RequestDelivery.MayHaveReachedDependency(Outcome.FromResult(503)));

    private sealed class DeliveryAware(bool reached) : Exception("x"), IRequestDeliveryInfo
    {
        public bool MayHaveReachedDependency => reached;
    }
}
