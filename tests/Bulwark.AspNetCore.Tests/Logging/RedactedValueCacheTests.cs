using Bulwark.AspNetCore.Logging;
using Bulwark.AspNetCore.Redaction;

namespace Bulwark.AspNetCore.Tests.Logging;

public class RedactedValueCacheTests
{
    private const string AgentWithEmail = "ops-bot/2.0 (contact jane.doe@example.com)";

    [Fact]
    public void Redact_ASeenValue_GivesTheRedactorsResultAgain_FromMemory()
    {
        var cache = new RedactedValueCache(PiiRedactor.Default, capacity: 4, maxValueLength: 512);

        string first = cache.Redact(AgentWithEmail);
        string second = cache.Redact(AgentWithEmail);

        Assert.Equal(PiiRedactor.Default.Redact(AgentWithEmail), first);
        Assert.DoesNotContain("jane.doe", first, StringComparison.Ordinal);
        Assert.Same(first, second);
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public void Redact_PastTheCapacity_StillRedactsEveryValue_AndRemembersNoMore()
    {
        var cache = new RedactedValueCache(PiiRedactor.Default, capacity: 2, maxValueLength: 512);

        for (int i = 0; i < 5; i++)
        {
            string value = $"agent-{i} jane{i}@example.com";
            Assert.Equal(PiiRedactor.Default.Redact(value), cache.Redact(value));
        }

        Assert.Equal(2, cache.Count);
    }

    [Fact]
    public void Redact_AValueLongerThanTheLimit_IsRedacted_NotRemembered()
    {
        var cache = new RedactedValueCache(PiiRedactor.Default, capacity: 4, maxValueLength: 16);

        Assert.Equal(PiiRedactor.Default.Redact(AgentWithEmail), cache.Redact(AgentWithEmail));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public async Task Redact_FromManyThreadsAtOnce_NeverRemembersMoreThanTheCapacity()
    {
        var cache = new RedactedValueCache(PiiRedactor.Default, capacity: 10, maxValueLength: 512);
        using var start = new ManualResetEventSlim();
        var workers = Enumerable.Range(0, 4).Select(w => Task.Run(() =>
        {
            start.Wait();
            for (int i = 0; i < 500; i++)
            {
                // Each thread half its own values, half shared ones, so both adds and lost races happen.
                string value = i % 2 == 0 ? $"shared-{i}" : $"worker-{w}-{i}";
                Assert.Equal(value, cache.Redact(value));
            }
        })).ToArray();

        start.Set();
        await Task.WhenAll(workers);

        Assert.Equal(10, cache.Count);
    }

    [Fact]
    public void Redact_AValueAConfiguredExpressionRanOutOfTimeOn_IsNotRemembered()
    {
        // A lookahead keeps the pattern off the non-backtracking engine; nested repetition makes its scan of a long run
        // of a's without a b take far longer than the 100 ms it is given.
        var options = new PiiRedactorOptions();
        options.Patterns["slow"] = "(a+)+(?=b)";
        var cache = new RedactedValueCache(new PiiRedactor(options), capacity: 4, maxValueLength: 512);
        string value = new string('a', 40) + "c";

        Assert.Equal("[REDACTED:unscannable]", cache.Redact(value));
        Assert.Equal(0, cache.Count);
    }

    [Theory]
    [InlineData(-1, 0)]
    [InlineData(0, -1)]
    public void Constructor_NegativeBounds_AreRefused(int capacity, int maxValueLength) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new RedactedValueCache(PiiRedactor.Default, capacity, maxValueLength));
}
