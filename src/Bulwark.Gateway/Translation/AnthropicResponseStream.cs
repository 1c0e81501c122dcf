using System.Buffers;
using Bulwark.Gateway.Usage;

namespace Bulwark.Gateway.Translation;

/// <summary>
/// The response body stream of an attempt whose Anthropic answer goes back to an OpenAI client. A stream of events is
/// translated event by event as each arrives, and every translated event passes on at once (no added wait before the
/// first token); a whole message, or an error, is collected and translated when the provider's body has ended
/// (<see cref="CompleteAsync"/>), so that an answer that cannot be translated is a failed attempt, not a broken response.
/// </summary>
internal sealed class AnthropicResponseStream : Stream
{
    /// <summary>The largest whole Anthropic message taken for translation (far above the longest answer a model writes).</summary>
    public const int MaxMessageBytes = 16 * 1024 * 1024;

    private readonly AnthropicAnswer _answer;
    private readonly int _statusCode;
    private readonly long _created;
    private readonly AnthropicEventTranslator? _events;
    private readonly ArrayBufferWriter<byte> _output = new(4096);
    private readonly PooledBytes _message = new();
    private readonly EventStreamLines? _lines;
    private TokenUsage _usage;
    private bool _tooLarge;

    public AnthropicResponseStream(Stream inner, AnthropicAnswer answer, int statusCode, long created, bool includeUsage)
    {
        Inner = inner;
        _answer = answer;
        _statusCode = statusCode;
        _created = created;
        _events = answer == AnthropicAnswer.Events ? new AnthropicEventTranslator(created, includeUsage) : null;
        _lines = _events is null ? null : new EventStreamLines(AnthropicEventTranslator.MaxEventBytes, Line);
    }

    /// <summary>Gets the stream the translation goes to.</summary>
    public Stream Inner { get; }

    /// <summary>Gets the usage the provider reported.</summary>
    public TokenUsage Usage => _events?.Usage ?? _usage;

    /// <summary>Gets why the answer could not be translated, or the stream's error; <see langword="null"/> when all went well (so far).</summary>
    public string? Failure { get; private set; }

    /// <summary>Gets the status of the error a stream reported before anything was written, if it did (see <see cref="AnthropicEventTranslator.ErrorStatus"/>).</summary>
    public int? ErrorStatus => _events is { Started: false } ? _events.ErrorStatus : null;

    /// <summary>Gets whether any translated byte has been written on.</summary>
    public bool Started => _events?.Started ?? false;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>
    /// Ends the translation once the provider's body has ended: writes the translated message or error; for a stream,
    /// checks that it ended as a message does. <see langword="false"/> when the answer failed (see <see cref="Failure"/>).
    /// </summary>
    public async ValueTask<bool> CompleteAsync(CancellationToken cancellationToken)
    {
        if (_events is not null)
        {
            Failure ??= _events.Failure ?? (_events.Finished ? null : "the provider's stream ended before the message did");
            return Failure is null;
        }

        if (_tooLarge)
        {
            Failure = "the provider's answer was larger than can be translated";
            return false;
        }

        var body = _message.Span;
        if (_answer == AnthropicAnswer.Error)
        {
            AnthropicResponse.TranslateError(body, _statusCode, _output);
        }
        else if (!TryTranslateMessage(body))
        {
            Failure = "the provider's answer is not an Anthropic message";
            return false;
        }

        _message.Dispose();
        await Inner.WriteAsync(_output.WrittenMemory, cancellationToken).ConfigureAwait(false);
        _output.ResetWrittenCount();
        return true;
    }

    private bool TryTranslateMessage(ReadOnlySpan<byte> body)
    {
        try
        {
            return AnthropicResponse.TryTranslateMessage(body, _created, _output, out _usage);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            _output.ResetWrittenCount();
            return false;
        }
    }

    public override void Flush()
    {
        if (_events is { Started: true })
        {
            Inner.Flush();
        }
    }

    // A whole message is not flushed: nothing has been written on yet, and a flush would send the headers early.
    // A stream is flushed once something has been written: a flush before would send the headers, and an error event
    // first could no longer fail the attempt whole.
    public override Task FlushAsync(CancellationToken cancellationToken) => _events is { Started: true } ? Inner.FlushAsync(cancellationToken) : Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count)
    {
        Take(buffer.AsSpan(offset, count));
        if (_output.WrittenCount > 0)
        {
            Inner.Write(_output.WrittenSpan);
            _output.ResetWrittenCount();
        }
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Take(buffer.Span);
        if (_output.WrittenCount > 0)
        {
            await Inner.WriteAsync(_output.WrittenMemory, cancellationToken).ConfigureAwait(false);
            _output.ResetWrittenCount();
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    protected override void Dispose(bool disposing)
    {
        _message.Dispose();
        _lines?.Dispose();
        base.Dispose(disposing);
    }

    /// <summary>Takes the provider's bytes: a message is kept whole; a stream's whole events are translated into <see cref="_output"/>.</summary>
    private void Take(ReadOnlySpan<byte> data)
    {
        if (_lines is not null)
        {
            _lines.Write(data);
        }
        else if (!_tooLarge && !_message.TryAppend(data, MaxMessageBytes))
        {
            _tooLarge = true;
            _message.Dispose();
        }
    }

    private void Line(ReadOnlySpan<byte> line, bool tooLong)
    {
        if (tooLong)
        {
            Failure ??= "the provider's stream held an event larger than can be translated";
            return;
        }

        if (Failure is not null)
        {
            // A stream that failed translates nothing more: no event missing from the middle of what the client gets.
            return;
        }

        if (!line.StartsWith("data:"u8))
        {
            // "event:" names what the data's own "type" says again; comments and blank lines end nothing here.
            return;
        }

        var payload = line[5..];
        if (payload.Length > 0 && payload[0] == (byte)' ')
        {
            payload = payload[1..];
        }

        try
        {
            _events!.Translate(payload, _output);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            Failure = "the provider's stream held an event of an unexpected shape";
        }
    }

}

/// <summary>What an Anthropic answer is, by its status and content type.</summary>
internal enum AnthropicAnswer
{
    /// <summary>A whole message (JSON).</summary>
    Message,

    /// <summary>A stream of server-sent events.</summary>
    Events,

    /// <summary>An error (a status of 400 or more), whatever its body.</summary>
    Error,
}
