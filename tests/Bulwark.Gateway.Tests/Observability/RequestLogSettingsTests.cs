using System.Net;
using System.Text.RegularExpressions;
using Bulwark.Gateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Bulwark.Gateway.Tests.Observability;

/// <summary>
/// The request log's settings (<c>Bulwark:Logging</c>) in the gateway's own log: the one line each request writes when
/// it ends (event 3101), and the lines of its attempts (event 3102).
/// </summary>
public sealed partial class RequestLogSettingsTests
{
    private const int RequestCompleted = 3101;
    private const int AttemptCompleted = 3102;

    [Theory]
    [InlineData(true, "/api/search?q=shoes")]
    [InlineData(false, "/api/search")]
    public async Task LogQueryString_TheRequestLinesPathShowsTheQuery_OnlyWhenOn(bool logQueryString, string logged)
    {
        await using var upstream = await Upstream.StartAsync();
        var logs = new RecordingLoggerProvider();
        await using var gateway = await StartAsync(upstream, $$""" "LogQueryString": {{(logQueryString ? "true" : "false")}} """, logs);

        using var response = await gateway.Client.GetAsync("/api/search?q=shoes");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(logged, Field(await RequestLineAsync(logs, "/api/search"), "path"));
    }

    /// <summary>The tenant and user come from the headers named (the default tenant header, <c>X-Tenant-ID</c>, is then not read).</summary>
    [Fact]
    public async Task TenantIdHeader_AndUserIdHeader_NameTheHeadersTheRequestLinesTenantAndUserComeFrom()
    {
        await using var upstream = await Upstream.StartAsync();
        var logs = new RecordingLoggerProvider();
        await using var gateway = await StartAsync(upstream, """ "TenantIdHeader": "X-Org", "UserIdHeader": "X-User" """, logs);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/who");
        request.Headers.Add("X-Org", "acme");
        request.Headers.Add("X-Tenant-ID", "not-this-one");
        request.Headers.Add("X-User", "u-42");
        using var response = await gateway.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        string line = await RequestLineAsync(logs, "/api/who");
        Assert.Equal("acme", Field(line, "tenant"));
        Assert.Equal("u-42", Field(line, "user"));
    }

    /// <summary>The client is the <c>X-Forwarded-For</c> address only when the connection comes from a trusted proxy (the test's own, 127.0.0.1).</summary>
    [Theory]
    [InlineData("\"127.0.0.1\"", "203.0.113.9")]
    [InlineData("\"127.0.0.0/8\"", "203.0.113.9")]
    [InlineData("\"10.0.0.0/8\"", "127.0.0.1")]
    [InlineData("", "127.0.0.1")]
    public async Task TrustedProxies_TheClientIsTheForwardedAddress_OnlyFromATrustedProxy(string trustedProxies, string client)
    {
        await using var upstream = await Upstream.StartAsync();
        var logs = new RecordingLoggerProvider();
        await using var gateway = await StartAsync(upstream, $$""" "TrustedProxies": [ {{trustedProxies}} ] """, logs);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/from");
        request.Headers.Add("X-Forwarded-For", "203.0.113.9");
        using var response = await gateway.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(client, Field(await RequestLineAsync(logs, "/api/from"), "client"));
    }

    /// <summary>Each attempt of a request is logged at Debug when <c>LogAttempts</c> is on (the default), and not when off.</summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task LogAttempts_EachAttemptIsLogged_OnlyWhenOn(bool logAttempts)
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        primary.Behaviour = Upstream.Status(StatusCodes.Status503ServiceUnavailable);
        var logs = new RecordingLoggerProvider();
        await using var gateway = await GatewayUnderTest.StartAsync(
            Configs.TwoProviders(primary.BaseAddress, secondary.BaseAddress, bulwarkExtra: $$""" "Logging": { "LogAttempts": {{(logAttempts ? "true" : "false")}} }, """),
            logs: logs,
            minimumLogLevel: LogLevel.Debug);

        using var response = await gateway.Client.GetAsync("/api/tried");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        int attempts = int.Parse(response.Headers.GetValues("X-Bulwark-Attempts").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(4, attempts); // three on the primary, which keeps failing, then the secondary
        await RequestLineAsync(logs, "/api/tried");
        var attemptLines = logs.WithEventId(AttemptCompleted);
        Assert.Equal(logAttempts ? attempts : 0, attemptLines.Count);
        Assert.All(attemptLines, l => Assert.Equal(LogLevel.Debug, l.Level));
    }

