using System.Buffers;
using System.Buffers.Text;

namespace Bulwark.Gateway.Tokens;

/// <summary>
/// How many pages a document payload has, for its per-page image bound: a provider shows the model an image of every
/// page of a PDF beside its text.
/// </summary>
internal static class DocumentPages
{
    /// <summary>Bytes of the file per page assumed where the pages cannot be counted: below what a real page takes
    /// (2 to 50 KB for text), so the count is high rather than low.</summary>
    public const int BytesPerPageAssumed = 1_000;

    /// <summary>The most pages a provider takes in one request (Anthropic and OpenAI: 100).</summary>
    public const int MaxPagesAssumed = 100;

    /// <summary>
    /// The pages of a base64 payload: 1 for anything but a PDF; for a PDF, its page objects (<c>/Type /Page</c>) where
    /// they are in plain sight, or, where they may hide in compressed object streams (<c>/ObjStm</c>), one per
    /// <see cref="BytesPerPageAssumed"/> bytes, at least 1 and at most <see cref="MaxPagesAssumed"/>.
    /// </summary>
    public static int Of(ReadOnlySpan<byte> base64)
    {
        var rented = ArrayPool<byte>.Shared.Rent(Base64.GetMaxDecodedFromUtf8Length(base64.Length));
        try
        {
            if (Base64.DecodeFromUtf8(base64, rented, out _, out var written) != OperationStatus.Done)
            {
                return 1;
            }

            return OfFile(rented.AsSpan(0, written));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>The pages of a decoded file, by the same rule.</summary>
    public static int OfFile(ReadOnlySpan<byte> file)
    {
        var header = file[..Math.Min(file.Length, 1024)].IndexOf("%PDF-"u8);
        if (header < 0)
        {
            return 1;
        }

        var pages = file.IndexOf("/ObjStm"u8) >= 0 ? 0 : CountPageObjects(file);
        return pages > 0 ? pages : Math.Clamp((file.Length + BytesPerPageAssumed - 1) / BytesPerPageAssumed, 1, MaxPagesAssumed);
    }

    // "/Type/Page" or "/Type /Page", not "/Pages" (the page tree's nodes).
    private static int CountPageObjects(ReadOnlySpan<byte> file)
    {
        var pages = 0;
        var rest = file;
        for (var at = rest.IndexOf("/Type"u8); at >= 0; at = rest.IndexOf("/Type"u8))
        {
            rest = rest[(at + 5)..];
            var value = rest.TrimStart(" \r\n\t"u8);
            if (value.StartsWith("/Page"u8) && (value.Length == 5 || !char.IsAsciiLetterOrDigit((char)value[5])))
            {
                pages++;
            }
        }

        return pages;
    }
}
