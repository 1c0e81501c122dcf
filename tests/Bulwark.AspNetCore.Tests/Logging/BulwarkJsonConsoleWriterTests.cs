using System.Buffers;
using System.Text;
using Bulwark.AspNetCore.Logging;
using Bulwark.Tests.Shared;

namespace Bulwark.AspNetCore.Tests.Logging;

public sealed class BulwarkJsonConsoleWriterTests
{
    // Long enough that a starved writer thread on a loaded machine still finishes before Dispose gives up on it.
    private static readonly TimeSpan DisposeWait = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [Fact]
    public void Enqueue_FromManyThreads_WritesEveryLineOnceInEachThreadsOrder()
    {
        var output = new GatedStream();
        var writer = Writer(output, maxQueueLength: 64, dropWhenFull: false);

        Parallel.For(0, 4, thread =>
        {
            for (int i = 0; i < 2_500; i++)
            {
                writer.Enqueue(Line($"{thread}:{i}"));
            }
        });
        writer.Dispose();

        var lines = output.Lines();
        Assert.Equal(10_000, lines.Length);
        for (int thread = 0; thread < 4; thread++)
        {
            var mine = lines.Where(l => l.StartsWith($"{thread}:", StringComparison.Ordinal)).Select(l => int.Parse(l[2..], System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(Enumerable.Range(0, 2_500), mine);
        }

        Assert.Equal(0, writer.Dropped);
    }

    [Fact]
    public async Task Enqueue_WhileTheWriterIsBusy_LinesGoOutTogetherInOneWrite()
    {
        var output = new GatedStream(open: false);
        var writer = Writer(output, maxQueueLength: 1_000, dropWhenFull: false);

        writer.Enqueue(Line("first"));
        await output.WaitForWriteAsync();
        for (int i = 0; i < 100; i++)
        {
            writer.Enqueue(Line($"line {i}"));
        }

        output.Open();
        writer.Dispose();

        Assert.Equal(101, output.Lines().Length);
        Assert.Equal(2, output.Writes);
    }

    [Fact]
    public async Task Enqueue_LinesWithinTheLinger_ShareOneWrite_AndALoneLineStillGoesOutWithoutDispose()
    {
        var output = new GatedStream();
        using var writer = new BulwarkJsonConsoleWriter(output, 1_000, dropWhenFull: false, disposeWait: DisposeWait, linger: TimeSpan.FromSeconds(1));

        // Ten lines inside the linger of the first: one write.
        for (int i = 0; i < 10; i++)
        {
            writer.Enqueue(Line($"line {i}"));
        }

        await Poll.UntilAsync(() => output.Lines().Length == 10, "the ten lines written", Deadline);
        Assert.Equal(1, output.Writes);

        // A line on its own is written once its linger ends: nothing waits for more traffic or for dispose.
        writer.Enqueue(Line("alone"));
        await Poll.UntilAsync(() => output.Lines() is [.., "alone"], "the lone line written", Deadline);
        Assert.Equal(2, output.Writes);
    }

    [Fact]
    public async Task Enqueue_ABatchsWorthWaiting_EndsTheLingerAtOnce()
    {
        var output = new GatedStream();
        using var writer = new BulwarkJsonConsoleWriter(output, 10_000, dropWhenFull: false, disposeWait: DisposeWait, linger: TimeSpan.FromHours(1));

        for (int i = 0; i < 256; i++)
        {
            writer.Enqueue(Line($"line {i}"));
        }

        // An hour's linger, yet written now: 256 lines are a batch's worth.
        await Poll.UntilAsync(() => output.Lines().Length == 256, "every line written", Deadline);
    }

    [Fact]
    public void Dispose_WhileTheWriterLingers_WritesTheLinesWithoutWaitingOutTheLinger()
    {
        var output = new GatedStream();
        var writer = new BulwarkJsonConsoleWriter(output, 1_000, dropWhenFull: false, disposeWait: DisposeWait, linger: TimeSpan.FromHours(1));
        writer.Enqueue(Line("pending"));

        var disposing = System.Diagnostics.Stopwatch.StartNew();
        writer.Dispose();

        Assert.Equal(["pending"], output.Lines());
        Assert.True(disposing.Elapsed < DisposeWait, $"dispose took {disposing.Elapsed}");
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(3_000_000_000)]
    public void Constructor_LingerOutOfRange_IsRefused(long milliseconds) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new BulwarkJsonConsoleWriter(new GatedStream(), 10, dropWhenFull: false, linger: TimeSpan.FromMilliseconds(milliseconds)));

    [Fact]
    public async Task Enqueue_QueueFullInDropMode_DropsTheLineAndSaysSoOnceThereIsRoom()
    {
        var output = new GatedStream(open: false);
        var writer = Writer(output, maxQueueLength: 1, dropWhenFull: true);

        writer.Enqueue(Line("being written"));
        await output.WaitForWriteAsync();
        writer.Enqueue(Line("queued"));
        writer.Enqueue(Line("dropped"));
        output.Open();
        writer.Dispose();

        Assert.Equal(["being written", "dropped 1", "queued"], output.Lines());
        Assert.Equal(1, writer.Dropped);
    }

    [Fact]
    public async Task Enqueue_QueueFullInWaitMode_WaitsForRoomAndLosesNothing()
    {
        var output = new GatedStream(open: false);
        var writer = Writer(output, maxQueueLength: 1, dropWhenFull: false);

        writer.Enqueue(Line("being written"));
        await output.WaitForWriteAsync();
        writer.Enqueue(Line("queued"));
        var waiting = Task.Factory.StartNew(() => writer.Enqueue(Line("waits")), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        Assert.True(SpinWait.SpinUntil(() => writer.WaitingProducers == 1, Deadline), "The third line did not wait for room.");
        Assert.False(waiting.IsCompleted);
        output.Open();
        await waiting.WaitAsync(Deadline);
        writer.Dispose();

        Assert.Equal(["being written", "queued", "waits"], output.Lines());
        Assert.Equal(0, writer.WaitingProducers);
        Assert.Equal(0, writer.Dropped);
    }

    [Fact]
    public async Task Enqueue_OutputFailsOnce_CountsTheLostLineAndTheWriterCarriesOn()
    {
        var output = new GatedStream(open: false) { FailWrites = 1 };
        var writer = Writer(output, maxQueueLength: 10, dropWhenFull: false);

        writer.Enqueue(Line("lost"));
        await output.WaitForWriteAsync();
        writer.Enqueue(Line("after"));
        output.Open();
        writer.Dispose();

        Assert.Equal(["dropped 1", "after"], output.Lines());
        Assert.Equal(1, writer.Dropped);
    }

    [Fact]
    public void Enqueue_OutputThrowsSomethingOtherThanIO_TheWriterThreadSurvives()
    {
        var output = new GatedStream { Throws = new UnauthorizedAccessException("no") };
        var writer = Writer(output, maxQueueLength: 10, dropWhenFull: false);

        writer.Enqueue(Line("lost"));
        Assert.True(SpinWait.SpinUntil(() => writer.Dropped >= 1, Deadline), "The failed line was not counted.");
        output.Throws = null;
        writer.Enqueue(Line("after"));
        writer.Dispose();

        Assert.Contains("after", output.Lines());
    }

    [Fact]
    public void Enqueue_AfterDispose_WritesOnTheCallersThread()
    {
        var output = new GatedStream();
        var writer = Writer(output, maxQueueLength: 10, dropWhenFull: false);
        writer.Dispose();

        writer.Enqueue(Line("late"));

        Assert.Equal(["late"], output.Lines());
    }

    // The provider formats the "dropped" warning as a JSON entry (BulwarkJsonConsoleLoggerProviderTests); here a plain line.
    private static BulwarkJsonConsoleWriter Writer(GatedStream output, int maxQueueLength, bool dropWhenFull) =>
        new(output, maxQueueLength, dropWhenFull, static count => Line($"dropped {count}"), DisposeWait);

    private static BulwarkJsonLogLine Line(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text + "\n");
        var rented = ArrayPool<byte>.Shared.Rent(bytes.Length);
        bytes.CopyTo(rented, 0);
        return new BulwarkJsonLogLine(rented, bytes.Length);
    }
}
