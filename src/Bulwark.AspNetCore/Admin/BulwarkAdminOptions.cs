namespace Bulwark.AspNetCore.Admin;

/// <summary>
/// Options of the admin API, bound from the <c>Bulwark:Admin</c> configuration section (so the environment variables
/// <c>Bulwark__Admin__Token</c> and <c>Bulwark__Admin__TokenFile</c> work). The API is enabled only when a token is set;
/// without one every path under <c>/admin</c> answers 404, as if it did not exist.
/// </summary>
public sealed class BulwarkAdminOptions
{
    /// <summary>Gets or sets the bearer token that admin requests must present. Set this or <see cref="TokenFile"/>, not both.</summary>
    /// <value>Defaults to <see langword="null"/> (admin API disabled). At least 16 characters.</value>
    public string? Token { get; set; }

    /// <summary>
    /// Gets or sets the path of a file holding the token (for example a mounted secret), read once at start-up with
    /// surrounding whitespace trimmed; a relative path is resolved from the current directory. Rotating the token needs a restart.
    /// </summary>
    /// <value>Defaults to <see langword="null"/>. The file must exist and hold at least 16 characters.</value>
    public string? TokenFile { get; set; }
}
