using System.Net;
using System.Security.Cryptography;

namespace Bulwark.Gateway.Tests.Infrastructure;

/// <summary>
/// A request body of <see cref="Length"/> seeded pseudo-random bytes, generated as it is sent (never held whole), with its
/// SHA-256 known up front; sent with its Content-Length, or chunked. It can stop after <see cref="PauseAt"/> bytes until
/// <see cref="Resume"/> completes, or fail there (the client aborting mid-body).
/// </summary>
internal sealed class PatternContent : HttpContent
{
    private const int Chunk = 64 * 1024;
    private readonly int _seed;
    private readonly bool _chunked;

    public PatternContent(long length, int seed, bool chunked = false)
    {
        Length = length;
        _seed = seed;
        _chunked = chunked;
    }

    public long Length { get; }

    /// <summary>Gets the SHA-256 (hex) of what was sent, once all of it was.</summary>
    public string? Sent { get; private set; }

    /// <summary>Gets or sets the byte count after which the body waits for <see cref="Resume"/>; <see langword="null"/> never.</summary>
    public long? PauseAt
    {
        get => _first?.At;
        set => _first = value is { } at ? AddPause(at) : null;
    }

    /// <summary>Gets the gate the first pause waits on: a result of <see langword="false"/> makes it fail (the client gives up mid-body).</summary>
    public TaskCompletionSource<bool> Resume => _first!.Resume;

    /// <summary>Gets completed once the body has reached its first pause.</summary>
    public TaskCompletionSource Paused => _first!.Paused;

    private readonly List<Pause> _pauses = [];
    private Pause? _first;

    /// <summary>Adds a pause after <paramref name="at"/> bytes.</summary>
    public Pause AddPause(long at)
    {
        var pause = new Pause(at);
        _pauses.Add(pause);
        _pauses.Sort(static (a, b) => a.At.CompareTo(b.At));
        return pause;
    }

    /// <summary>A point where the body stops until <see cref="Resume"/> completes.</summary>
    internal sealed class Pause(long at)
    {
        public long At { get; } = at;

        public TaskCompletionSource<bool> Resume { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Paused { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>The SHA-256 (hex) of the <paramref name="length"/> bytes of <paramref name="seed"/>.</summary>
    public static string Sha256Of(long length, int seed)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var random = new Random(seed);
        var buffer = new byte[Chunk];
        for (long left = length; left > 0;)
        {
            int count = (int)Math.Min(Chunk, left);
            random.NextBytes(buffer.AsSpan(0, count));
            hash.AppendData(buffer, 0, count);
            left -= count;
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        var random = new Random(_seed);
        var buffer = new byte[Chunk];
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long sent = 0;
        int next = 0;
        while (sent < Length)
        {
            int count = (int)Math.Min(Chunk, Length - sent);
            if (next < _pauses.Count && sent + count > _pauses[next].At)
            {
                count = (int)(_pauses[next].At - sent);
            }

            random.NextBytes(buffer.AsSpan(0, count));
            hash.AppendData(buffer, 0, count);
            await stream.WriteAsync(buffer.AsMemory(0, count), cancellationToken);
            sent += count;
            if (next < _pauses.Count && sent == _pauses[next].At)
            {
                var pause = _pauses[next++];
                await stream.FlushAsync(cancellationToken);
                pause.Paused.TrySetResult();
                if (!await pause.Resume.Task)
                {
                    throw new IOException("The client gave up mid-body.");
                }
            }
        }

        Sent = Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override bool TryComputeLength(out long length)
    {
        length = Length;
        return !_chunked;
    }
}
