using System.Buffers;
using System.Text.Json;

namespace Bulwark.Gateway.Tokens;

/// <summary>
/// One pass over a request body for <see cref="PromptTokenEstimator"/>: the rules are documented there. Buffers come
/// from the shared pools and go back on <see cref="Dispose"/>.
/// </summary>
/// <remarks>
/// A media object's <c>type</c> may come after its payload (JSON objects have no order), so payload strings are not
/// read when met: their place is kept, and the object that owns them decides at its end, either dropping them (an
/// image), bounding them by their bytes (a file, document or audio) or leaving them to its parent. What reaches the
/// root is read as text there.
/// </remarks>
internal ref struct PromptBodyWalker
{
    private const int MaxDepth = 128;

    private readonly ReadOnlySpan<byte> _body;
    private readonly EncodingCounter? _tokenizer;
    private readonly int _imageTokens;
    private Frame[] _frames;
    private int _depth;
    private Deferred[] _deferred;
    private int _deferredCount;
    private char[]? _chars;
    private byte[]? _bytes;
    private long _tokens;
    private int _media;
    private int _tools;
    private int _builtInTools;

    public PromptBodyWalker(ReadOnlySpan<byte> body, EncodingCounter? tokenizer, int imageTokens)
    {
        _body = body;
        _tokenizer = tokenizer;
        _imageTokens = imageTokens;
        _frames = ArrayPool<Frame>.Shared.Rent(MaxDepth + 1);
        _deferred = ArrayPool<Deferred>.Shared.Rent(8);
    }

    private enum Role : byte
    {
        Other,
        Type,
        Payload,
        Tools,
        Source,
    }

    private enum MediaKind : byte
    {
        None,
        Image,
        Document,
        Audio,
    }

    /// <summary>Walks the body; false when it is not a well-formed JSON object (or not valid UTF-8).</summary>
    public bool TryWalk(out long tokens, out int media)
    {
        tokens = 0;
        media = 0;
        try
        {
            Walk();
        }
        catch (JsonException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            // CopyString on text that cannot be transcoded (invalid UTF-8, a lone surrogate escape).
            return false;
        }
        catch (ArgumentException)
        {
            return false;
        }

        tokens = _tokens;
        media = _media;
        return true;
    }

    public void Dispose()
    {
        ArrayPool<Frame>.Shared.Return(_frames);
        ArrayPool<Deferred>.Shared.Return(_deferred);
        if (_chars is not null)
        {
            ArrayPool<char>.Shared.Return(_chars);
        }

        if (_bytes is not null)
        {
            ArrayPool<byte>.Shared.Return(_bytes);
        }

        this = default;
    }

    private void Walk()
    {
        var reader = new Utf8JsonReader(_body, new JsonReaderOptions { MaxDepth = MaxDepth });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("The body is not a JSON object.");
        }

        _tokens = PromptTokenConstants.FixedAllowance;
        var role = Role.Other;
        Open(isArray: false, role);
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                    _tokens += CountText(ref reader);
                    role = RoleOf(ref reader, _depth == 1);
                    continue;
                case JsonTokenType.StartObject:
                case JsonTokenType.StartArray:
                    Element();
                    Open(reader.TokenType == JsonTokenType.StartArray, role);
                    break;
                case JsonTokenType.EndObject:
                    CloseObject();
                    break;
                case JsonTokenType.EndArray:
                    _depth--;
                    break;
                case JsonTokenType.String:
                    Element();
                    String(ref reader, role);
                    break;
                default:
                    // Numbers, true, false, null: their text, at most a token per byte.
                    Element();
                    _tokens += reader.ValueSpan.Length;
                    break;
            }

            role = Role.Other;
        }

        if (_tools > 0)
        {
            _tokens += PromptTokenConstants.ToolUseAllowance + ((long)_builtInTools * PromptTokenConstants.BuiltInToolAllowance);
        }
    }

    private readonly Role RoleOf(ref Utf8JsonReader reader, bool atRoot)
    {
        if (reader.ValueTextEquals("type"u8))
        {
            return Role.Type;
        }

        if (reader.ValueTextEquals("url"u8) || reader.ValueTextEquals("data"u8) || reader.ValueTextEquals("image_url"u8)
            || reader.ValueTextEquals("file_data"u8))
        {
            return Role.Payload;
        }

        if (reader.ValueTextEquals("source"u8))
        {
            return Role.Source;
        }

        return atRoot && (reader.ValueTextEquals("tools"u8) || reader.ValueTextEquals("functions"u8)) ? Role.Tools : Role.Other;
    }

    // A value inside an array: the separators around it.
    private void Element()
    {
        if (_frames[_depth - 1].IsArray)
        {
            _tokens += PromptTokenConstants.PerArrayElementAllowance;
        }
    }

    private void Open(bool isArray, Role role)
    {
        var isTool = !isArray && _depth > 0 && _frames[_depth - 1].IsToolList;
        _frames[_depth++] = new Frame
        {
            IsArray = isArray,
            IsToolList = isArray && role == Role.Tools,
            IsTool = isTool,
            IsSource = role == Role.Source,
            DeferredStart = _deferredCount,
        };

        if (!isArray)
        {
            _tokens += PromptTokenConstants.PerObjectAllowance;
            if (isTool)
            {
                _tools++;
            }
        }
    }

    private void String(ref Utf8JsonReader reader, Role role)
    {
        ref var frame = ref _frames[_depth - 1];
        if (role == Role.Payload)
        {
            Defer(ref reader);
            return;
        }

        if (role == Role.Type && !frame.IsArray)
        {
            if (frame.IsTool && !reader.ValueTextEquals("function"u8) && !reader.ValueTextEquals("custom"u8))
            {
                _builtInTools++;
            }

            // An Anthropic block's source ({"type":"file","file_id":…}) says where the media is, not what it is.
            frame.Kind = frame.IsSource ? MediaKind.None : KindOf(ref reader);
        }

        _tokens += CountText(ref reader);
    }

    private static MediaKind KindOf(ref Utf8JsonReader reader)
    {
        if (reader.ValueTextEquals("image_url"u8) || reader.ValueTextEquals("input_image"u8) || reader.ValueTextEquals("image"u8))
        {
            return MediaKind.Image;
        }

        if (reader.ValueTextEquals("file"u8) || reader.ValueTextEquals("input_file"u8) || reader.ValueTextEquals("document"u8))
        {
            return MediaKind.Document;
        }

        return reader.ValueTextEquals("input_audio"u8) ? MediaKind.Audio : MediaKind.None;
    }

    private void Defer(ref Utf8JsonReader reader)
    {
        if (_deferredCount == _deferred.Length)
        {
            var larger = ArrayPool<Deferred>.Shared.Rent(_deferred.Length * 2);
            _deferred.AsSpan(0, _deferredCount).CopyTo(larger);
            ArrayPool<Deferred>.Shared.Return(_deferred);
            _deferred = larger;
        }

        _deferred[_deferredCount++] = new Deferred(checked((int)reader.TokenStartIndex));
    }

    private void CloseObject()
    {
        var frame = _frames[--_depth];
        switch (frame.Kind)
        {
            case MediaKind.Image:
                _media++;
                _tokens += _imageTokens;
                _deferredCount = frame.DeferredStart;
                break;
            case MediaKind.Document:
            case MediaKind.Audio:
                _media++;
                var pages = 0;
                for (var i = frame.DeferredStart; i < _deferredCount; i++)
                {
                    var reader = ReaderAt(_deferred[i]);
                    _tokens += PayloadBytes(ref reader, out var payloadPages);
                    pages += payloadPages;
                }

                // A document sent by id or URL is not in the body: one page is all that can be said of it.
                _tokens += frame.Kind == MediaKind.Document ? (long)Math.Max(pages, 1) * _imageTokens : 0;
                _deferredCount = frame.DeferredStart;
                break;
            default:
                // Not media: its payload strings are its parent's to judge, or text at the root.
                if (_depth == 0)
                {
                    for (var i = 0; i < _deferredCount; i++)
                    {
                        var reader = ReaderAt(_deferred[i]);
                        _tokens += CountText(ref reader);
                    }

                    _deferredCount = 0;
                }

                break;
        }
    }

    private readonly Utf8JsonReader ReaderAt(Deferred deferred)
    {
        var reader = new Utf8JsonReader(_body[deferred.Start..]);
        reader.Read();
        return reader;
    }

    // A payload's size in bytes: base64-decoded when it is base64 (a data URL, or a bare base64 string), else its UTF-8
    // byte count (text, an http URL).
    // Also its pages (DocumentPages): 1 for anything but a PDF.
    private long PayloadBytes(ref Utf8JsonReader reader, out int pages)
    {
        var raw = reader.ValueSpan;
        if (!reader.ValueIsEscaped)
        {
            var base64 = raw;
            if (raw.StartsWith("data:"u8))
            {
                var comma = raw.IndexOf((byte)',');
                base64 = comma > 0 && raw[..comma].EndsWith(";base64"u8) ? raw[(comma + 1)..] : [];
            }

            if (!base64.IsEmpty && base64.Length % 4 == 0 && IsBase64(base64))
            {
                pages = DocumentPages.Of(base64);
                return Base64Bytes(base64.Length);
            }

            pages = 1;
            return raw.Length;
        }

        // Escaped: prose (a text document) has spaces or line breaks; base64 escaped as some encoders do ("\/") has
        // neither, and its pages cannot be counted without decoding it twice.
        var bytes = Utf8Bytes(ref reader);
        pages = raw.IndexOf((byte)' ') >= 0 || raw.IndexOf("\\n"u8) >= 0 ? 1 : (int)Math.Clamp((bytes + DocumentPages.BytesPerPageAssumed - 1) / DocumentPages.BytesPerPageAssumed, 1, DocumentPages.MaxPagesAssumed);
        return bytes;
    }

    private static long Base64Bytes(int length) => ((long)length + 3) / 4 * 3;

    private static bool IsBase64(ReadOnlySpan<byte> raw)
    {
        var body = raw.TrimEnd("="u8);
        return raw.Length - body.Length <= 2
            && body.IndexOfAnyExcept("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"u8) < 0;
    }

    // The tokens of a property name or string value, unescaped: by the tokenizer, or its UTF-8 bytes.
    private long CountText(ref Utf8JsonReader reader)
    {
        var length = reader.ValueSpan.Length;
        if (length == 0)
        {
            return 0;
        }

        if (_tokenizer is null)
        {
            return Utf8Bytes(ref reader);
        }

        if (_chars is null || _chars.Length < length)
        {
            if (_chars is not null)
            {
                ArrayPool<char>.Shared.Return(_chars);
            }

            _chars = ArrayPool<char>.Shared.Rent(Math.Max(length, 256));
        }

        var written = reader.CopyString(_chars);
        var text = _chars.AsSpan(0, written);
        long count = _tokenizer.Count(text);
        if (text.Contains("<|", StringComparison.Ordinal))
        {
            count += SpecialTokenStarts(text) * PromptTokenConstants.SpecialTokenAllowance;
        }

        return count;
    }

    private long Utf8Bytes(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            return reader.ValueSpan.Length;
        }

        var length = reader.ValueSpan.Length;
        if (_bytes is null || _bytes.Length < length)
        {
            if (_bytes is not null)
            {
                ArrayPool<byte>.Shared.Return(_bytes);
            }

            _bytes = ArrayPool<byte>.Shared.Rent(Math.Max(length, 256));
        }

        return reader.CopyString(_bytes);
    }

    private static int SpecialTokenStarts(ReadOnlySpan<char> text)
    {
        var count = 0;
        for (var i = text.IndexOf("<|", StringComparison.Ordinal); i >= 0; count++)
        {
            var next = text[(i + 2)..].IndexOf("<|", StringComparison.Ordinal);
            i = next < 0 ? -1 : i + 2 + next;
        }

        return count;
    }

    private struct Frame
    {
        public bool IsArray;
        public bool IsToolList;
        public bool IsTool;
        public bool IsSource;
        public MediaKind Kind;
        public int DeferredStart;
    }

    private readonly record struct Deferred(int Start);
}
