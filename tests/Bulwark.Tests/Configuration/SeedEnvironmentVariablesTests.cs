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

    private const string TwoPipelines = """
        {
          "Bulwark": {
            "Pipelines": {
              "default": {
                "Retry": { "MaxRetries": 3 },
                "CircuitBreaker": { "Mode": "Adaptive" }
              },
              "uploads-s3": {
                "Retry": { "MaxRetries": 1 },
                "CircuitBreaker": { "Mode": "FailureRatio", "FailureRatio": 0.5 }
              }
            }
          }
        }
        """;

    [Fact]
    public void ResilienceEnabledFalse_RemovesRetriesAndBreakersFromEveryPipeline_AndSaysWhichItChanged()
    {
        var options = ConfigurationFixture.Options(TwoPipelines, new Dictionary<string, string> { ["RESILIENCE_ENABLED"] = "false", ["RETRY_MAX_ATTEMPTS"] = "9" });

        Assert.All(options.Pipelines.Values, p => Assert.Null(p.Retry));
        Assert.All(options.Pipelines.Values, p => Assert.Null(p.CircuitBreaker));
        Assert.Equal(
            [("RESILIENCE_ENABLED", "default, uploads-s3"), ("RETRY_MAX_ATTEMPTS", "")],
            options.GetEnvironmentOverrides().Select(o => (o.Variable, string.Join(", ", o.Pipelines))));
    }

    [Fact]
    public void ResilienceEnabledTrue_ChangesNothing_AndSaysSo()
    {
        var options = ConfigurationFixture.Options(TwoPipelines, new Dictionary<string, string> { ["RESILIENCE_ENABLED"] = "true" });

        Assert.Equal(3, options.Pipelines["default"].Retry!.MaxRetries);
        Assert.NotNull(options.Pipelines["uploads-s3"].CircuitBreaker);
        var variable = Assert.Single(options.GetEnvironmentOverrides());
        Assert.Equal("RESILIENCE_ENABLED", variable.Variable);
        Assert.Empty(variable.Pipelines);
    }

    [Fact]
    public void UnprefixedVariables_ApplyToEveryPipeline_NamedOnesIncluded()
    {
        var options = ConfigurationFixture.Options(TwoPipelines, new Dictionary<string, string> { ["RETRY_MAX_ATTEMPTS"] = "5", ["CIRCUIT_BREAKER_TIMEOUT"] = "7" });

        Assert.Equal(4, options.Pipelines["default"].Retry!.MaxRetries);
        Assert.Equal(4, options.Pipelines["uploads-s3"].Retry!.MaxRetries);
        Assert.Equal(TimeSpan.FromSeconds(7), options.Pipelines["uploads-s3"].CircuitBreaker!.BreakDuration);
        Assert.Equal(CircuitBreakerMode.FailureRatio, options.Pipelines["uploads-s3"].CircuitBreaker!.Mode);
        Assert.All(options.GetEnvironmentOverrides(), o => Assert.Equal(["default", "uploads-s3"], o.Pipelines));
    }

    [Fact]
    public void PrefixedVariables_ApplyToTheirPipelineOnly_AndWinOverTheUnprefixed()
    {
        var options = ConfigurationFixture.Options(TwoPipelines, new Dictionary<string, string>
        {
            ["RETRY_MAX_ATTEMPTS"] = "5",
            ["BULWARK_PIPELINE_UPLOADS_S3_RETRY_MAX_ATTEMPTS"] = "10",
            ["BULWARK_PIPELINE_UPLOADS_S3_RESILIENCE_CIRCUIT_BREAKER_ENABLED"] = "false",
        });

        Assert.Equal(4, options.Pipelines["default"].Retry!.MaxRetries);
        Assert.NotNull(options.Pipelines["default"].CircuitBreaker);
        Assert.Equal(9, options.Pipelines["uploads-s3"].Retry!.MaxRetries);
        Assert.Null(options.Pipelines["uploads-s3"].CircuitBreaker);
        Assert.Equal(
            [
                ("BULWARK_PIPELINE_UPLOADS_S3_RESILIENCE_CIRCUIT_BREAKER_ENABLED", "uploads-s3"),
                ("BULWARK_PIPELINE_UPLOADS_S3_RETRY_MAX_ATTEMPTS", "uploads-s3"),
                ("RETRY_MAX_ATTEMPTS", "default"),
            ],
            options.GetEnvironmentOverrides().Select(o => (o.Variable, string.Join(", ", o.Pipelines))));
        Assert.Equal("BULWARK_PIPELINE_UPLOADS_S3_RETRY_MAX_ATTEMPTS", Bulwark.Configuration.EnvironmentOverride.PipelineVariable("uploads-s3", "RETRY_MAX_ATTEMPTS"));
    }

    [Fact]
    public void AVariableAnotherOneOverrides_ChangedNothing()
    {
        var options = ConfigurationFixture.Options(TwoPipelines, new Dictionary<string, string>
        {
            ["RESILIENCE_RETRY_ENABLED"] = "false",
            ["RETRY_JITTER"] = "true",
        });

        Assert.All(options.Pipelines.Values, p => Assert.Null(p.Retry));
        Assert.Equal(
            [("RESILIENCE_RETRY_ENABLED", "default, uploads-s3"), ("RETRY_JITTER", "")],
            options.GetEnvironmentOverrides().Select(o => (o.Variable, string.Join(", ", o.Pipelines))));
    }
}
