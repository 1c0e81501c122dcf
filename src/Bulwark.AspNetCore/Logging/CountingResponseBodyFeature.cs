using System.IO.Pipelines;
using Microsoft.AspNetCore.Http.Features;

namespace Bulwark.AspNetCore.Logging;

/// <summary>Passes the response body through to the server's feature, counting the bytes written by either API.</summary>
internal sealed class CountingResponseBodyFeature(IHttpResponseBodyFeature inner) : IHttpResponseBodyFeature
{
    private CountingWriteStream? _stream;
    private CountingPipeWriter? _writer;

    public IHttpResponseBodyFeature Inner { get; } = inner;

    public long Count { get; private set; }

    public Stream Stream => _stream ??= new CountingWriteStream(Inner.Stream, this);

    public PipeWriter Writer => _writer ??= new CountingPipeWriter(Inner.Writer, this);

    public void Add(long bytes) => Count += bytes;

    public void DisableBuffering() => Inner.DisableBuffering();

    public Task StartAsync(CancellationToken cancellationToken = default) => Inner.StartAsync(cancellationToken);

    public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default)
    {
        Add(count ?? Math.Max(0, new FileInfo(path).Length - offset));
        return Inner.SendFileAsync(path, offset, count, cancellationToken);
    }

    public Task CompleteAsync() => Inner.CompleteAsync();
}
