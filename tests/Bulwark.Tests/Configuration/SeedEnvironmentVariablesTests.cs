using Bulwark.Backoff;
using Bulwark.CircuitBreaker;

namespace Bulwark.Tests.Configuration;

public class SeedEnvironmentVariablesTests
{
    private static readonly Dictionary<string, string> SeedDefaults = new()
    {
        ["RETRY_MAX_ATTEMPTS"] = "3",
        ["RETRY_BASE_DELAY"] = "1.0",
        ["RETRY_MAX_DELAY"] = "60.0",
        ["RETRY_EXPONENTIAL_BASE"] = "2.0",
        ["RETRY_JITTER"] = "true",
        ["CIRCUIT_BREAKER_FAILURE_THRESHOLD"] = "5",
        ["CIRCUIT_BREAKER_SUCCESS_THRESHOLD"] = "2",
        ["CIRCUIT_BREAKER_TIMEOUT"] = "60.0",
        ["CIRCUIT_BREAKER_HALF_OPEN_MAX_CALLS"] = "1",
    };

    [Fact]
    public void SeedVariables_WithoutAFile_BuildTheDefaultPipeline()
    {
        var options = ConfigurationFixture.Options("{}", SeedDefaults);
        var pipeline = options.Pipelines["default"];
        Assert.Equal(2, pipeline.Retry!.MaxRetries); // 3 attempts = 2 retries
        Assert.Equal(TimeSpan.FromSeconds(1), pipeline.Retry.BaseDelay);
        Assert.Equal(TimeSpan.FromSeconds(60), pipeline.Retry.MaxDelay);
        Assert.Equal(2.0, pipeline.Retry.ExponentialFactor);
        Assert.Equal(JitterMode.Full, pipeline.Retry.Jitter);
        Assert.Equal(CircuitBreakerMode.ConsecutiveFailures, pipeline.CircuitBreaker!.Mode);
        Assert.Equal(5, pipeline.CircuitBreaker.FailureThreshold);
        Assert.Equal(2, pipeline.CircuitBreaker.SuccessThreshold);
        Assert.Equal(TimeSpan.FromSeconds(60), pipeline.CircuitBreaker.BreakDuration);
        Assert.Equal(1, pipeline.CircuitBreaker.HalfOpenMaxCalls);
    }

    [Fact]
    public void SeedVariables_OverrideTheFile_ButKeepAnExplicitMode()
    {
        var options = ConfigurationFixture.Options(ConfigurationFixture.IssueExample, new Dictionary<string, string>
        {
            ["RETRY_MAX_ATTEMPTS"] = "5",
            ["CIRCUIT_BREAKER_FAILURE_THRESHOLD"] = "7",
        });
        var pipeline = options.Pipelines["default"];
        Assert.Equal(4, pipeline.Retry!.MaxRetries);
        Assert.Equal(TimeSpan.FromMilliseconds(50), pipeline.Retry.BaseDelay); // from the file
        Assert.Equal(CircuitBreakerMode.Adaptive, pipeline.CircuitBreaker!.Mode); // the file set it
        Assert.Equal(7, pipeline.CircuitBreaker.FailureThreshold);
    }

    [Fact]
    public void DisabledStrategies_AreRemoved()
    {
        var options = ConfigurationFixture.Options(ConfigurationFixture.IssueExample, new Dictionary<string, string>
        {
            ["RESILIENCE_RETRY_ENABLED"] = "false",
            ["RESILIENCE_CIRCUIT_BREAKER_ENABLED"] = "false",
        });
        Assert.Null(options.Pipelines["default"].Retry);
        Assert.Null(options.Pipelines["default"].CircuitBreaker);
    }

    [Fact]
    public void BadSeedValues_AreReportedWithTheVariableName()
    {
        var errors = ConfigurationFixture.Errors("{}", new Dictionary<string, string>
        {
            ["RETRY_MAX_ATTEMPTS"] = "0",
            ["RETRY_JITTER"] = "sometimes",
            ["CIRCUIT_BREAKER_TIMEOUT"] = "soon",
        });
        Assert.Equal(
            [
                "RETRY_MAX_ATTEMPTS (environment): '0' is not a whole number of at least 1.",
                "RETRY_JITTER (environment): 'sometimes' is not a boolean; use true or false.",
                "CIRCUIT_BREAKER_TIMEOUT (environment): 'soon' is not a number of seconds between 0 and 86400.",
            ],
            errors);
    }
}
