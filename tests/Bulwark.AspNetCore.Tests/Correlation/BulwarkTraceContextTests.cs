using System.Diagnostics;
using Bulwark.AspNetCore.Correlation;
using CsCheck;
using Microsoft.AspNetCore.Http;

namespace Bulwark.AspNetCore.Tests.Correlation;

public class BulwarkTraceContextTests
{
    [Fact]
    public void Of_RequestWithTraceparent_ContinuesTheTrace_WithASpanOfItsOwn()
    {
        var context = Request("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");

        var trace = BulwarkTraceContext.Of(context.Request);

        Assert.Equal(("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331", ActivityTraceFlags.Recorded, true),
            (trace.TraceId.ToHexString(), trace.ParentSpanId.ToHexString(), trace.TraceFlags, trace.HasParent));
        Assert.NotEqual("b7ad6b7169203331", trace.SpanId.ToHexString());
        Assert.Equal($"00-0af7651916cd43dd8448eb211c80319c-{trace.SpanId.ToHexString()}-01", trace.ToTraceParent());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("garbage")]
    [InlineData("00-00000000000000000000000000000000-b7ad6b7169203331-01")]
    [InlineData("00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01")]
    [InlineData("00-0af7651916cd43dd8448eb211c80319Z-b7ad6b7169203331-01")]
    [InlineData("00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01")]
    [InlineData("ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")]
    [InlineData("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-0g")]
    [InlineData("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-extra")]
    public void Of_RequestWithoutAValidTraceparent_StartsANewUnsampledTrace(string? header)
    {
        var context = Request(header);

        var trace = BulwarkTraceContext.Of(context.Request);

        Assert.False(trace.HasParent);
        Assert.Equal(ActivityTraceFlags.None, trace.TraceFlags);
        Assert.NotEqual("0af7651916cd43dd8448eb211c80319c", trace.TraceId.ToHexString());
        Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-00$", trace.ToTraceParent());
    }

    [Fact]
    public void Of_AnyValidTraceparent_KeepsTraceAndFlags_AndSendsItsOwnSpanAsParent()
    {
        var hex = Gen.Char["0123456789abcdef"];
        var ids = Gen.Select(hex.Array[32], hex.Array[16], Gen.Int[0, 255])
            .Where(t => t.Item1.Any(c => c != '0') && t.Item2.Any(c => c != '0'));
        ids.Sample((traceChars, spanChars, flags) =>
        {
            string traceId = new(traceChars), spanId = new(spanChars);
            var trace = BulwarkTraceContext.Of(Request($"00-{traceId}-{spanId}-{flags:x2}").Request);

            string sent = trace.ToTraceParent();
            return trace.TraceId.ToHexString() == traceId && trace.ParentSpanId.ToHexString() == spanId
                && sent == $"00-{traceId}-{trace.SpanId.ToHexString()}-0{flags & 1}"
                && trace.SpanId.ToHexString() != spanId;
        }, iter: 2_000);
    }

    [Fact]
    public void Of_Activity_IsTheActivitysContext()
    {
        using var activity = new Activity("request").SetParentId(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded).Start();

        var trace = BulwarkTraceContext.Of(activity);

        Assert.Equal((activity.TraceId, activity.SpanId, activity.ParentSpanId), (trace.TraceId, trace.SpanId, trace.ParentSpanId));
    }

    private static DefaultHttpContext Request(string? traceparent)
    {
        var context = new DefaultHttpContext();
        if (traceparent is not null)
        {
            context.Request.Headers.TraceParent = traceparent;
        }

        return context;
    }
}
