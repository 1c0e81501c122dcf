using Bulwark.Classification;
using Yarp.ReverseProxy.Forwarder;

namespace Bulwark.Gateway.Forwarding;

/// <summary>An attempt that failed without a usable response: connection refused or reset, timeout, protocol error.</summary>
internal sealed class UpstreamRequestException : HttpRequestException, IRequestDeliveryInfo
{
    public UpstreamRequestException(ForwarderError error, HttpRequestError requestError, bool reachedProvider, Exception? inner)
        : base(requestError, Describe(error, requestError), inner)
    {
        Error = error;
        MayHaveReachedDependency = reachedProvider;
    }

    public ForwarderError Error { get; }

    public bool MayHaveReachedDependency { get; }

    /// <summary>Gets <see langword="false"/>: no answer came, so nothing proves the provider did not process what reached it.</summary>
    public bool ProvedNotProcessed => false;

    private static string Describe(ForwarderError error, HttpRequestError requestError) => requestError switch
    {
        HttpRequestError.ConnectionError => "The provider could not be reached (connection refused or reset).",
        HttpRequestError.ResponseEnded => "The provider closed the connection before answering.",
        HttpRequestError.InvalidResponse => "The provider's answer was not what its API answers, so it could not be translated.",
        _ => $"The request to the provider failed ({error}).",
    };
}
