using System.Text;
using Bulwark.Gateway.Tokens;

namespace Bulwark.Gateway.Tests.Tokens;

public class PromptTokenImageTests
{
    private static readonly PromptTokenEstimator Estimator = new();

    // 96 KB of image bytes as base64: as text they would be ~128,000 bytes-bound tokens.
    private static readonly string Base64Image = Convert.ToBase64String(Enumerable.Range(0, 96 * 1024).Select(static i => (byte)(i * 31)).ToArray());

    [Theory]
    [InlineData("gpt-4o-mini", 48_169)]
    [InlineData("gpt-4o-mini-2024-07-18", 48_169)]
    [InlineData("gpt-4o", 1_600)]
    [InlineData("gpt-4.1", 1_600)]
    [InlineData("gpt-4.1-mini", 2_500)]
    [InlineData("gpt-4.1-nano", 3_800)]
    [InlineData("gpt-5-nano", 3_800)]
    [InlineData("o4-mini", 2_700)]
    [InlineData("o3", 1_600)]
    [InlineData("claude-sonnet-4-5", 1_600)]
    [InlineData("some-vision-model", 1_600)]
    [InlineData(null, 1_600)]
    public void UpperBound_ChatDataUrlImage_OneImageAtTheFamilysBound_NotItsBytes(string? model, int imageTokens)
    {
        var body = ChatWithImage($"data:image/png;base64,{Base64Image}", withImage: true);
        var without = ChatWithImage("", withImage: false);

        var bound = Estimator.UpperBound(body, model);
        var baseline = Estimator.UpperBound(without, model);

        Assert.Equal(1, bound.Images);
        Assert.InRange(bound.Tokens - baseline.Tokens, imageTokens, imageTokens + 60);
    }

    [Fact]
    public void UpperBound_ConfiguredImageBound_OverridesEveryFamily()
    {
        var estimator = new PromptTokenEstimator(imageTokenBound: 500);
        var body = ChatWithImage($"data:image/png;base64,{Base64Image}", withImage: true);
        var without = ChatWithImage("", withImage: false);

        foreach (var model in new[] { "gpt-4o-mini", "gpt-4o", "claude-sonnet-4-5", "unknown" })
        {
            var difference = estimator.UpperBound(body, model).Tokens - estimator.UpperBound(without, model).Tokens;
            Assert.InRange(difference, 500, 560);
        }
    }

    [Fact]
    public void UpperBound_AnthropicImageBlock_DataBeforeType_OneImage()
    {
        // JSON objects have no order: the payload may come before the type that makes it an image.
        var body = Encoding.UTF8.GetBytes($$$"""
            {"model":"claude-sonnet-4-5","max_tokens":100,"messages":[{"role":"user","content":[
              {"source":{"data":"{{{Base64Image}}}","media_type":"image/png","type":"base64"},"type":"image"},
              {"type":"image","source":{"type":"url","url":"https://example.com/cat.png"}},
              {"type":"text","text":"What are these?"}]}]}
            """);

        var bound = Estimator.UpperBound(body, "claude-sonnet-4-5");

        Assert.Equal(2, bound.Images);
        Assert.InRange(bound.Tokens, 2 * 1_600, (2 * 1_600) + 300);
    }

    [Fact]
    public void UpperBound_ResponsesInputImage_OneImage()
    {
        var body = Encoding.UTF8.GetBytes($$$"""
            {"model":"gpt-4.1","input":[{"role":"user","content":[{"type":"input_text","text":"Describe"},
              {"type":"input_image","image_url":"data:image/jpeg;base64,{{{Base64Image}}}","detail":"high"},
              {"type":"input_image","file_id":"file-123"}]}]}
            """);

        var bound = Estimator.UpperBound(body, "gpt-4.1");

        Assert.Equal(2, bound.Images);
        Assert.InRange(bound.Tokens, 2 * 1_600, (2 * 1_600) + 300);
    }

