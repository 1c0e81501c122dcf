using Bulwark.ErrorMonitoring;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Bulwark.Tests.ErrorMonitoring;

public class ErrorMonitorTests
{
    private static readonly ErrorContext Upstream = new() { Provider = "openai", Route = "/v1/{**rest}", StatusCode = 503 };

    private static ErrorMonitor Create(FakeTimeProvider time, int maxFingerprints = 10_000, IErrorRedactor? redactor = null) =>
        new(Options.Create(new ErrorMonitorOptions { MaxFingerprints = maxFingerprints }), time, redactor);

    [Fact]
    public void Record_SameErrorWithDifferentIds_IsOneFingerprint_CountedInEveryWindow()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 7, 10, 0, 0, TimeSpan.Zero));
        var monitor = Create(time);

        string first = monitor.Record("TimeoutException", "Order 123 timed out after 30 s", ErrorSeverity.Warning, Upstream);
        string second = monitor.Record("TimeoutException", "Order 98765 timed out after 31 s", ErrorSeverity.Warning, Upstream);

        Assert.Equal(first, second);
        var entry = Assert.Single(monitor.GetSnapshot());
        Assert.Equal(first, entry.Fingerprint);
        Assert.Equal(("openai", "/v1/{**rest}", 503), (entry.Provider, entry.Route, entry.StatusCode));
        Assert.Equal("Order <n> timed out after <n> s", entry.NormalizedMessage);
        Assert.Equal((2L, 2L, 2L, 2L, 2L), (entry.Count, entry.LastMinute, entry.Last5Minutes, entry.LastHour, entry.Last24Hours));
        Assert.Equal(time.GetUtcNow(), entry.FirstSeen);
    }

    [Fact]
    public void Windows_SlideAsTimeAdvances_EachDroppingTheOccurrencesOlderThanItsLength()
    {
        var start = new DateTimeOffset(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);
        var time = new FakeTimeProvider(start);
        var monitor = Create(time);
        monitor.Record("E", "boom", context: Upstream);

        time.Advance(TimeSpan.FromSeconds(30));
        monitor.Record("E", "boom", context: Upstream);
        Assert.Equal((2L, 2L, 2L, 2L), Windows(monitor));

        // 65 s after the first, 35 s after the second: the minute holds only the second.
        time.Advance(TimeSpan.FromSeconds(35));
        Assert.Equal((1L, 2L, 2L, 2L), Windows(monitor));

        time.Advance(TimeSpan.FromMinutes(4));
        Assert.Equal((0L, 1L, 2L, 2L), Windows(monitor));

        time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal((0L, 0L, 2L, 2L), Windows(monitor));

        time.Advance(TimeSpan.FromMinutes(55));
        Assert.Equal((0L, 0L, 0L, 2L), Windows(monitor));

        time.Advance(TimeSpan.FromHours(23));
        Assert.Equal((0L, 0L, 0L, 0L), Windows(monitor));

        // The ring's buckets are reused a day later: stale counts are not mistaken for new ones.
        monitor.Record("E", "boom", context: Upstream);
        var entry = Assert.Single(monitor.GetSnapshot());
        Assert.Equal((1L, 1L, 1L, 1L, 3L), (entry.LastMinute, entry.Last5Minutes, entry.LastHour, entry.Last24Hours, entry.Count));
        Assert.Equal(start, entry.FirstSeen);
        Assert.Equal(time.GetUtcNow(), entry.LastSeen);
    }

    [Fact]
    public void Windows_SteadyRate_CountWithinOneBucketOfTheTruth()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 7, 0, 0, 3, TimeSpan.Zero));
        var monitor = Create(time);

        // One error a second for 2 hours.
        for (int i = 0; i < 7200; i++)
        {
            monitor.Record("E", "boom");
            time.Advance(TimeSpan.FromSeconds(1));
        }

        var entry = Assert.Single(monitor.GetSnapshot());
        Assert.InRange(entry.LastMinute, 55, 60);
        Assert.InRange(entry.Last5Minutes, 295, 300);
        Assert.InRange(entry.LastHour, 3540, 3600);
        Assert.Equal(7200, entry.Last24Hours);
    }

    [Fact]
    public void Severity_IsTheHighestSeen_AndTheSampleFollowsIt()
    {
        var time = new FakeTimeProvider();
        var monitor = Create(time, redactor: new MaskingRedactor());

        monitor.Record("E", "disk 1 full", ErrorSeverity.Warning);
        monitor.Record("E", "disk 2 full", ErrorSeverity.Critical);
        monitor.Record("E", "disk 3 full", ErrorSeverity.Info);

        var entry = Assert.Single(monitor.GetSnapshot());
        Assert.Equal(ErrorSeverity.Critical, entry.Severity);
        Assert.Equal("disk 2 full", entry.SampleMessage);
        Assert.Empty(monitor.GetSnapshot(new ErrorSnapshotFilter { MinimumSeverity = (ErrorSeverity)4 }));
        Assert.Single(monitor.GetSnapshot(new ErrorSnapshotFilter { MinimumSeverity = ErrorSeverity.Critical }));
    }

    [Fact]
    public void Sample_IsRedacted_AndWithoutARedactor_IsTheNormalizedMessage()
    {
        var time = new FakeTimeProvider();
        var attributes = new Dictionary<string, string> { ["user"] = "secret-value", ["order"] = "42" };
        var redacted = Create(time, redactor: new MaskingRedactor());
        redacted.Record("E", "user secret-value failed", context: new ErrorContext { Attributes = attributes });
        var sample = Assert.Single(redacted.GetSnapshot());
        Assert.Equal("user [REDACTED] failed", sample.SampleMessage);
        Assert.Equal("[REDACTED]", sample.SampleAttributes["user"]);
        Assert.Equal("42", sample.SampleAttributes["order"]);

        var plain = Create(time);
        plain.Record("E", "user bob@example.com failed on order 42", context: new ErrorContext { Attributes = attributes });
        var normalized = Assert.Single(plain.GetSnapshot());
        Assert.Equal("user <email> failed on order <n>", normalized.SampleMessage);
        Assert.Equal("<n>", normalized.SampleAttributes["order"]);
    }

    [Fact]
    public void Recovery_AttemptedAndSucceeded_AreCounted()
    {
        var monitor = Create(new FakeTimeProvider());
        monitor.Record(new TimeoutException("slow"), recoveryAttempted: true, recoverySucceeded: true);
        monitor.Record(new TimeoutException("slow"), recoveryAttempted: true);
        monitor.Record(new TimeoutException("slow"));

        var entry = Assert.Single(monitor.GetSnapshot());
        Assert.Equal("System.TimeoutException", entry.Type);
        Assert.Equal((3L, 2L, 1L), (entry.Count, entry.RecoveryAttempted, entry.RecoverySucceeded));
    }

    [Fact]
    public void MaxFingerprints_EvictsTheLeastRecentlySeen()
    {
        var monitor = Create(new FakeTimeProvider(), maxFingerprints: 3);
        monitor.Record("A", "a");
        monitor.Record("B", "b");
        monitor.Record("C", "c");
        monitor.Record("A", "a");

        monitor.Record("D", "d");

        Assert.Equal(3, monitor.Count);
        Assert.Equal(["A", "C", "D"], monitor.GetSnapshot().Select(static e => e.Type).Order());
    }

    [Fact]
    public void MaxFingerprints_ManyNewErrors_NeverMoreThanTheLimitAfterEachRecord()
    {
        var monitor = Create(new FakeTimeProvider(), maxFingerprints: 100);
        for (int i = 0; i < 5000; i++)
        {
            monitor.Record("E" + i, "m");
            Assert.True(monitor.Count <= 100, $"{monitor.Count} after {i}");
        }

        // The most recent are the ones kept.
        Assert.Contains(monitor.GetSnapshot(new ErrorSnapshotFilter { Limit = 1000 }), static e => e.Type == "E4999");
    }

    [Fact]
    public void Snapshot_IsSortedByRecentCount_FilteredAndLimited()
    {
        var time = new FakeTimeProvider();
        var monitor = Create(time);
        for (int i = 0; i < 10; i++)
        {
            monitor.Record("Old", "m", context: Upstream);
        }

        time.Advance(TimeSpan.FromMinutes(2));
        monitor.Record("Rare", "m", context: Upstream);
        monitor.Record("Often", "m", context: Upstream with { Provider = "anthropic" });
        monitor.Record("Often", "m", context: Upstream with { Provider = "anthropic" });

        Assert.Equal(["Often", "Rare", "Old"], monitor.GetSnapshot().Select(static e => e.Type));
        Assert.Equal(["Rare", "Old"], monitor.GetSnapshot(new ErrorSnapshotFilter { Provider = "OPENAI" }).Select(static e => e.Type));
        Assert.Equal(["Often"], monitor.GetSnapshot(new ErrorSnapshotFilter { Limit = 1 }).Select(static e => e.Type));
        Assert.Empty(monitor.GetSnapshot(new ErrorSnapshotFilter { Route = "/nope" }));
    }

    [Fact]
    public void Record_NeverThrows_OnNullsAndHostileInput_OrAThrowingRedactor()
    {
        var monitor = Create(new FakeTimeProvider(), redactor: new ThrowingRedactor());
        Assert.NotEmpty(monitor.Record((Exception?)null));
        Assert.NotEmpty(monitor.Record(null, null, (ErrorSeverity)99, new ErrorContext { Provider = "a\u0000\nb", Attributes = new Dictionary<string, string> { [""] = "" } }));
        Assert.NotEmpty(monitor.Record(new string('x', 100_000), new string('"', 100_000)));

        var entries = monitor.GetSnapshot();
        Assert.Equal(3, entries.Count);
        Assert.All(entries, static e => Assert.True(e.SampleMessage.Length <= MessageNormalizer.MaxLength && e.Type.Length <= 256));
        Assert.Contains(entries, static e => e.Provider == "a  b" && e.Severity == ErrorSeverity.Error && e.Type == "error");
    }

    [Fact]
    public async Task Record_Concurrently_CountsEveryOccurrence()
    {
        var monitor = Create(new FakeTimeProvider());
        const int Writers = 8;
        const int PerWriter = 20_000;
        var tasks = Enumerable.Range(0, Writers).Select(w => Task.Run(() =>
        {
            for (int i = 0; i < PerWriter; i++)
            {
                monitor.Record("E" + (i % 10), "value " + i, i % 3 == 0 ? ErrorSeverity.Critical : ErrorSeverity.Warning, recoveryAttempted: i % 2 == 0);
            }
        })).ToArray();
        var reader = Task.Run(() =>
        {
            while (!tasks.All(static t => t.IsCompleted))
            {
                Assert.True(monitor.GetSnapshot().Count <= 10);
            }
        });

        await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(60));
        await reader.WaitAsync(TimeSpan.FromSeconds(60));

        var entries = monitor.GetSnapshot();
        Assert.Equal(10, entries.Count);
        Assert.Equal((long)Writers * PerWriter, entries.Sum(static e => e.Count));
        Assert.Equal((long)Writers * PerWriter / 2, entries.Sum(static e => e.RecoveryAttempted));
        Assert.All(entries, static e => Assert.Equal(e.Count, e.LastMinute));
        Assert.All(entries, static e => Assert.Equal(ErrorSeverity.Critical, e.Severity));
    }

    [Fact]
    public async Task NewFingerprints_FromConcurrentWriters_StayNearTheLimit_AndTheMonitorKeepsCounting()
    {
        var monitor = Create(new FakeTimeProvider(), maxFingerprints: 100);
        const int Writers = 4;
        var tasks = Enumerable.Range(0, Writers).Select(w => Task.Run(() =>
        {
            for (int i = 0; i < 5_000; i++)
            {
                monitor.Record($"W{w}E{i}", "m");
            }
        })).ToArray();
        await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(60));

        // Eviction is skipped by a writer while another evicts: at most one fingerprint per writer beyond the limit.
        Assert.InRange(monitor.Count, 1, 100 + Writers);
        monitor.Record("After", "m");
        Assert.InRange(monitor.Count, 1, 100);
        Assert.Contains(monitor.GetSnapshot(new ErrorSnapshotFilter { Limit = 10_000 }), static e => e.Type == "After");
    }

    [Fact]
    public void Options_OutOfRange_AreRefusedNamingThePath()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Create(new FakeTimeProvider(), maxFingerprints: 0));
        Assert.Equal("Bulwark:Errors:MaxFingerprints must be in [1, 1000000]; it is 0.", Assert.Single(ex.Failures));

        var services = new ServiceCollection().AddBulwarkErrorMonitoring(static o => o.MaxFingerprints = 2_000_000).BuildServiceProvider();
        var failure = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IErrorMonitor>());
        Assert.Contains("Bulwark:Errors:MaxFingerprints must be in [1, 1000000]; it is 2000000.", failure.Failures);
    }

    [Fact]
    public void AddBulwarkErrorMonitoring_FromConfiguration_RegistersOneMonitor_WithTheRedactor()
    {
        var configuration = new Microsoft.Extensions.Configuration.ConfigurationManager();
        configuration["Bulwark:Errors:MaxFingerprints"] = "2";
        var services = new ServiceCollection()
            .AddSingleton<IErrorRedactor, MaskingRedactor>()
            .AddBulwarkErrorMonitoring(configuration.GetSection("Bulwark:Errors"))
            .AddBulwarkErrorMonitoring()
            .BuildServiceProvider();

        var monitor = services.GetRequiredService<IErrorMonitor>();
        Assert.Same(monitor, services.GetRequiredService<ErrorMonitor>());
        monitor.Record("A", "secret-value");
        monitor.Record("B", "b");
        monitor.Record("C", "c");
        Assert.Equal(2, ((ErrorMonitor)monitor).Count);
        Assert.DoesNotContain(monitor.GetSnapshot(), static e => e.SampleMessage.Contains("secret-value", StringComparison.Ordinal));
    }

    private static (long, long, long, long) Windows(ErrorMonitor monitor)
    {
        var entry = Assert.Single(monitor.GetSnapshot());
        return (entry.LastMinute, entry.Last5Minutes, entry.LastHour, entry.Last24Hours);
    }

    private sealed class MaskingRedactor : IErrorRedactor
    {
        public string Redact(string value) => value.Replace("secret-value", "[REDACTED]", StringComparison.Ordinal);
    }

    private sealed class ThrowingRedactor : IErrorRedactor
    {
        public string Redact(string value) => throw new InvalidOperationException("redactor broke");
    }
}
