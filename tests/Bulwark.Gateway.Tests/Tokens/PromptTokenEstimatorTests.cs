using System.Text;
using System.Text.Json;
using Bulwark.Gateway.Tokens;
using Microsoft.ML.Tokenizers;

namespace Bulwark.Gateway.Tests.Tokens;

public class PromptTokenEstimatorTests
{
    private static readonly PromptTokenEstimator Estimator = new();
    private static readonly Lazy<Tokenizer> Cl100k = new(() => TiktokenTokenizer.CreateForEncoding("cl100k_base"));
    private static readonly Lazy<Tokenizer> O200k = new(() => TiktokenTokenizer.CreateForEncoding("o200k_base"));

    // The OpenAI cookbook's sample conversation ("How to count tokens with tiktoken"): the API counts 129 prompt tokens
    // for it on gpt-3.5-turbo and gpt-4.
    private static readonly (string Role, string? Name, string Content)[] CookbookMessages =
    [
        ("system", null, "You are a helpful, pattern-following assistant that translates corporate jargon into plain English."),
        ("system", "example_user", "New synergies will help drive top-line growth."),
        ("system", "example_assistant", "Things working well together will increase revenue."),
        ("system", "example_user", "Let's circle back when we have more bandwidth to touch base on opportunities for increased leverage."),
        ("system", "example_assistant", "Let's talk later when we're less busy about how to do better."),
        ("user", null, "This late pivot means we don't have time to boil the ocean for the client deliverable."),
    ];

    [Theory]
    [InlineData("hello world")]
    [InlineData("tiktoken is great!")]
    [InlineData("Bulwark keeps budgets from overshooting, even under 1,000 concurrent requests.")]
    [InlineData("日本語のテキストと絵文字 🎉🚀 und Umlaute äöü")]
    [InlineData("line one\nline \"two\"\t\\ end")]
    public void UpperBound_OneStringProperty_CountsExactlyTheTokenizersTokensPlusTheAllowances(string text)
    {
        foreach (var (model, tokenizer, encoding) in new[] { ("gpt-4o", O200k.Value, "o200k_base"), ("gpt-4", Cl100k.Value, "cl100k_base") })
        {
            var bound = Estimator.UpperBound(Json(new Dictionary<string, string> { ["input"] = text }), model);

            var expected = PromptTokenConstants.FixedAllowance + PromptTokenConstants.PerObjectAllowance
                + tokenizer.CountTokens("input") + tokenizer.CountTokens(text);
            Assert.Equal(expected, bound.Tokens);
            Assert.Equal(PromptTokenMethod.Tokenizer, bound.Method);
            Assert.Equal(encoding, bound.Encoding);
            Assert.Equal(0, bound.Images);
        }
    }

    [Fact]
    public void Tokenizer_KnownStrings_CountsAsTiktokenDoes()
    {
        // Figures from OpenAI's cookbook and tiktoken's own tests.
        Assert.Equal(6, Cl100k.Value.CountTokens("tiktoken is great!"));
        Assert.Equal(2, Cl100k.Value.CountTokens("hello world"));
        Assert.Equal(2, O200k.Value.CountTokens("hello world"));
    }

    [Fact]
    public void UpperBound_CookbookConversation_AtLeastTheApisCountAndTheFormulas()
    {
        var body = ChatBody("gpt-4", CookbookMessages);

        var bound = Estimator.UpperBound(body, "gpt-4");

        Assert.Equal(129, OpenAiFormula(Cl100k.Value, CookbookMessages));
        Assert.InRange(bound.Tokens, 129, 129 * 2);
    }

    [Theory]
    [InlineData("gpt-4o")]
    [InlineData("gpt-4o-mini")]
    [InlineData("gpt-4.1")]
    [InlineData("gpt-5")]
    [InlineData("o3-mini")]
    [InlineData("gpt-3.5-turbo")]
    [InlineData("gpt-4-turbo")]
    public void UpperBound_SampleConversations_AtLeastOpenAisFormula(string model)
    {
        var tokenizer = ModelFamily.Of(model).Encoding == TiktokenEncoding.O200kBase ? O200k.Value : Cl100k.Value;
        (string, string?, string)[][] conversations =
        [
            CookbookMessages,
            [("user", null, "Hi")],
            [("developer", null, "Answer in French."), ("user", "alice", "What is a circuit breaker?"), ("assistant", null, "Un disjoncteur…"), ("user", "alice", "Et un bulkhead ?")],
            [("system", null, new string('x', 5_000)), ("user", null, string.Concat(Enumerable.Repeat("🙂 日本 é\n", 300)))],
        ];

        foreach (var messages in conversations)
        {
            var bound = Estimator.UpperBound(ChatBody(model, messages), model);

            var formula = OpenAiFormula(tokenizer, messages);
            Assert.True(bound.Tokens >= formula, $"{model}: bound {bound.Tokens} < formula {formula}");
            Assert.True(bound.Tokens <= (formula * 2) + 40, $"{model}: bound {bound.Tokens} is loose against formula {formula}");
        }
    }

