using Bulwark.Gateway.Tests.Infrastructure;
using Bulwark.Gateway.Tests.Requests;

namespace Bulwark.Gateway.Tests.Forwarding;

/// <summary>The spool files of a gateway killed mid-upload, swept at its next start; a file a running process holds is not.</summary>
public sealed class SpoolSweepTests : IDisposable
{
    private const long MiB = 1024 * 1024;

    private readonly string _spool = Directory.CreateTempSubdirectory("bulwark-sweep-test-").FullName;

    public void Dispose() => Directory.Delete(_spool, recursive: true);

    [Fact]
    public async Task GatewayKilledMidUpload_ItsSpoolFileIsRemovedAtTheNextStart_AFileARunningProcessHoldsIsKept()
    {
        await using var upstream = await HashingUpstream.StartAsync();
        string config = RequestSpoolTests.Config(upstream.BaseAddress, upstream.BaseAddress, _spool);
        var content = new PatternContent(64 * MiB, seed: 21) { PauseAt = 8 * MiB };
        Task<HttpResponseMessage> sending;
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        await using (var killed = await GatewayProcess.StartAsync(config))
        {
            sending = client.PutAsync(new Uri(killed.Address, "/bucket/interrupted.bin"), content);
            await Poll.WithinAsync(content.Paused.Task.ContinueWith(_ => true), "the client to pause mid-body");
            await Poll.UntilAsync(() => Directory.GetFiles(_spool).Length == 1, "the spool file to exist while the body arrives");
            await killed.KillAsync();
        }

        content.Resume.TrySetResult(false);
        await Assert.ThrowsAnyAsync<Exception>(() => sending);
        string left = Assert.Single(Directory.GetFiles(_spool));
        Assert.StartsWith("bulwark-spool-", Path.GetFileName(left), StringComparison.Ordinal);
        Assert.True(new FileInfo(left).Length >= 8 * MiB || new FileInfo(left).Length > 0);

        // Another gateway's file, in use (this test holds it as a running gateway would): never swept.
        string held = Path.Combine(_spool, "bulwark-spool-held.tmp");
        using var holding = File.OpenHandle(held, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None);
        // Not the gateway's name: never swept either.
        string other = Path.Combine(_spool, "someone-else.tmp");
        await File.WriteAllTextAsync(other, "kept");

        await using var restarted = await GatewayProcess.StartAsync(config);

        await Poll.UntilAsync(() => !File.Exists(left), "the killed gateway's spool file to be swept");
        Assert.True(File.Exists(held));
        Assert.True(File.Exists(other));
        await Poll.UntilAsync(() => restarted.Output.Contains("Removed 1 spool file(s)", StringComparison.Ordinal), "the sweep to be logged");
    }
}
