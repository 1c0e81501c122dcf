using System.Net;
using Bulwark.Gateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Bulwark.Gateway.Tests.Problems;

/// <summary>Every retryable "come back later" answer says when: the Retry-After header and retryAfterSeconds agree.</summary>
public class RetryAfterTests
{
    private const int Concurrent = 8;

    [Fact]
    public async Task BreakerOpensDuringTheRetries_Of8ConcurrentRequests_EveryRetryableAnswerCarriesRetryAfter()
    {
        await using var provider = await Upstream.StartAsync();

        // The first eight requests are held until all eight have arrived, then all answer 429 at once: the eighth
        // failure in a row opens the breaker, so each request's retry (after the provider's Retry-After, capped at
        // 3 s, long enough for all eight failures to be recorded on a loaded machine) meets an open breaker — the final outcome is the breaker's rejection, after an attempt was sent.
        var allArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        provider.Behaviour = async (context, n) =>
        {
            if (n == Concurrent)
            {
                allArrived.TrySetResult();
            }

            await allArrived.Task.WaitAsync(Poll.DefaultTimeout);
            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            context.Response.Headers.RetryAfter = "7";
        };
        string json = $$"""
            {
              "Bulwark": {
                "Pipelines": {
                  "default": {
                    "Retry": { "MaxRetries": 2, "Backoff": "Constant", "Jitter": "None", "BaseDelay": "00:00:00", "MaxRetryAfter": "00:00:03" },
                    "CircuitBreaker": { "Mode": "ConsecutiveFailures", "FailureThreshold": {{Concurrent}}, "BreakDuration": "00:00:30" },
                    "Timeout": { "Attempt": "00:00:20", "Total": "00:00:30" },
                    "Bulkhead": { "MaxConcurrency": 50, "QueueLimit": 50 }
                  }
                },
                "Providers": { "throttled": { "BaseUrl": "{{provider.BaseAddress.ToString().TrimEnd('/')}}" } },
                "Routes": [ { "Path": "/api/{**rest}", "Providers": [ "throttled" ] } ]
              }
            }
            """;
        await using var gateway = await GatewayUnderTest.StartAsync(json);

        var responses = await Poll.WithinAsync(
            Task.WhenAll(Enumerable.Range(0, Concurrent).Select(_ => gateway.Client.GetAsync("/api/chat"))),
            "the concurrent requests to be answered");

        var failures = new List<string>();
        foreach (var response in responses)
        {
            using (response)
            {
                var problem = await Problem.ReadAsync(response);
                Assert.True(problem.GetProperty("retryable").GetBoolean());
                var header = response.Headers.RetryAfter?.Delta;
                var body = problem.GetProperty("retryAfterSeconds");
                string outcomes = string.Join(", ", problem.GetProperty("attempts").EnumerateArray().Select(a => a.GetProperty("outcome").GetString()));
                if (header is null || body.ValueKind != System.Text.Json.JsonValueKind.Number)
                {
                    failures.Add($"{(int)response.StatusCode} without Retry-After (attempts: {outcomes})");
                    continue;
                }

                // The breaker's remaining break (up to 30 s) is later than the provider's 7 s: a retry cannot succeed before it.
                Assert.Equal(header.Value.TotalSeconds, body.GetInt32());
                Assert.InRange(body.GetInt32(), 7, 30);
            }
        }

        Assert.Empty(failures);
        Assert.Equal(Concurrent, provider.Requests);
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.BadGateway, r.StatusCode));
    }

    [Fact]
    public async Task ProviderAnswers429WithRetryAfter_OnEveryAttempt_502CarriesItsRetryAfter()
    {
        await using var provider = await Upstream.StartAsync();
        provider.Behaviour = Throttled("9");
        await using var gateway = await GatewayUnderTest.StartAsync(SingleProvider(provider));

        using var response = await gateway.Client.GetAsync("/api/chat");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var problem = await Problem.ReadAsync(response);
        Assert.Equal(TimeSpan.FromSeconds(9), response.Headers.RetryAfter?.Delta);
        Assert.Equal(9, problem.GetProperty("retryAfterSeconds").GetInt32());
        Assert.Equal(3, provider.Requests);
    }

    [Fact]
    public async Task ProviderRetryAfterOfDecades_IsStillATransientAnswer_RetriedAndReportedCappedAtADay()
    {
        await using var provider = await Upstream.StartAsync();
        provider.Behaviour = Throttled("2147483647");
        await using var gateway = await GatewayUnderTest.StartAsync(SingleProvider(provider));

        using var response = await gateway.Client.GetAsync("/api/chat");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var problem = await Problem.ReadAsync(response);
        Assert.True(problem.GetProperty("retryable").GetBoolean());
        Assert.True(problem.TryGetProperty("retryAfterSeconds", out var seconds) && seconds.ValueKind == System.Text.Json.JsonValueKind.Number, problem.ToString());
        Assert.Equal(86400, seconds.GetInt32());
        Assert.Equal(3, provider.Requests);
    }

    [Fact]
    public async Task OneProviderSaysLaterAndAnotherNothing_NoRouteWideRetryAfterIsClaimed()
    {
        await using var throttled = await Upstream.StartAsync();
        throttled.Behaviour = Throttled("20");
        await using var failing = await Upstream.StartAsync();
        failing.Behaviour = Upstream.Status(StatusCodes.Status502BadGateway);
        string json = $$"""
            {
              "Bulwark": {
                "Pipelines": { "default": {{Configs.FastPipeline}} },
                "Providers": {
                  "throttled": { "BaseUrl": "{{throttled.BaseAddress.ToString().TrimEnd('/')}}" },
                  "failing": { "BaseUrl": "{{failing.BaseAddress.ToString().TrimEnd('/')}}" }
                },
                "Routes": [ { "Path": "/api/{**rest}", "Providers": [ "throttled", "failing" ], "Idempotent": true } ]
              }
            }
            """;
        await using var gateway = await GatewayUnderTest.StartAsync(json);

        using var response = await gateway.Client.GetAsync("/api/chat");

        // "failing" may serve a retry at once: telling the client to wait the throttled provider's 20 s would be false.
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var problem = await Problem.ReadAsync(response);
        Assert.True(problem.GetProperty("retryable").GetBoolean());
        Assert.Null(response.Headers.RetryAfter);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, problem.GetProperty("retryAfterSeconds").ValueKind);
        Assert.True(failing.Requests > 0);
    }

    /// <summary>A provider that answers every call 429 with the given Retry-After.</summary>
    private static Func<HttpContext, int, Task> Throttled(string retryAfter) => (context, _) =>
    {
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = retryAfter;
        return Task.CompletedTask;
    };

    private static string SingleProvider(Upstream provider) => $$"""
        {
          "Bulwark": {
            "Pipelines": { "default": {{Configs.FastPipeline}} },
            "Providers": { "throttled": { "BaseUrl": "{{provider.BaseAddress.ToString().TrimEnd('/')}}" } },
            "Routes": [ { "Path": "/api/{**rest}", "Providers": [ "throttled" ] } ]
          }
        }
        """;
}
