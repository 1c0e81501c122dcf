using System.Net;
using System.Net.Sockets;
using Bulwark.Classification;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Bulwark.Tests.Classification;

public class TransientClassifierTests
{
    public static TheoryData<int, bool> StatusCodes => new()
    {
        { 408, true }, { 429, true }, { 500, true }, { 502, true }, { 503, true }, { 504, true },
        { 200, false }, { 201, false }, { 204, false }, { 301, false }, { 302, false }, { 304, false },
        { 400, false }, { 401, false }, { 403, false }, { 404, false }, { 409, false }, { 422, false },
        { 501, false }, { 505, false }, { 511, false },
    };

    public static TheoryData<Exception, bool> Exceptions => new()
    {
        { new TimeoutRejectedException(), true },
        { new TimeoutException(), true },
        { new TaskCanceledException("timeout", new TimeoutException()), true },
        { new OperationCanceledException(), false },
        { new HttpRequestException(HttpRequestError.ConnectionError), true },
        { new HttpRequestException(HttpRequestError.ResponseEnded), true },
        { new HttpRequestException(HttpRequestError.HttpProtocolError), true },
        { new HttpRequestException(HttpRequestError.SecureConnectionError), false },
        { new HttpRequestException(HttpRequestError.UserAuthenticationError), false },
        { new HttpRequestException(HttpRequestError.NameResolutionError, null, new SocketException((int)SocketError.HostNotFound)), false },
        { new HttpRequestException(HttpRequestError.NameResolutionError, null, new SocketException((int)SocketError.TryAgain)), true },
        { new HttpRequestException("refused", new SocketException((int)SocketError.ConnectionRefused)), true },
        { new HttpRequestException("bad", new InvalidOperationException()), false },
        { new HttpRequestException("no detail"), true },
        { new HttpRequestException("503", null, HttpStatusCode.ServiceUnavailable), true },
        { new HttpRequestException("404", null, HttpStatusCode.NotFound), false },
        { new SocketException((int)SocketError.ConnectionRefused), true },
        { new SocketException((int)SocketError.ConnectionReset), true },
        { new SocketException((int)SocketError.TimedOut), true },
        { new SocketException((int)SocketError.HostNotFound), false },
        { new SocketException((int)SocketError.AccessDenied), false },
        { new IOException("reset"), true },
        { new IOException("reset", new SocketException((int)SocketError.ConnectionReset)), true },
        { new IOException("denied", new SocketException((int)SocketError.AccessDenied)), false },
        { new FileNotFoundException(), false },
        { new DirectoryNotFoundException(), false },
        { new InvalidOperationException(), false },
        { new ArgumentException(), false },
        { new BrokenCircuitException(TimeSpan.FromSeconds(1)), false },
    };

