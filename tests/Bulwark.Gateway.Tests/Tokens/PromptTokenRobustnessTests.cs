using System.Text;
using Bulwark.Gateway.Tokens;

namespace Bulwark.Gateway.Tests.Tokens;

public class PromptTokenRobustnessTests
{
    private static readonly PromptTokenEstimator Estimator = new();

    [Theory]
    [InlineData("")]
    [InlineData("not json at all")]
    [InlineData("[1,2,3]")]
    [InlineData("\"a string\"")]
    [InlineData("42")]
    [InlineData("{\"model\":\"gpt-4o\",")]
    [InlineData("{\"a\":1} trailing")]
    [InlineData("{\"a\":1,}")]
    [InlineData("{/* comment */\"a\":1}")]
    [InlineData("{\"lone\":\"\\ud800\"}")]
    public void UpperBound_NotAJsonObject_BytesOfTheWholeBody(string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);

        foreach (var model in new[] { "gpt-4o", "gpt-4", "claude-sonnet-4-5", null })
        {
            var bound = Estimator.UpperBound(bytes, model);

            Assert.Equal(bytes.Length + PromptTokenConstants.FixedAllowance, bound.Tokens);
            Assert.Equal(PromptTokenMethod.Bytes, bound.Method);
            Assert.Null(bound.Encoding);
        }
    }

    [Fact]
    public void UpperBound_InvalidUtf8InAString_BytesOfTheWholeBody()
    {
        byte[] body = [.. "{\"input\":\""u8, 0xC3, 0x28, 0xFF, .. "\"}"u8];

        var bound = Estimator.UpperBound(body, "gpt-4o");

        Assert.Equal(body.Length + PromptTokenConstants.FixedAllowance, bound.Tokens);
    }

    [Fact]
    public void UpperBound_DeeplyNested_NoThrow_BytesOfTheWholeBody()
    {
        var body = Encoding.UTF8.GetBytes("{\"a\":" + new string('[', 10_000) + new string(']', 10_000) + "}");

        var bound = Estimator.UpperBound(body, "gpt-4o");

        Assert.Equal(body.Length + PromptTokenConstants.FixedAllowance, bound.Tokens);
    }

    [Fact]
    public void UpperBound_NestedWithinTheLimit_Walked()
    {
        var body = Encoding.UTF8.GetBytes("{\"a\":" + new string('[', 100) + "\"deep\"" + new string(']', 100) + "}");

        var bound = Estimator.UpperBound(body, "gpt-4o");

        Assert.Equal(PromptTokenMethod.Tokenizer, bound.Method);
        Assert.True(bound.Tokens >= 300);
    }

    [Fact]
    public void UpperBound_HugeBody_NoThrow_AtLeastTheTokenizersCount()
    {
        var text = string.Concat(Enumerable.Repeat("The quick brown fox 🦊 jumps over the lazy dog; 敏捷的棕色狐狸. ", 40_000));
        var body = PromptTokenEstimatorTests.Json(new Dictionary<string, string> { ["input"] = text });

        var tokens = Estimator.UpperBound(body, "gpt-4o");
        var bytes = Estimator.UpperBound(body, "claude-sonnet-4-5");

        Assert.True(body.Length > 4_000_000);
        Assert.True(tokens.Tokens > 0);
        Assert.True(bytes.Tokens >= tokens.Tokens);
    }

    [Fact]
    public void UpperBound_ByteOrderMark_Skipped()
    {
        byte[] body = [0xEF, 0xBB, 0xBF, .. "{\"input\":\"hello\"}"u8];

        var bound = Estimator.UpperBound(body, "claude-sonnet-4-5");

        Assert.Equal(PromptTokenConstants.FixedAllowance + PromptTokenConstants.PerObjectAllowance + 5 + 5, bound.Tokens);
    }

    [Fact]
    public void UpperBound_Concurrent_SameResultAsAlone()
    {
        var body = PromptTokenEstimatorTests.ChatBody("gpt-4o", [("user", null, string.Concat(Enumerable.Repeat("concurrency é 🎉 ", 500)))]);
        var estimator = new PromptTokenEstimator();
        var alone = new PromptTokenEstimator().UpperBound(body, "gpt-4o");

        var results = new PromptTokenBound[64];
        Parallel.For(0, results.Length, i => results[i] = estimator.UpperBound(body, i % 2 == 0 ? "gpt-4o" : "gpt-4o-2024-08-06"));

        Assert.All(results, r => Assert.Equal(alone.Tokens, r.Tokens));
        Assert.Equal(1, estimator.LoadedEncodings);
    }
}
