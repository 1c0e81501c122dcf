using System.Net;
using System.Net.Sockets;
using Polly;
using Polly.Timeout;

namespace Bulwark.Classification;

/// <summary>
/// Decides whether a failure is transient: worth trying again. The default predicate of Bulwark's strategies.
/// </summary>
/// <remarks>
/// <para>Transient by default:</para>
/// <list type="bullet">
/// <item><description>an <see cref="HttpResponseMessage"/> or <see cref="HttpStatusCode"/> result with status 408, 429, 500, 502, 503, 504 or 529 (configurable);</description></item>
/// <item><description>Polly's <see cref="TimeoutRejectedException"/> and <see cref="TimeoutException"/>;</description></item>
/// <item><description>an <see cref="OperationCanceledException"/> caused by a timeout (inner <see cref="TimeoutException"/>, as <see cref="HttpClient"/> throws) while the caller's token is not cancelled;</description></item>
/// <item><description><see cref="HttpRequestException"/> with a transient status code or a connection-level
/// <see cref="HttpRequestError"/> (<see cref="HttpRequestError.ConnectionError"/>, <see cref="HttpRequestError.ResponseEnded"/>,
/// <see cref="HttpRequestError.HttpProtocolError"/>, <see cref="HttpRequestError.ProxyTunnelError"/>), or an unknown error whose inner
/// exception is transient or absent;</description></item>
/// <item><description><see cref="SocketException"/> with a connection-level error (refused, reset, aborted, timed out, unreachable, try again, ...);</description></item>
/// <item><description><see cref="IOException"/>, except file-system ones (file, directory or drive not found, path too long).</description></item>
/// </list>
/// <para>
/// An <see cref="OperationCanceledException"/> while the caller's token is cancelled is never a failure: it is not transient,
/// whatever the options say. Other results, other exceptions and Polly's <c>BrokenCircuitException</c> are not transient unless
/// added through <see cref="TransientClassifierOptions"/>.
/// </para>
/// <para>An instance is immutable and thread-safe; classifying allocates nothing.</para>
/// </remarks>
public sealed class TransientClassifier
{
    private const int StatusTableSize = 1000;

    private readonly bool[] _statusTable = new bool[StatusTableSize];
    private readonly Type[] _exceptionTypes;
    private readonly Func<Exception, bool>? _predicate;

    /// <summary>
    /// Initializes a new instance of the <see cref="TransientClassifier"/> class.
    /// </summary>
    /// <param name="options">The options; copied, so later changes to them have no effect.</param>
    /// <exception cref="ArgumentOutOfRangeException">A status code is outside 100 to 999.</exception>
    public TransientClassifier(TransientClassifierOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);

        foreach (var code in options.TransientStatusCodes ?? (IEnumerable<int>)[])
        {
            if (code is < 100 or >= StatusTableSize)
            {
                throw new ArgumentOutOfRangeException(nameof(options), code, "Transient status codes must be between 100 and 999.");
            }

            _statusTable[code] = true;
        }

