using Bulwark.Gateway.Tokens;
using Microsoft.ML.Tokenizers;

namespace Bulwark.Gateway.Tests.Tokens;

public class EncodingCounterTests
{
    [Theory]
    [InlineData("o200k_base")]
    [InlineData("cl100k_base")]
    public void Count_CommonAndOtherStrings_AsTheTokenizerCounts(string encoding)
    {
        var tokenizer = TiktokenTokenizer.CreateForEncoding(encoding);
        var counter = new EncodingCounter(tokenizer);

        foreach (var text in EncodingCounter.CommonStrings.Concat(["", "roles", "Role", "content ", "a much longer sentence, not in the table"]))
        {
            Assert.Equal(tokenizer.CountTokens(text), counter.Count(text));
        }
    }
}
