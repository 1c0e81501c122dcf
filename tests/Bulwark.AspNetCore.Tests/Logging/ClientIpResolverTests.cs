using System.Net;
using Bulwark.AspNetCore.Logging;
using Microsoft.AspNetCore.Http;

namespace Bulwark.AspNetCore.Tests.Logging;

public class ClientIpResolverTests
{
    [Theory]
    [InlineData("10.1.2.3", "203.0.113.9", "203.0.113.9")]
    [InlineData("10.1.2.3", "198.51.100.1, 203.0.113.9, 10.9.9.9", "203.0.113.9")]
    [InlineData("10.1.2.3", "[2001:db8::7]:443", "2001:db8::7")]
    [InlineData("10.1.2.3", "203.0.113.9:5123", "203.0.113.9")]
    [InlineData("10.1.2.3", "not-an-ip, 10.9.9.9", "10.9.9.9")]
    [InlineData("10.1.2.3", null, "10.1.2.3")]
    [InlineData("192.0.2.50", "203.0.113.9", "192.0.2.50")]
    [InlineData("::ffff:10.1.2.3", "203.0.113.9", "203.0.113.9")]
    public void Resolve_BelievesForwardedForOnlyFromTrustedProxies(string remote, string? forwardedFor, string expected)
    {
        var resolver = new ClientIpResolver(["10.0.0.0/8", "2001:db8::1"]);
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(remote);
        if (forwardedFor is not null)
        {
            context.Request.Headers["X-Forwarded-For"] = forwardedFor;
        }

        Assert.Equal(expected, resolver.Resolve(context));
    }

    [Theory]
    [InlineData("10.0.0.0/8", true)]
    [InlineData("127.0.0.1", true)]
    [InlineData("2001:db8::/32", true)]
    [InlineData("10.0.0.0/33", false)]
    [InlineData("proxy.internal", false)]
    public void TryParseNetwork_AcceptsAddressesAndCidrs(string value, bool ok) => Assert.Equal(ok, ClientIpResolver.TryParseNetwork(value, out _));
}