        _exceptionTypes = options.TransientExceptionTypes is { } types ? [.. types] : [];
        _predicate = options.IsTransientException;
    }

    /// <summary>
    /// Gets the classifier with the default options.
    /// </summary>
    public static TransientClassifier Default { get; } = new(new TransientClassifierOptions());

    /// <summary>
    /// Classifies an outcome with the <see cref="Default"/> classifier.
    /// </summary>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="outcome">The outcome of one attempt.</param>
    /// <param name="callerToken">The caller's token (<see cref="ResilienceContext.CancellationToken"/>).</param>
    /// <returns><see langword="true"/> when the outcome is a transient failure.</returns>
    public static bool IsTransient<TResult>(Outcome<TResult> outcome, CancellationToken callerToken)
        => Default.IsTransientOutcome(outcome, callerToken);

    /// <summary>
    /// Gets a value indicating whether <paramref name="exception"/> is a cancellation requested by the caller,
    /// which is never a failure.
    /// </summary>
    /// <param name="exception">The exception.</param>
    /// <param name="callerToken">The caller's token.</param>
    /// <returns><see langword="true"/> for an <see cref="OperationCanceledException"/> while <paramref name="callerToken"/> is cancelled.</returns>
    public static bool IsCallerCancellation(Exception? exception, CancellationToken callerToken)
        => exception is OperationCanceledException && callerToken.IsCancellationRequested;

    /// <summary>
    /// Classifies an outcome: an exception by <see cref="IsTransientException"/>, an <see cref="HttpResponseMessage"/> or
    /// <see cref="HttpStatusCode"/> result by its status code; any other result is not transient.
    /// </summary>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="outcome">The outcome of one attempt.</param>
    /// <param name="callerToken">The caller's token (<see cref="ResilienceContext.CancellationToken"/>).</param>
    /// <returns><see langword="true"/> when the outcome is a transient failure.</returns>
    public bool IsTransientOutcome<TResult>(Outcome<TResult> outcome, CancellationToken callerToken)
    {
        if (outcome.Exception is { } exception)
        {
            return IsTransientException(exception, callerToken);
        }

        return outcome.Result switch
        {
            HttpResponseMessage response => IsTransientStatusCode((int)response.StatusCode),
            HttpStatusCode status => IsTransientStatusCode((int)status),
            _ => false,
        };
    }

    /// <summary>
    /// Gets a value indicating whether an HTTP status code is transient.
    /// </summary>
    /// <param name="statusCode">The status code.</param>
    /// <returns><see langword="true"/> when the code is one of <see cref="TransientClassifierOptions.TransientStatusCodes"/>.</returns>
    public bool IsTransientStatusCode(int statusCode)
        => (uint)statusCode < StatusTableSize && _statusTable[statusCode];

    /// <summary>
    /// Classifies an exception with the built-in rules, then the extra types and predicate of the options.
    /// </summary>
    /// <param name="exception">The exception.</param>
    /// <param name="callerToken">The caller's token (<see cref="ResilienceContext.CancellationToken"/>).</param>
    /// <returns><see langword="true"/> when the exception is a transient failure.</returns>
    public bool IsTransientException(Exception exception, CancellationToken callerToken)
    {
        ArgumentNullException.ThrowIfNull(exception);

        if (IsCallerCancellation(exception, callerToken))
        {
            return false;
        }

        return IsTransientBuiltIn(exception) || IsTransientByOptions(exception);
    }

    private static bool IsTransientSocketError(SocketError error) => error is
        SocketError.ConnectionRefused or
        SocketError.ConnectionReset or
        SocketError.ConnectionAborted or
        SocketError.TimedOut or
        SocketError.HostUnreachable or
        SocketError.HostDown or
        SocketError.NetworkUnreachable or
        SocketError.NetworkDown or
        SocketError.NetworkReset or
        SocketError.TryAgain or
        SocketError.Shutdown or
        SocketError.NotConnected or
        SocketError.NoBufferSpaceAvailable or
        SocketError.TooManyOpenSockets or
        SocketError.Interrupted;

    private static bool IsFileSystemError(IOException exception) => exception is
        FileNotFoundException or
        DirectoryNotFoundException or
        DriveNotFoundException or
        PathTooLongException;

    private bool IsTransientBuiltIn(Exception exception)
    {
        switch (exception)
        {
            case TimeoutRejectedException:
            case TimeoutException:
                return true;

            // Not the caller's cancellation (checked before): HttpClient.Timeout surfaces like this.
            case OperationCanceledException:
                return exception.InnerException is TimeoutException;

            case HttpRequestException http:
                return IsTransientHttpRequestException(http);

            case SocketException socket:
                return IsTransientSocketError(socket.SocketErrorCode);

            case IOException io:
                if (IsFileSystemError(io))
                {
                    return false;
                }

                return io.InnerException is not SocketException inner || IsTransientSocketError(inner.SocketErrorCode);

            default:
                return false;
        }
    }

    private bool IsTransientHttpRequestException(HttpRequestException exception)
    {
        // EnsureSuccessStatusCode: the status code says it all.
        if (exception.StatusCode is { } status)
        {
            return IsTransientStatusCode((int)status);
        }

        switch (exception.HttpRequestError)
        {
            case HttpRequestError.ConnectionError:
            case HttpRequestError.ResponseEnded:
            case HttpRequestError.HttpProtocolError:
            case HttpRequestError.ProxyTunnelError:
                return true;

            case HttpRequestError.Unknown:
                // Same default as Microsoft.Extensions.Http.Resilience: an unexplained request failure is worth a retry,
                // unless the inner exception says otherwise.
                return exception.InnerException is null || IsTransientBuiltIn(exception.InnerException);

            case HttpRequestError.NameResolutionError:
                return exception.InnerException is SocketException { SocketErrorCode: SocketError.TryAgain };

            default:
                // TLS, authentication, version negotiation, invalid response, configuration limits: retrying repeats them.
                return false;
        }
    }

    private bool IsTransientByOptions(Exception exception)
    {
        foreach (var type in _exceptionTypes)
        {
            if (type.IsInstanceOfType(exception))
            {
                return true;
            }
        }

        return _predicate?.Invoke(exception) == true;
    }
}
