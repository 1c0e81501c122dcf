using BenchmarkDotNet.Attributes;
using Bulwark.AspNetCore.Logging;
using Bulwark.AspNetCore.Redaction;

namespace Bulwark.Benchmarks.Redaction;

/// <summary>
/// The redaction a successful request's log line pays with the default rules: its path and its generated correlation
/// id (a GUID, or the W3C trace id); with a client that sends a <c>User-Agent</c>, scanned, and as the logging middleware
/// redacts it, remembered from an earlier request. The route, provider and breaker state are redacted once and cached
/// by the logging middleware, so they are not here.
/// </summary>
[MemoryDiagnoser]
public class RequestLogRedactionBenchmarks
{
    private static readonly PiiRedactor Redactor = new();
    private readonly string _path = "/api/orders/42";
    private readonly string _correlationId = Guid.NewGuid().ToString("N");
    private readonly string _userAgent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    private readonly RedactedValueCache _userAgents = new(Redactor, capacity: 256, maxValueLength: 512);

    [Benchmark(Baseline = true)]
    public int PathAndCorrelationId() =>
        Redactor.Redact(_path).Length + Redactor.Redact(_correlationId).Length;

    [Benchmark]
    public int WithUserAgent() =>
        Redactor.Redact(_path).Length + Redactor.Redact(_correlationId).Length + Redactor.Redact(_userAgent).Length;

    [Benchmark]
    public int WithUserAgentSeenBefore() =>
        Redactor.Redact(_path).Length + Redactor.Redact(_correlationId).Length + _userAgents.Redact(_userAgent).Length;
}
