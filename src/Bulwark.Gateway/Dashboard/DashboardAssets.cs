using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Net.Http.Headers;

namespace Bulwark.Gateway.Dashboard;

/// <summary>
/// The page's files, embedded in the gateway assembly (<c>Dashboard/Assets</c>): read once, each with its content type
/// and a strong ETag (a hash of its bytes). The two pages are served by their own endpoints, never cached; the script
/// and style sheet by name, revalidated by ETag on every use (<c>no-cache</c>), so an upgrade is seen at once.
/// </summary>
internal sealed class DashboardAssets
{
    private const string ResourcePrefix = "Bulwark.Gateway.Dashboard.Assets.";
    private const string LoginErrorMarker = "<!--login-error-->";

    private readonly Dictionary<string, DashboardAsset> _files = new(StringComparer.Ordinal);

    public DashboardAssets()
    {
        var assembly = typeof(DashboardAssets).Assembly;
        foreach (var name in assembly.GetManifestResourceNames())
        {
            if (!name.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            {
                continue;
            }

            using var stream = assembly.GetManifestResourceStream(name)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            string file = name[ResourcePrefix.Length..];
            _files[file] = Asset(file, copy.ToArray());
        }

        Page = Required("dashboard.html");
        var login = Required("login.html");
        string text = Encoding.UTF8.GetString(login.Content);
        Login = Asset("login.html", Encoding.UTF8.GetBytes(text.Replace(LoginErrorMarker, string.Empty, StringComparison.Ordinal)));
        LoginRefused = Asset("login.html", Encoding.UTF8.GetBytes(text.Replace(
            LoginErrorMarker,
            "<p class=\"error\" role=\"alert\">That is not the admin token.</p>",
            StringComparison.Ordinal)));
    }

    /// <summary>Gets the operator page.</summary>
    public DashboardAsset Page { get; }

    /// <summary>Gets the sign-in form.</summary>
    public DashboardAsset Login { get; }

    /// <summary>Gets the sign-in form saying the token was wrong.</summary>
    public DashboardAsset LoginRefused { get; }

    /// <summary>Gets the files served by name (the script and style sheet; the pages have their own endpoints).</summary>
    public IEnumerable<DashboardAsset> Files => _files.Values;

    /// <summary>Finds a script or style sheet by file name.</summary>
    public DashboardAsset? Find(string name) =>
        _files.TryGetValue(name, out var asset) && asset.ContentType is not null && !name.EndsWith(".html", StringComparison.Ordinal) ? asset : null;

    /// <summary>Writes a page: no caching, the strict Content-Security-Policy, no framing, no sniffing.</summary>
    public static Task WritePageAsync(HttpContext context, DashboardAsset page, int status)
    {
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = page.ContentType;
        response.ContentLength = page.Content.Length;
        SecurityHeaders(response);
        response.Headers.CacheControl = "no-store";
        return response.Body.WriteAsync(page.Content, context.RequestAborted).AsTask();
    }

    /// <summary>Writes a script or style sheet, or 304 when the browser's copy (<c>If-None-Match</c>) is current.</summary>
    public static Task WriteFileAsync(HttpContext context, DashboardAsset file)
    {
        var response = context.Response;
        SecurityHeaders(response);
        response.Headers.CacheControl = "no-cache";
        response.Headers.ETag = file.ETag;
        foreach (var candidate in context.Request.GetTypedHeaders().IfNoneMatch)
        {
            if (candidate.Tag.Equals(file.ETag) || candidate.Equals(EntityTagHeaderValue.Any))
            {
                response.StatusCode = StatusCodes.Status304NotModified;
                return Task.CompletedTask;
            }
        }

        response.ContentType = file.ContentType;
        response.ContentLength = file.Content.Length;
        return HttpMethods.IsHead(context.Request.Method) ? Task.CompletedTask : response.Body.WriteAsync(file.Content, context.RequestAborted).AsTask();
    }

    /// <summary>Headers every answer under the page carries, data included.</summary>
    public static void SecurityHeaders(HttpResponse response)
    {
        var headers = response.Headers;
        headers.ContentSecurityPolicy = DashboardConstants.ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";

        // Same-origin, not no-referrer: with no-referrer a browser sends "Origin: null" on the page's own POSTs.
        headers["Referrer-Policy"] = "same-origin";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        headers["Cross-Origin-Resource-Policy"] = "same-origin";
    }

    private DashboardAsset Required(string file) =>
        _files.TryGetValue(file, out var asset) ? asset : throw new InvalidOperationException($"The dashboard's embedded file '{file}' is missing from the gateway assembly.");

    private static DashboardAsset Asset(string file, byte[] content)
    {
        string? type = Path.GetExtension(file) switch
        {
            ".html" => "text/html; charset=utf-8",
            ".css" => "text/css; charset=utf-8",
            ".js" => "text/javascript; charset=utf-8",
            ".svg" => "image/svg+xml",
            _ => null,
        };
        string hash = Base64Url.EncodeToString(SHA256.HashData(content))[..22];
        return new DashboardAsset(file, type, content, "\"" + hash + "\"");
    }
}

/// <summary>One embedded file: its name, content type (none for a kind the page does not serve), bytes and strong ETag.</summary>
internal sealed record DashboardAsset(string Name, string? ContentType, byte[] Content, string ETag);
