using System.Text.Json;
using Bulwark.AspNetCore.Logging;
using Bulwark.Failover;

namespace Bulwark.AspNetCore.Tests.Logging;

/// <summary>What logger providers other than Bulwark's JSON formatter see of the request event.</summary>
public sealed class RequestCompletedStateTests
{
    private static readonly RequestCompletedState State = new()
    {
        Method = "POST",
        Route = "/v1/chat",
        Status = 502,
        DurationMs = 41.5,
        Path = "/v1/chat",
        CorrelationId = "c-1",
        RequestId = "r-1",
        Provider = "secondary",
        Attempts = new AttemptsJson(
            [new FailoverAttempt("primary", 1, FailoverAttemptKind.Failure, 503, null, TimeSpan.FromMilliseconds(12), Bulwark.Outcomes.AttemptOutcome.TransientStatus, true)],
            static value => value),
        BreakerState = "Closed",
        BytesIn = 0,
        ErrorType = "upstream_failure",
        Model = "gpt-4o-mini-2024-07-18",
        InputTokens = 1200,
        CachedInputTokens = 200,
        OutputTokens = 300,
        Cost = 0.000345m,
    };

    [Fact]
    public void Fields_ListEveryFieldAndTheTemplate_AttemptsAsJsonText()
    {
        var fields = State.ToDictionary(static f => f.Key, static f => f.Value);

        Assert.Equal(24, State.Count);
        Assert.Equal(RequestCompletedState.Template, fields["{OriginalFormat}"]);
        Assert.Equal(502, fields["status"]);
        Assert.Equal(41.5, fields["duration_ms"]);
        Assert.Null(fields["tenant_id"]);
        Assert.Null(fields["bytes_out"]);
        Assert.Equal("gpt-4o-mini-2024-07-18", fields["model"]);
        Assert.Equal(1200L, fields["input_tokens"]);
        Assert.Equal(200L, fields["cached_input_tokens"]);
        Assert.Equal(300L, fields["output_tokens"]);
        Assert.Equal(0.000345m, fields["cost"]);
        using var attempts = JsonDocument.Parse(fields["attempts"]!.ToString()!);
        var attempt = Assert.Single(attempts.RootElement.EnumerateArray());
        Assert.Equal("primary", attempt.GetProperty("provider").GetString());
        Assert.Equal(503, attempt.GetProperty("status").GetInt32());
        Assert.Equal(12, attempt.GetProperty("duration_ms").GetDouble());
    }

    [Fact]
    public void Format_WritesTheLongMessageWithEveryField()
    {
        Assert.Equal(
            "POST /v1/chat responded 502 in 41.5 ms; path /v1/chat; correlation c-1; request r-1; tenant (null); user (null); " +
            "client (null); agent (null); provider secondary; attempts [{\"provider\":\"primary\",\"attempt\":1,\"outcome\":\"failure\"," +
            "\"status\":503,\"duration_ms\":12}]; breaker Closed; bytes in 0 out (null); error upstream_failure: (null); " +
            "model gpt-4o-mini-2024-07-18; tokens in 1200 (cached 200) out 300; cost 0.000345",
            RequestCompletedState.Format(State, null));
    }
}