    [Fact]
    public void UpperBound_Documents_TheirDecodedBytesAndOnePage()
    {
        var pdf = new byte[30_000];
        var base64 = Convert.ToBase64String(pdf);
        var anthropic = Encoding.UTF8.GetBytes($$$"""
            {"model":"claude-sonnet-4-5","messages":[{"role":"user","content":[
              {"type":"document","source":{"type":"base64","media_type":"application/pdf","data":"{{{base64}}}"}}]}]}
            """);
        var openAi = Encoding.UTF8.GetBytes($$$"""
            {"model":"gpt-4o","messages":[{"role":"user","content":[
              {"type":"file","file":{"filename":"a.pdf","file_data":"data:application/pdf;base64,{{{base64}}}"}}]}]}
            """);

        var a = Estimator.UpperBound(anthropic, "claude-sonnet-4-5");
        var o = Estimator.UpperBound(openAi, "gpt-4o");

        Assert.Equal(1, a.Images);
        Assert.Equal(1, o.Images);
        Assert.InRange(a.Tokens, 30_000 + 1_600, 30_000 + 1_600 + 200);
        Assert.InRange(o.Tokens, 30_000 + 1_600, 30_000 + 1_600 + 200);
    }

    [Fact]
    public void UpperBound_PlainTextDocument_AtLeastItsBytes()
    {
        var text = string.Concat(Enumerable.Repeat("Plain text document, with é and 日本. ", 200));
        var body = Encoding.UTF8.GetBytes($$$"""
            {"model":"claude-sonnet-4-5","messages":[{"role":"user","content":[
              {"type":"document","source":{"type":"text","media_type":"text/plain","data":"{{{text}}}"}}]}]}
            """);

        var bound = Estimator.UpperBound(body, "claude-sonnet-4-5");

        Assert.True(bound.Tokens >= Encoding.UTF8.GetByteCount(text));
    }

    [Fact]
    public void UpperBound_PayloadNamesOutsideMedia_CountedAsText()
    {
        // "url" and "data" in a plain object are the client's text, which the provider counts.
        var text = new string('a', 4_000);
        var body = Encoding.UTF8.GetBytes($$$"""{"messages":[{"role":"user","content":"x"}],"metadata":{"url":"{{{text}}}","data":"{{{text}}}"}}""");

        var bound = Estimator.UpperBound(body, "mistral-large");

        Assert.Equal(0, bound.Images);
        Assert.True(bound.Tokens >= 8_000);
    }

    [Fact]
    public void UpperBound_InputAudio_ItsDecodedBytesNotTheImageBound()
    {
        var audio = Convert.ToBase64String(new byte[9_000]);
        var body = Encoding.UTF8.GetBytes($$$"""
            {"model":"gpt-4o-audio-preview","messages":[{"role":"user","content":[
              {"type":"input_audio","input_audio":{"data":"{{{audio}}}","format":"wav"}}]}]}
            """);

        var bound = Estimator.UpperBound(body, "gpt-4o-audio-preview");

        Assert.Equal(1, bound.Images);
        Assert.InRange(bound.Tokens, 9_000, 9_000 + 200);
    }

    [Fact]
    public void UpperBound_AnthropicBlocksFromTheFilesApi_OneMediaPartEach()
    {
        var body = """
            {"model":"claude-sonnet-4-5","messages":[{"role":"user","content":[
              {"type":"image","source":{"type":"file","file_id":"file_011"}},
              {"type":"document","source":{"type":"file","file_id":"file_012"}}]}]}
            """u8;

        var bound = Estimator.UpperBound(body, "claude-sonnet-4-5");

        Assert.Equal(2, bound.Images);
        Assert.InRange(bound.Tokens, 2 * 1_600, (2 * 1_600) + 250);
    }

    private static byte[] ChatWithImage(string url, bool withImage)
    {
        var image = withImage ? $$$""",{"type":"image_url","image_url":{"url":"{{{url}}}","detail":"high"}}""" : "";
        return Encoding.UTF8.GetBytes($$$"""
            {"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"What is in this picture?"}{{{image}}}]}]}
            """);
    }
}
