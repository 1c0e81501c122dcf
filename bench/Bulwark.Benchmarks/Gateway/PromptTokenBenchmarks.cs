using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Bulwark.Gateway.Tokens;

namespace Bulwark.Benchmarks.Gateway;

/// <summary>
/// The prompt-token upper bound a budgeted route computes for every AI request before it reserves: a chat completions
/// body of about 1 KB and 32 KB (a system prompt and a conversation of English prose with some non-ASCII), bounded with
/// the o200k_base tokenizer (gpt-4o) and by bytes (Claude). The encoding is loaded in the setup, not measured.
/// </summary>
[MemoryDiagnoser]
public class PromptTokenBenchmarks
{
    private static readonly string[] Words =
    [
        "the", "gateway", "reserves", "budget", "before", "forwarding", "request", "provider", "tokens", "counted",
        "circuit", "breaker", "retry", "after", "failure", "latency", "p99", "throughput", "café", "naïve", "日本語",
        "résumé", "🙂", "configuration", "route", "upstream", "deadline", "exceeded", "please", "summarise", "incident",
        "report", "for", "customer", "with", "and", "a", "of", "in", "to", "is", "was", "Kubernetes", "2026-12-07",
    ];

    private readonly PromptTokenEstimator _estimator = new();
    private byte[] _body = [];

    [Params(1, 32)]
    public int BodyKilobytes { get; set; }

    [Params("gpt-4o", "claude-sonnet-4-5")]
    public string Model { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _body = ChatBody(Model, BodyKilobytes * 1024);
        _estimator.UpperBound(_body, Model);
    }

    [Benchmark]
    public long UpperBound() => _estimator.UpperBound(_body, Model).Tokens;

    /// <summary>A chat body of about <paramref name="size"/> bytes: seeded prose, one message per ~400 bytes.</summary>
    internal static byte[] ChatBody(string model, int size)
    {
        var random = new Random(7);
        var messages = new List<Dictionary<string, string>>();
        var total = 64;
        var role = "system";
        while (total < size)
        {
            var text = new StringBuilder();
            while (text.Length < 350)
            {
                text.Append(Words[random.Next(Words.Length)]).Append(random.Next(12) == 0 ? ".\n" : " ");
            }

            messages.Add(new() { ["role"] = role, ["content"] = text.ToString() });
            total += Encoding.UTF8.GetByteCount(text.ToString()) + 32;
            role = role == "user" ? "assistant" : "user";
        }

        return JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["model"] = model,
            ["messages"] = messages,
            ["max_tokens"] = 1024,
        });
    }
}
