using System.Text;
using Microsoft.Net.Http.Headers;

namespace Bulwark.Gateway.Hosting;

/// <summary>
/// Kestrel's <c>RequestHeaderEncodingSelector</c>: the two request headers Kestrel would otherwise read more loosely
/// than a gateway may (<see cref="DigitsOnlyEncoding"/>, <see cref="ConnectionTokensEncoding"/>); every other header
/// is decoded as Kestrel always does.
/// </summary>
internal static class RequestHeaderDecoding
{
    public static Encoding? Select(string name) => name.Length switch
    {
        10 when name.Equals(HeaderNames.Connection, StringComparison.OrdinalIgnoreCase) => ConnectionTokensEncoding.Instance,
        14 when name.Equals(HeaderNames.ContentLength, StringComparison.OrdinalIgnoreCase) => DigitsOnlyEncoding.Instance,
        _ => null,
    };
}
