using Bulwark.CircuitBreaker;

namespace Bulwark.Tests.Configuration;

public class BulwarkOptionsValidatorTests
{
    [Fact]
    public void IssueExample_Binds_AllSections()
    {
        var options = ConfigurationFixture.Options(ConfigurationFixture.IssueExample);
        var pipeline = options.Pipelines["DEFAULT"]; // names are case-insensitive
        Assert.Equal(3, pipeline.Retry!.MaxRetries);
        Assert.Equal(TimeSpan.FromMilliseconds(50), pipeline.Retry.BaseDelay);
        Assert.Equal(CircuitBreakerMode.Adaptive, pipeline.CircuitBreaker!.Mode);
        Assert.Equal(TimeSpan.FromSeconds(2), pipeline.Timeout!.Attempt);
        Assert.Equal(200, pipeline.Bulkhead!.QueueLimit);
    }

    [Fact]
    public void InvalidRanges_AndCrossFieldRules_AreAllReportedAtOnce()
    {
        var errors = ConfigurationFixture.Errors("""
            { "Bulwark": { "Pipelines": { "payments": {
                "Retry": { "MaxRetries": 500 },
                "CircuitBreaker": { "FailureRatio": 0, "MinThreshold": 0.9, "MaxThreshold": 0.5, "HalfOpenMaxCalls": 0 },
                "Timeout": { "Attempt": "00:00:15", "Total": "00:00:10" },
                "Bulkhead": { "MaxConcurrency": 0 },
                "TransientStatusCodes": [ 503, 42 ]
            } } } }
            """);

        Assert.Equal(
            [
                "Bulwark:Pipelines:payments:Retry:MaxRetries: 500 is out of range; allowed 0 to 100.",
                "Bulwark:Pipelines:payments:CircuitBreaker:FailureRatio: 0 is out of range; allowed greater than 0 up to 1.",
                "Bulwark:Pipelines:payments:CircuitBreaker:HalfOpenMaxCalls: 0 is out of range; allowed 1 to 1000.",
                "Bulwark:Pipelines:payments:CircuitBreaker:MinThreshold: MinThreshold (0.9) must not exceed MaxThreshold (0.5).",
                "Bulwark:Pipelines:payments:Bulkhead:MaxConcurrency: 0 is out of range; allowed 1 to 100000.",
                "Bulwark:Pipelines:payments:Timeout:Attempt: 00:00:15 must be less than Timeout:Total (00:00:10), or no retry could ever start.",
                "Bulwark:Pipelines:payments:TransientStatusCodes:1: 42 is out of range; allowed 100 to 999.",
            ],
            errors);
    }

    [Fact]
    public void UnreadableValues_AreAllReported_WithWhatIsAllowed()
    {
        var errors = ConfigurationFixture.Errors("""
            { "Bulwark": { "Pipelines": { "default": {
                "Retry": { "MaxRetries": "three", "Backoff": "Expo", "BaseDelay": "2 seconds", "HonorRetryAfter": "maybe" },
                "CircuitBreaker": { "Mode": "Adaptve", "ShouldHandle": "x" },
                "Bulkhead": "big"
            } } } }
            """);

        // Configuration lists keys in order, so errors come in that order.
        Assert.Equal(
            [
                "Bulwark:Pipelines:default:Bulkhead: expects a section of settings, not the value 'big'.",
                "Bulwark:Pipelines:default:CircuitBreaker:Mode: 'Adaptve' is not a valid value; use one of ConsecutiveFailures, FailureRatio, Adaptive.",
                "Bulwark:Pipelines:default:CircuitBreaker:ShouldHandle: cannot be set from configuration; set it in code.",
                "Bulwark:Pipelines:default:Retry:Backoff: 'Expo' is not a valid value; use one of Constant, Linear, Exponential, Fibonacci.",
                "Bulwark:Pipelines:default:Retry:BaseDelay: '2 seconds' is not a duration; use [d.]hh:mm:ss[.fff], for example 00:00:02 or 00:00:00.250.",
                "Bulwark:Pipelines:default:Retry:HonorRetryAfter: 'maybe' is not a boolean (true or false).",
                "Bulwark:Pipelines:default:Retry:MaxRetries: 'three' is not a whole number.",
            ],
            errors);
    }

    [Fact]
    public void UnknownKeys_AreWarnings_WithSuggestion()
    {
        var options = ConfigurationFixture.Options("""
            { "Bulwark": { "Pipelines": { "default": { "Retry": { "MaxRetry": 2, "Colour": "blue" } } } } }
            """);
        Assert.Equal(
            [
                "Bulwark:Pipelines:default:Retry:Colour: unknown setting, ignored.",
                "Bulwark:Pipelines:default:Retry:MaxRetry: unknown setting, ignored; did you mean 'MaxRetries'?",
            ],
            options.ConfigurationWarnings);
        Assert.Equal(3, options.Pipelines["default"].Retry!.MaxRetries);
    }
}
