using Bulwark.Gateway.Tokens;
using CsCheck;
using Microsoft.ML.Tokenizers;

namespace Bulwark.Gateway.Tests.Tokens;

public class PromptTokenPropertyTests
{
    private static readonly PromptTokenEstimator Estimator = new();
    private static readonly Lazy<Tokenizer> Cl100k = new(() => TiktokenTokenizer.CreateForEncoding("cl100k_base"));
    private static readonly Lazy<Tokenizer> O200k = new(() => TiktokenTokenizer.CreateForEncoding("o200k_base"));

    // ASCII, escapes the serializer writes (\n \t \" \\ and control characters), Latin-1 (é), CJK, emoji, and the
    // special-token opener "<|".
    private static readonly Gen<string> Piece = Gen.OneOf(
        Gen.Int[0x20, 0x7E].Select(static c => ((char)c).ToString()),
        Gen.OneOf(Gen.Const("\n"), Gen.Const("\t"), Gen.Const("\""), Gen.Const("\\"), Gen.Const("\u0001"), Gen.Const("<|"), Gen.Const(" ")),
        Gen.Int[0xA0, 0x24F].Select(static c => ((char)c).ToString()),
        Gen.Int[0x4E00, 0x9FFF].Select(static c => ((char)c).ToString()),
        Gen.Int[0x1F300, 0x1FAFF].Select(static c => char.ConvertFromUtf32(c)));

    private static readonly Gen<string> Text = Piece.Array[0, 120].Select(static p => string.Concat(p));

    private static readonly Gen<(string Role, string? Name, string Content)[]> Messages =
        Gen.Select(Gen.OneOf(Gen.Const("system"), Gen.Const("user"), Gen.Const("assistant")), Gen.OneOf<string?>(null, "alice"), Text)
            .Array[1, 8];

    [Fact]
    public void UpperBound_RandomUnicodeConversations_BytesBoundAtLeastTheTokenizersCount()
    {
        Gen.Select(Messages, Gen.Bool).Sample(static sample =>
        {
            var (messages, escape) = sample;
            var bytes = Estimator.UpperBound(PromptTokenEstimatorTests.ChatBody("claude-sonnet-4-5", messages, escape), "claude-sonnet-4-5");
            var o200k = Estimator.UpperBound(PromptTokenEstimatorTests.ChatBody("gpt-4o", messages, escape), "gpt-4o");
            var cl100k = Estimator.UpperBound(PromptTokenEstimatorTests.ChatBody("gpt-4", messages, escape), "gpt-4");

            Assert.Equal(PromptTokenMethod.Bytes, bytes.Method);
            Assert.True(bytes.Tokens >= PromptTokenEstimatorTests.OpenAiFormula(O200k.Value, messages));
            Assert.True(bytes.Tokens >= PromptTokenEstimatorTests.OpenAiFormula(Cl100k.Value, messages));
            Assert.True(o200k.Tokens >= PromptTokenEstimatorTests.OpenAiFormula(O200k.Value, messages));
            Assert.True(cl100k.Tokens >= PromptTokenEstimatorTests.OpenAiFormula(Cl100k.Value, messages));

            // Without special-token openers, the bytes bound is above the tokenizer's (the same rule, a byte per token).
            if (!messages.Any(static m => m.Content.Contains("<|", StringComparison.Ordinal)))
            {
                Assert.True(bytes.Tokens >= o200k.Tokens - 4, $"bytes {bytes.Tokens} < o200k {o200k.Tokens}");
                Assert.True(bytes.Tokens >= cl100k.Tokens - 4, $"bytes {bytes.Tokens} < cl100k {cl100k.Tokens}");
            }
        }, iter: 300, threads: 1);
    }
}