    /// <summary>
    /// Bodies without a <c>Content-Length</c> (chunked both ways here) are counted into the request line only when
    /// <c>CountBodyBytes</c> is on (the default); off, bytes in are 0 and bytes out unknown.
    /// </summary>
    [Theory]
    [InlineData(true, "7", "11")]
    [InlineData(false, "0", "(null)")]
    public async Task CountBodyBytes_ChunkedBodiesAreCounted_OnlyWhenOn(bool countBodyBytes, string bytesIn, string bytesOut)
    {
        await using var upstream = await Upstream.StartAsync();
        upstream.Behaviour = static async (context, _) =>
        {
            // Flushed before it ends, so that neither the provider nor the gateway can give it a Content-Length.
            await context.Response.WriteAsync("hello");
            await context.Response.Body.FlushAsync();
            await context.Response.WriteAsync(" world");
        };
        var logs = new RecordingLoggerProvider();
        await using var gateway = await StartAsync(upstream, $$""" "CountBodyBytes": {{(countBodyBytes ? "true" : "false")}} """, logs);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/count") { Content = new StringContent("payload") };
        request.Headers.TransferEncodingChunked = true;
        using var response = await gateway.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.TransferEncodingChunked, "the response has a Content-Length");
        Assert.Equal("hello world", await response.Content.ReadAsStringAsync());
        var match = BytesPattern().Match(await RequestLineAsync(logs, "/api/count"));
        Assert.True(match.Success);
        Assert.Equal((bytesIn, bytesOut), (match.Groups["in"].Value, match.Groups["out"].Value));
    }

    /// <summary>
    /// A request that took longer than <c>SlowRequestThreshold</c> is logged as a warning, a quicker one as information:
    /// 2 s (measured on the gateway's clock, which the provider moves while answering) is quick under a 3 s threshold,
    /// and would be slow under the 1 s default.
    /// </summary>
    [Theory]
    [InlineData(2, LogLevel.Information)]
    [InlineData(4, LogLevel.Warning)]
    public async Task SlowRequestThreshold_ARequestTakingLongerIsLoggedAsAWarning(int seconds, LogLevel level)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var upstream = await Upstream.StartAsync();
        upstream.Behaviour = (context, n) =>
        {
            time.Advance(TimeSpan.FromSeconds(seconds));
            return Upstream.Ok(context, n);
        };
        var logs = new RecordingLoggerProvider();
        await using var gateway = await GatewayUnderTest.StartAsync(
            Configs.TwoProviders(upstream.BaseAddress, upstream.BaseAddress, bulwarkExtra: """ "Logging": { "SlowRequestThreshold": "00:00:03" }, """),
            timeProvider: time,
            logs: logs,
            minimumLogLevel: LogLevel.Information);

        using var response = await gateway.Client.GetAsync("/api/slow");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var line = await RequestRecordAsync(logs, "/api/slow");
        Assert.Equal(level, line.Level);
        Assert.Contains($"in {seconds * 1000} ms", line.Message, StringComparison.Ordinal);
    }

    private static Task<GatewayUnderTest> StartAsync(Upstream upstream, string logging, RecordingLoggerProvider logs) =>
        GatewayUnderTest.StartAsync(
            Configs.TwoProviders(upstream.BaseAddress, upstream.BaseAddress, bulwarkExtra: $$""" "Logging": { {{logging}} }, """),
            logs: logs,
            minimumLogLevel: LogLevel.Information);

    /// <summary>The request line of the request to <paramref name="path"/>, once written (after the response).</summary>
    private static async Task<LogRecord> RequestRecordAsync(RecordingLoggerProvider logs, string path)
    {
        LogRecord? line = null;
        await Poll.UntilAsync(
            () => (line = logs.WithEventId(RequestCompleted).FirstOrDefault(r => r.Message.Contains($"; path {path}", StringComparison.Ordinal))) is not null,
            $"the request line of {path}");
        return line!;
    }

    private static async Task<string> RequestLineAsync(RecordingLoggerProvider logs, string path) => (await RequestRecordAsync(logs, path)).Message;

    /// <summary>A field of the request line's text ("...; tenant acme; user u-42; client 127.0.0.1; ...").</summary>
    private static string Field(string line, string name)
    {
        var match = Regex.Match(line, $"; {name} (?<value>[^;]*);", RegexOptions.CultureInvariant);
        Assert.True(match.Success, $"no {name} in: {line}");
        return match.Groups["value"].Value;
    }

    [GeneratedRegex("; bytes in (?<in>[^ ]+) out (?<out>[^;]+);", RegexOptions.CultureInvariant)]
    private static partial Regex BytesPattern();
}
