using System.Text;
using Bulwark.Gateway.Tokens;

namespace Bulwark.Gateway.Tests.Tokens;

public class DocumentPagesTests
{
    private static readonly PromptTokenEstimator Estimator = new();

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(40)]
    public void OfFile_ClassicPdf_CountsItsPageObjects(int pages)
    {
        Assert.Equal(pages, DocumentPages.OfFile(Pdf(pages, objectStreams: false)));
    }

    [Fact]
    public void OfFile_PdfWithObjectStreams_OnePagePerThousandBytes_AtMostAHundred()
    {
        var small = Pdf(1, objectStreams: true);
        var padded = Encoding.ASCII.GetBytes(Encoding.ASCII.GetString(small) + new string('%', 5_500));
        var huge = Encoding.ASCII.GetBytes(Encoding.ASCII.GetString(small) + new string('%', 500_000));

        Assert.Equal(1, DocumentPages.OfFile(small));
        Assert.Equal((padded.Length + 999) / 1_000, DocumentPages.OfFile(padded));
        Assert.Equal(100, DocumentPages.OfFile(huge));
    }

    [Fact]
    public void OfFile_NotAPdf_OnePage()
    {
        Assert.Equal(1, DocumentPages.OfFile(new byte[50_000]));
        Assert.Equal(1, DocumentPages.OfFile("/Type /Page /Type /Page"u8));
    }

    [Fact]
    public void UpperBound_PdfDocument_OneImageBoundPerPage()
    {
        var pdf = Pdf(12, objectStreams: false);
        var base64 = Convert.ToBase64String(pdf);
        var anthropic = Encoding.UTF8.GetBytes($$$"""
            {"model":"claude-sonnet-4-5","messages":[{"role":"user","content":[
              {"type":"document","source":{"type":"base64","media_type":"application/pdf","data":"{{{base64}}}"}}]}]}
            """);
        var responses = Encoding.UTF8.GetBytes($$$"""
            {"model":"gpt-4.1","input":[{"role":"user","content":[
              {"type":"input_file","filename":"r.pdf","file_data":"data:application/pdf;base64,{{{base64}}}"}]}]}
            """);

        var a = Estimator.UpperBound(anthropic, "claude-sonnet-4-5");
        var r = Estimator.UpperBound(responses, "gpt-4.1");

        Assert.Equal(1, a.Images);
        Assert.InRange(a.Tokens, pdf.Length + (12 * 1_600), pdf.Length + (12 * 1_600) + 200);
        Assert.InRange(r.Tokens, pdf.Length + (12 * 1_600), pdf.Length + (12 * 1_600) + 200);
    }

    [Fact]
    public void UpperBound_EscapedBase64Pdf_PagesAssumedFromItsSize()
    {
        // Some encoders escape "/" as "\/": the payload is not decoded then, and its pages are assumed by size.
        var base64 = Convert.ToBase64String(Pdf(2, objectStreams: false).Concat(Enumerable.Repeat((byte)0xFF, 6_000)).ToArray());
        var escaped = base64.Replace("/", "\\/", StringComparison.Ordinal);
        Assert.NotEqual(base64, escaped);
        var body = Encoding.UTF8.GetBytes($$$"""
            {"model":"claude-sonnet-4-5","messages":[{"role":"user","content":[
              {"type":"document","source":{"type":"base64","media_type":"application/pdf","data":"{{{escaped}}}"}}]}]}
            """);

        var bound = Estimator.UpperBound(body, "claude-sonnet-4-5");

        var pages = (base64.Length + 999) / 1_000;
        Assert.True(bound.Tokens >= base64.Length + (pages * 1_600));
    }

    // A PDF in the shape writers produce: a catalog, a page tree, page objects, each page's content stream.
    private static byte[] Pdf(int pages, bool objectStreams)
    {
        var pdf = new StringBuilder("%PDF-1.7\n%\u00e2\u00e3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
        if (objectStreams)
        {
            pdf.Append("2 0 obj\n<< /Type /ObjStm /N ").Append(pages).Append(" /First 10 /Filter /FlateDecode /Length 9 >>\nstream\nxxxxxxxxx\nendstream\nendobj\n");
        }
        else
        {
            pdf.Append("2 0 obj\n<< /Type /Pages /Count ").Append(pages).Append(" /Kids [] >>\nendobj\n");
            for (var i = 0; i < pages; i++)
            {
                pdf.Append(3 + i).Append(i % 2 == 0 ? " 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>\nendobj\n" : " 0 obj\n<</Type/Page/Parent 2 0 R>>\nendobj\n");
            }
        }

        pdf.Append("trailer\n<< /Root 1 0 R >>\n%%EOF\n");
        return Encoding.Latin1.GetBytes(pdf.ToString());
    }
}