    [Theory]
    [MemberData(nameof(StatusCodes))]
    public void IsTransient_HttpResponse_ClassifiedByStatusCode(int statusCode, bool expected)
    {
        using var response = new HttpResponseMessage((HttpStatusCode)statusCode);

        Assert.Equal(expected, TransientClassifier.IsTransient(Outcome.FromResult(response), CancellationToken.None));
        Assert.Equal(expected, TransientClassifier.IsTransient(Outcome.FromResult<object>(response), CancellationToken.None));
        Assert.Equal(expected, TransientClassifier.Default.IsTransientStatusCode(statusCode));
        Assert.Equal(expected, TransientClassifier.IsTransient(Outcome.FromResult((HttpStatusCode)statusCode), CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(Exceptions))]
    public void IsTransient_Exception_ClassifiedByType(Exception exception, bool expected)
    {
        Assert.Equal(expected, TransientClassifier.IsTransient(Outcome.FromException<HttpResponseMessage>(exception), CancellationToken.None));
    }

    [Fact]
    public void IsTransient_NonHttpResult_NotTransient()
    {
        Assert.False(TransientClassifier.IsTransient(Outcome.FromResult(503), CancellationToken.None));
        Assert.False(TransientClassifier.IsTransient(Outcome.FromResult<string?>(null), CancellationToken.None));
    }

    [Fact]
    public void IsTransient_CallerCancelled_CancellationNeverTransient()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var classifier = new TransientClassifier(new TransientClassifierOptions
        {
            TransientExceptionTypes = [typeof(OperationCanceledException)],
            IsTransientException = _ => true,
        });

        Assert.False(classifier.IsTransientException(new OperationCanceledException(cts.Token), cts.Token));
        Assert.False(classifier.IsTransientException(new TaskCanceledException("timeout", new TimeoutException()), cts.Token));
        Assert.False(TransientClassifier.IsTransient(Outcome.FromException<int>(new TaskCanceledException()), cts.Token));
        Assert.True(TransientClassifier.IsCallerCancellation(new OperationCanceledException(), cts.Token));

        // The same exceptions while the caller's token is live are judged on their own.
        Assert.True(classifier.IsTransientException(new OperationCanceledException(), CancellationToken.None));
        Assert.False(TransientClassifier.IsCallerCancellation(new OperationCanceledException(), CancellationToken.None));
    }

    [Fact]
    public void IsTransientOutcome_CustomStatusCodes_ReplaceDefaults()
    {
        var options = new TransientClassifierOptions();
        options.TransientStatusCodes.Clear();
        options.TransientStatusCodes.Add(418);
        var classifier = new TransientClassifier(options);
        using var teapot = new HttpResponseMessage((HttpStatusCode)418);
        using var unavailable = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);

        Assert.True(classifier.IsTransientOutcome(Outcome.FromResult(teapot), CancellationToken.None));
        Assert.False(classifier.IsTransientOutcome(Outcome.FromResult(unavailable), CancellationToken.None));
        Assert.False(classifier.IsTransientException(new HttpRequestException("503", null, HttpStatusCode.ServiceUnavailable), CancellationToken.None));
    }

    [Fact]
    public void IsTransientException_ExtraTypesAndPredicate_AddToBuiltInRules()
    {
        var classifier = new TransientClassifier(new TransientClassifierOptions
        {
            TransientExceptionTypes = [typeof(InvalidOperationException)],
            IsTransientException = e => e.Message == "retry me",
        });

        Assert.True(classifier.IsTransientException(new InvalidOperationException(), CancellationToken.None));
        Assert.True(classifier.IsTransientException(new ObjectDisposedException("derived"), CancellationToken.None));
        Assert.True(classifier.IsTransientException(new ArgumentException("retry me"), CancellationToken.None));
        Assert.False(classifier.IsTransientException(new ArgumentException("no"), CancellationToken.None));
        Assert.True(classifier.IsTransientException(new TimeoutRejectedException(), CancellationToken.None));
        Assert.False(TransientClassifier.Default.IsTransientException(new InvalidOperationException(), CancellationToken.None));
    }

    [Fact]
    public void Ctor_OptionsCopied_LaterChangesIgnored()
    {
        var options = new TransientClassifierOptions();
        var classifier = new TransientClassifier(options);
        options.TransientStatusCodes.Remove(503);

        Assert.True(classifier.IsTransientStatusCode(503));
    }

    [Theory]
    [InlineData(99)]
    [InlineData(1000)]
    [InlineData(-1)]
    public void Ctor_StatusCodeOutOfRange_Throws(int code)
    {
        var options = new TransientClassifierOptions();
        options.TransientStatusCodes.Add(code);

        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => new TransientClassifier(options));
        Assert.Equal(code, exception.ActualValue);
    }

    [Fact]
    public void IsTransientStatusCode_OutsideTable_False()
    {
        Assert.False(TransientClassifier.Default.IsTransientStatusCode(-503));
        Assert.False(TransientClassifier.Default.IsTransientStatusCode(100_503));
    }
}
