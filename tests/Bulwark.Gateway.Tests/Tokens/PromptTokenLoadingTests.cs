using Bulwark.Gateway.Tokens;

namespace Bulwark.Gateway.Tests.Tokens;

public class PromptTokenLoadingTests
{
    [Fact]
    public void UpperBound_ClaudeAndUnknownBodies_LoadNoTokenizer()
    {
        var estimator = new PromptTokenEstimator();
        Assert.Equal(0, estimator.LoadedEncodings);

        estimator.UpperBound("""{"model":"claude-sonnet-4-5","messages":[{"role":"user","content":"hi"}]}"""u8, "claude-sonnet-4-5");
        estimator.UpperBound("""{"model":"llama-3","messages":[]}"""u8, "llama-3");
        estimator.UpperBound("""{"messages":[]}"""u8, null);

        Assert.Equal(0, estimator.LoadedEncodings);
    }

    [Fact]
    public void UpperBound_NotJsonForAnOpenAiModel_LoadsNoTokenizer()
    {
        var estimator = new PromptTokenEstimator();

        estimator.UpperBound("not json"u8, "gpt-4o");

        Assert.Equal(0, estimator.LoadedEncodings);
    }

    [Fact]
    public void UpperBound_EachEncoding_LoadedOnceOnFirstUse()
    {
        var estimator = new PromptTokenEstimator();

        estimator.UpperBound("""{"input":"a"}"""u8, "gpt-4o");
        Assert.Equal(1, estimator.LoadedEncodings);
        Parallel.For(0, 16, _ => estimator.UpperBound("""{"input":"b"}"""u8, "o3"));
        Assert.Equal(1, estimator.LoadedEncodings);

        estimator.UpperBound("""{"input":"c"}"""u8, "gpt-3.5-turbo");
        Assert.Equal(2, estimator.LoadedEncodings);
    }

    [Fact]
    public void Preload_LoadsOnlyWhatTheFamilyUses()
    {
        var estimator = new PromptTokenEstimator();

        Assert.False(estimator.Preload("claude-sonnet-4-5"));
        Assert.False(estimator.Preload(null));
        Assert.Equal(0, estimator.LoadedEncodings);
        Assert.True(estimator.Preload("gpt-4o-mini"));
        Assert.True(estimator.Preload("gpt-4o"));
        Assert.Equal(1, estimator.LoadedEncodings);
    }
}
