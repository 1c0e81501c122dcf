using Bulwark.Gateway.Tokens;

namespace Bulwark.Gateway.Tests.Tokens;

public class ModelFamilyTests
{
    [Theory]
    [InlineData("gpt-4o", "o200k_base")]
    [InlineData("GPT-4o-2024-08-06", "o200k_base")]
    [InlineData("openai/gpt-4o", "o200k_base")]
    [InlineData("gpt-4o-mini", "o200k_base")]
    [InlineData("gpt-4.1", "o200k_base")]
    [InlineData("gpt-4.1-nano", "o200k_base")]
    [InlineData("gpt-4.5-preview", "o200k_base")]
    [InlineData("gpt-5", "o200k_base")]
    [InlineData("gpt-5-mini", "o200k_base")]
    [InlineData("o1", "o200k_base")]
    [InlineData("o1-mini", "o200k_base")]
    [InlineData("o3-mini", "o200k_base")]
    [InlineData("o4-mini", "o200k_base")]
    [InlineData("chatgpt-4o-latest", "o200k_base")]
    [InlineData("gpt-4", "cl100k_base")]
    [InlineData("gpt-4-turbo", "cl100k_base")]
    [InlineData("gpt-4-0613", "cl100k_base")]
    [InlineData("gpt-3.5-turbo", "cl100k_base")]
    [InlineData("text-embedding-3-small", "cl100k_base")]
    [InlineData("text-embedding-ada-002", "cl100k_base")]
    [InlineData("gpt-4x", null)]
    [InlineData("claude-sonnet-4-5", null)]
    [InlineData("claude-3-haiku-20240307", null)]
    [InlineData("llama-3.1-70b", null)]
    [InlineData("mistral-large-latest", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void Of_Model_ItsEncoding(string? model, string? encoding)
    {
        Assert.Equal(encoding, TiktokenEncodings.Name(ModelFamily.Of(model).Encoding));
    }
}