    [Fact]
    public void UpperBound_ClaudeOrUnknownModel_CountsDecodedUtf8Bytes()
    {
        var text = "é\n\"🎉";    // 2 + 1 + 1 + 4 bytes decoded; escaped in the body as \u00e9\n\"\ud83c\udf89
        var body = Json(new Dictionary<string, string> { ["input"] = text });

        foreach (var model in new[] { "claude-sonnet-4-5", "llama-3.1-70b", "mistral-large", "something-new", null })
        {
            var bound = Estimator.UpperBound(body, model);

            Assert.Equal(PromptTokenMethod.Bytes, bound.Method);
            Assert.Null(bound.Encoding);
            Assert.Equal(PromptTokenConstants.FixedAllowance + PromptTokenConstants.PerObjectAllowance + 5 + 8, bound.Tokens);
        }
    }

    [Fact]
    public void UpperBound_TextWithSpecialTokens_AtLeastItsBytes()
    {
        // The provider reads a client's "<|endoftext|>" as text, not as the one special token the tokenizer sees.
        var text = "ignore <|endoftext|> and <|im_start|>system";
        var body = Json(new Dictionary<string, string> { ["input"] = text });

        var bound = Estimator.UpperBound(body, "gpt-4o");

        Assert.True(bound.Tokens >= Encoding.UTF8.GetByteCount(text));
    }

    [Fact]
    public void UpperBound_Tools_AddTheToolUseAllowanceAndBuiltInTools()
    {
        var plain = """{"model":"claude-sonnet-4-5","messages":[{"role":"user","content":"hi"}]}""";
        var withTool = """{"model":"claude-sonnet-4-5","messages":[{"role":"user","content":"hi"}],"tools":[{"name":"f","input_schema":{"type":"object"}}]}""";
        var withBuiltIn = """{"model":"claude-sonnet-4-5","messages":[{"role":"user","content":"hi"}],"tools":[{"name":"f","input_schema":{"type":"object"}},{"type":"bash_20250124","name":"bash"}]}""";

        var a = Estimator.UpperBound(Encoding.UTF8.GetBytes(plain), "claude-sonnet-4-5").Tokens;
        var b = Estimator.UpperBound(Encoding.UTF8.GetBytes(withTool), "claude-sonnet-4-5").Tokens;
        var c = Estimator.UpperBound(Encoding.UTF8.GetBytes(withBuiltIn), "claude-sonnet-4-5").Tokens;

        Assert.True(b - a >= PromptTokenConstants.ToolUseAllowance);
        Assert.True(c - b >= PromptTokenConstants.BuiltInToolAllowance);
        Assert.True(c - a < PromptTokenConstants.ToolUseAllowance + PromptTokenConstants.BuiltInToolAllowance + 200);
    }

    [Fact]
    public void UpperBound_ToolsNotAtTheRoot_NoToolAllowance()
    {
        var body = """{"metadata":{"tools":[{"name":"f"}]}}"""u8;

        var bound = Estimator.UpperBound(body, "claude-sonnet-4-5");

        Assert.True(bound.Tokens < 100);
    }

    [Fact]
    public void UpperBound_ResponsesAndEmbeddingsBodies_CountTheirText()
    {
        var responses = """{"model":"gpt-4.1","instructions":"Be brief.","input":[{"role":"user","content":[{"type":"input_text","text":"Summarise the incident."}]}]}""";
        var embeddings = """{"model":"text-embedding-3-small","input":["first passage","second passage"]}""";

        var r = Estimator.UpperBound(Encoding.UTF8.GetBytes(responses), "gpt-4.1");
        var e = Estimator.UpperBound(Encoding.UTF8.GetBytes(embeddings), "text-embedding-3-small");

        Assert.True(r.Tokens >= O200k.Value.CountTokens("Be brief.") + O200k.Value.CountTokens("Summarise the incident."));
        Assert.Equal("o200k_base", r.Encoding);
        Assert.True(e.Tokens >= Cl100k.Value.CountTokens("first passage") + Cl100k.Value.CountTokens("second passage"));
        Assert.Equal("cl100k_base", e.Encoding);
    }

    [Fact]
    public void Constructor_NegativeImageBound_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PromptTokenEstimator(-1));
    }

    internal static byte[] Json<T>(T value, bool escapeNonAscii = true) =>
        JsonSerializer.SerializeToUtf8Bytes(value, escapeNonAscii
            ? new JsonSerializerOptions()
            : new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    internal static byte[] ChatBody(string model, (string Role, string? Name, string Content)[] messages, bool escapeNonAscii = true) =>
        Json(new Dictionary<string, object>
        {
            ["model"] = model,
            ["messages"] = messages.Select(static m => m.Name is null
                ? new Dictionary<string, string> { ["role"] = m.Role, ["content"] = m.Content }
                : new Dictionary<string, string> { ["role"] = m.Role, ["name"] = m.Name, ["content"] = m.Content }).ToArray(),
            ["max_tokens"] = 256,
        }, escapeNonAscii);

    // OpenAI's documented count for chat messages: 3 per message, the tokens of each value, 1 more for a name, 3 to
    // prime the reply.
    internal static int OpenAiFormula(Tokenizer tokenizer, (string Role, string? Name, string Content)[] messages)
    {
        var total = 3;
        foreach (var (role, name, content) in messages)
        {
            total += 3 + tokenizer.CountTokens(role) + tokenizer.CountTokens(content);
            if (name is not null)
            {
                total += 1 + tokenizer.CountTokens(name);
            }
        }

        return total;
    }
}
